"""State-changing operations on sources and subscriptions.

No network here: a web request only records what to follow; the worker fetches. A new source is
polled as soon as a worker is free, and shows as pending until then — also when the broker is
down, because the scheduler's next run claims it from the database anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring.models import Source, SourceKind, Subscription
from monitoring.opml import OpmlError, parse_opml
from monitoring.sanitise import safe_url
from onboarding.models import Membership, Organisation, Topic

log = logging.getLogger(__name__)


def source_key(kind: str, url: str) -> str:
    """What makes two sources the same: for URL-based kinds the URL, with its scheme and host
    lower-cased and its fragment dropped (the query string is kept: it is the search)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def clean_source_url(url: str) -> str:
    """An absolute http(s) URL, or ValidationError with a message for the person typing it."""
    value = (url or "").strip()
    if value and "://" not in value:
        value = "https://" + value
    cleaned = safe_url(value)
    if not cleaned:
        raise ValidationError(
            _("Enter the full address of a feed or web page, starting with http:// or https://.")
        )
    return cleaned


def source_get_or_create(*, kind: str, url: str, config: dict | None = None) -> Source:
    """The shared source for (kind, url), created when nobody followed it yet."""
    key = source_key(kind, url)
    try:
        with transaction.atomic():
            source, _ = Source.objects.get_or_create(
                kind=kind,
                key=key,
                defaults={
                    "url": url,
                    "config": config or {},
                    "next_poll_at": timezone.now(),
                    "poll_interval": settings.SPRINGPLANK_POLL_DEFAULT_SECONDS,
                },
            )
    except IntegrityError:  # created by a concurrent request between get and create
        source = Source.objects.get(kind=kind, key=key)
    return source


@transaction.atomic
def source_subscribe(
    *,
    organisation: Organisation,
    url: str,
    kind: str = SourceKind.FEED,
    topic: Topic | None = None,
    keep_all: bool = False,
    title: str = "",
    created_by: Membership | None = None,
    config: dict | None = None,
    poll_now: bool = True,
) -> Subscription:
    """Follow ``url`` for the organisation; returns the (possibly existing) subscription.

    Raises ValidationError for an unusable URL or a topic of another organisation. Following
    the same source twice returns the first subscription unchanged. A new source is due at
    once: with ``poll_now`` a worker is also asked after commit, so it need not wait for the
    scheduler's next run; a broker that is down only delays it to that run.
    """
    if topic is not None and topic.organisation_id != organisation.pk:
        raise ValidationError(_("That topic belongs to another organisation."))
    url = clean_source_url(url)
    source = source_get_or_create(kind=kind, url=url, config=config)
    subscription, created = Subscription.objects.get_or_create(
        organisation=organisation,
        source=source,
        defaults={
            "topic": topic,
            "keep_all": keep_all,
            "title": title[:300],
            "created_by": created_by,
        },
    )
    if created and poll_now and source.last_polled_at is None:
        transaction.on_commit(lambda: request_poll(source.pk))
    return subscription


def request_poll(source_id: int) -> bool:
    """Ask a worker to poll the source now. Never raises: without a broker the source waits
    for the scheduler, which reads due sources from the database."""
    from monitoring.tasks import poll_source

    try:
        poll_source.apply_async((source_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure must not break the page
        log.warning("could not reach the broker to poll source %s now", source_id, exc_info=True)
        return False
    return True


def subscription_pause(*, subscription: Subscription) -> None:
    if subscription.paused_at is None:
        subscription.paused_at = timezone.now()
        subscription.save(update_fields=["paused_at"])


def subscription_resume(*, subscription: Subscription) -> None:
    """Resume; the source is polled at its next due time (now, if it was overdue)."""
    if subscription.paused_at is not None:
        subscription.paused_at = None
        subscription.save(update_fields=["paused_at"])


def subscription_update(
    *, subscription: Subscription, title: str, topic: Topic | None, keep_all: bool
) -> Subscription:
    if topic is not None and topic.organisation_id != subscription.organisation_id:
        raise ValidationError(_("That topic belongs to another organisation."))
    subscription.title = title[:300]
    subscription.topic = topic
    subscription.keep_all = keep_all
    subscription.save(update_fields=["title", "topic", "keep_all"])
    return subscription


def subscription_remove(*, subscription: Subscription) -> None:
    """Stop following. What the source already brought into the queue stays; the source itself
    is kept (other organisations may follow it, and its items are referenced by queues) but no
    longer polled once nobody follows it."""
    subscription.delete()


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    already_followed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@transaction.atomic
def opml_import(
    *, organisation: Organisation, content: bytes, created_by: Membership | None = None
) -> ImportReport:
    """Follow every feed of an OPML file. Raises ValidationError for a file that is not OPML;
    skipped outlines are reported, not fatal. Importing the same file twice adds nothing."""
    try:
        document = parse_opml(content)
    except OpmlError as exc:
        raise ValidationError(str(exc)) from exc
    report = ImportReport()
    for problem in document.problems:
        where = _("line %(line)s: ") % {"line": problem.line} if problem.line else ""
        report.problems.append(f"{where}{problem.message}")
    followed = set(
        Subscription.objects.filter(
            organisation=organisation, source__kind=SourceKind.FEED
        ).values_list("source__key", flat=True)
    )
    for outline in document.outlines:
        try:
            url = clean_source_url(outline.xml_url)
        except ValidationError as exc:
            report.problems.append(f"{outline.xml_url}: {exc.messages[0]}")
            continue
        key = source_key(SourceKind.FEED, url)
        exists = key in followed
        followed.add(key)
        # No immediate poll per feed: an import can hold hundreds, all due at once, which the
        # scheduler claims on its next run without a broker round trip each.
        source_subscribe(
            organisation=organisation,
            url=url,
            title=outline.title,
            created_by=created_by,
            poll_now=False,
        )
        (report.already_followed if exists else report.added).append(url)
    return report
