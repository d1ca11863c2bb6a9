"""Springplank settings: one module, driven by the environment.

DJANGO_ENV selects the mode:
- ``development`` (default): embedded defaults for a demo — SQLite under ./var, a filesystem
  Celery broker (no Redis needed), e-mail printed to the console.
- ``production``: every secret and host must come from the environment, HTTPS is assumed, and
  ``manage.py check --deploy --fail-level WARNING`` passes. See README.md for the variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import ConfigError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SPRINGPLANK_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ConfigError(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("SECRET_KEY (or SECRET_KEY_FILE) must be set when DJANGO_ENV=production")
    SECRET_KEY = "django-insecure-springplank-demo-key-only-for-local-use-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "onboarding",
    "monitoring",
    "coaching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onboarding.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files straight from gunicorn, compressed and cached forever by their hashed names.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "onboarding.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL for real use (DATABASE_URL), SQLite under ./var for the demo.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    if PRODUCTION:
        raise ConfigError("DATABASE_URL must be set when DJANGO_ENV=production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "springplank.sqlite3",
            # The demo runs web, worker and scheduler against one file: wait for locks instead
            # of failing, take the write lock up front, and let readers run beside a writer.
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests with a worker thread need a file, not SQLite's shared-cache memory database,
            # whose table locks ignore the timeout above.
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "onboarding.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after AXES_FAILURE_LIMIT failures for one username from one address the
# login is refused for AXES_COOLOFF_MINUTES; the message stays generic either way.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form posts the e-mail address in the field Django names "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: printed to the console in the demo; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Springplank <springplank@localhost>")

# Celery: Redis for real use; a filesystem broker under ./var for the demo, so that web, worker
# and scheduler can run together on a laptop without Redis.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Longer than the longest task's hard time limit, so that a message of a task still
        # running is not handed to a second worker.
        "visibility_timeout": 3600,
        # A web request that enqueues work must not hang on a broker that is down: fail fast,
        # the scheduler picks the work up from the database later.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 0,
    }
else:
    if PRODUCTION:
        raise ConfigError("REDIS_URL must be set when DJANGO_ENV=production")
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Acknowledge a message only after its task ran, and hand it back if the worker process dies:
# every task is safe to run twice, so losing one is worse than running one again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Few messages at a time per process: polls are uneven, and a deep prefetch would leave polls
# waiting behind one stuck on a slow host (which the fetch deadline bounds anyway).
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_WORKER_PREFETCH_MULTIPLIER", 1)
# A poll is bounded by the fetch deadline (30 s) plus parsing; these limits catch anything that
# still runs away. The soft limit raises inside the task so it can record the failure.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180)
# Recycle a worker process after it grew past 500 MB or ran 1,000 tasks: feedparser and large
# documents fragment memory, and a fresh process is the cheapest cure.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB", 500_000)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 1000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The one scheduler (celery beat): every periodic task of the product is listed here.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "enqueue-due-sources": {"task": "monitoring.tasks.enqueue_due_sources", "schedule": 60.0},
    "expire-stale-queue-items": {
        "task": "monitoring.tasks.expire_stale_queue_items",
        "schedule": 3600.0,
    },
    # Hourly; a digest is sent at most once per day or week (claimed in the database).
    "send-inbox-digests": {"task": "coaching.tasks.send_digests", "schedule": 3600.0},
}

# Outbound fetching (monitoring/http.py). The allowlist lifts the refusal of non-public
# addresses for exactly the listed host:port or CIDR:port entries.
SPRINGPLANK_FETCH_ALLOWLIST = env_str("SPRINGPLANK_FETCH_ALLOWLIST")
SPRINGPLANK_FETCH_TIMEOUT = env_int("SPRINGPLANK_FETCH_TIMEOUT", 10)
SPRINGPLANK_FETCH_DEADLINE = env_int("SPRINGPLANK_FETCH_DEADLINE", 30)
SPRINGPLANK_FETCH_MAX_BYTES = env_int("SPRINGPLANK_FETCH_MAX_BYTES", 10 * 1024 * 1024)
SPRINGPLANK_FETCH_MAX_REDIRECTS = env_int("SPRINGPLANK_FETCH_MAX_REDIRECTS", 5)
SPRINGPLANK_USER_AGENT = env_str(
    "SPRINGPLANK_USER_AGENT", "Springplank/1.0 (+https://github.com/springplank; feed reader)"
)

# Source kinds beyond feeds. X searches use the X API v2 with an app-only bearer token set by an
# administrator (from the environment or a Docker secret file); without one, the X option says
# what is missing. The Mastodon instance is the default for hashtag suggestions.
SPRINGPLANK_X_API_BASE = env_str("SPRINGPLANK_X_API_BASE", "https://api.twitter.com").rstrip("/")
SPRINGPLANK_X_BEARER_TOKEN = env_secret("SPRINGPLANK_X_BEARER_TOKEN")
SPRINGPLANK_MASTODON_INSTANCE = env_str("SPRINGPLANK_MASTODON_INSTANCE", "mastodon.social")

# Polling: intervals adapt to how often a source publishes, within these bounds; failures back
# off exponentially from the base to the maximum. A claimed source's lease outlives the task's
# hard time limit, so a source is never polled twice at once, and a killed worker delays it by
# one lease at most.
SPRINGPLANK_POLL_MIN_SECONDS = env_int("SPRINGPLANK_POLL_MIN_SECONDS", 300)
SPRINGPLANK_POLL_MAX_SECONDS = env_int("SPRINGPLANK_POLL_MAX_SECONDS", 6 * 3600)
SPRINGPLANK_POLL_DEFAULT_SECONDS = env_int("SPRINGPLANK_POLL_DEFAULT_SECONDS", 1800)
SPRINGPLANK_POLL_ERROR_BASE_SECONDS = env_int("SPRINGPLANK_POLL_ERROR_BASE_SECONDS", 300)
SPRINGPLANK_POLL_ERROR_MAX_SECONDS = env_int("SPRINGPLANK_POLL_ERROR_MAX_SECONDS", 24 * 3600)
SPRINGPLANK_POLL_LEASE_SECONDS = env_int("SPRINGPLANK_POLL_LEASE_SECONDS", 300)
SPRINGPLANK_POLL_BATCH = env_int("SPRINGPLANK_POLL_BATCH", 500)
# At most this many sources per poll task (see monitoring.scheduling.poll_batches).
SPRINGPLANK_POLL_TASK_SOURCES = env_int("SPRINGPLANK_POLL_TASK_SOURCES", 10)
SPRINGPLANK_MAX_ENTRIES_PER_POLL = env_int("SPRINGPLANK_MAX_ENTRIES_PER_POLL", 200)
# Each worker keeps the organisations' compiled topics and routing this long: a changed topic
# or intake reaches matching within these seconds.
SPRINGPLANK_MATCH_CACHE_SECONDS = env_int("SPRINGPLANK_MATCH_CACHE_SECONDS", 10)
# Open review-queue items older than this are marked expired.
SPRINGPLANK_QUEUE_EXPIRY_DAYS = env_int("SPRINGPLANK_QUEUE_EXPIRY_DAYS", 30)

# The demo (make run) serves its own feeds under /demo/; never on in production.
SPRINGPLANK_DEMO = env_bool("SPRINGPLANK_DEMO", default=False) and not PRODUCTION

# Invitations expire after this many days.
SPRINGPLANK_INVITATION_DAYS = env_int("SPRINGPLANK_INVITATION_DAYS", 14)

# Dashboards never break out a group of fewer people than this (a department, a rung of the
# ladder, …): such a group is shown as "fewer than N people" instead of its numbers.
SPRINGPLANK_PRIVACY_MIN_GROUP = max(1, env_int("SPRINGPLANK_PRIVACY_MIN_GROUP", 5))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    if not ALLOWED_HOSTS:
        raise ConfigError("ALLOWED_HOSTS must be set when DJANGO_ENV=production")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
