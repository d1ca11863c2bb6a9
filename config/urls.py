from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("onboarding.urls")),
    path("", include("monitoring.urls")),
    path("", include("monitoring.suggestion_urls")),
    path("", include("coaching.urls")),
]

if settings.SPRINGPLANK_DEMO:
    urlpatterns.append(path("", include("coaching.demo_urls")))
