"""State changes of the e-mail digest: the participant's choice, and sending what is due.

E-mails go out after commit, never from inside a transaction that might roll back.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coaching.digest_selectors import digest_entries
from coaching.models import DigestFrequency, DigestPreference
from coaching.records import CoachingError, resolve_now
from monitoring.durability import durable_commit
from monitoring.models import InboxEntry
from onboarding.models import Membership

__all__ = ["MAX_DIGEST_ITEMS", "digest_period_start", "digest_preference_set", "digest_send_due"]

log = logging.getLogger(__name__)

MAX_DIGEST_ITEMS = 30


@transaction.atomic
def digest_preference_set(
    *, membership: Membership, frequency: str, now: dt.datetime | None = None
) -> DigestPreference:
    """Choose the e-mail digest (off, daily, weekly). Turning it on starts from now: the
    first digest holds items that arrive after this moment, not the whole inbox."""
    if frequency not in DigestFrequency.values:
        raise CoachingError(_("Choose how often you want the e-mail."))
    preference, _created = DigestPreference.objects.select_for_update().get_or_create(
        membership=membership
    )
    if preference.frequency == DigestFrequency.OFF and frequency != DigestFrequency.OFF:
        newest = InboxEntry.objects.filter(membership=membership).aggregate(n=Max("pk"))["n"]
        preference.last_entry_id = newest or 0
    preference.frequency = frequency
    preference.updated_at = resolve_now(now)
    preference.save()
    return preference


def digest_period_start(frequency: str, now: dt.datetime) -> dt.datetime:
    """Start of the current digest period in the site's time zone: today, or this week's
    Monday, at midnight."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == DigestFrequency.WEEKLY:
        start -= dt.timedelta(days=start.weekday())
    return start


def digest_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every digest that is due now; returns how many e-mails went out.

    A preference is due once per period (a day, or a week from Monday). Each is claimed with a
    compare-and-set on ``last_sent_at`` before anything is read, so two runs at once, or a
    second run in the same period, send nothing twice. A digest holds the inbox entries after
    the previous digest's newest one that are still open and undecided, and moves that mark
    forward, so no item is ever sent twice. A digest with nothing new sends no e-mail.
    """
    moment = resolve_now(now)
    sent = 0
    due = DigestPreference.objects.exclude(frequency=DigestFrequency.OFF).filter(
        membership__is_active=True
    )
    due = due.select_related("membership__user", "membership__organisation")
    for preference in due.iterator(chunk_size=500):
        start = digest_period_start(preference.frequency, moment)
        if preference.last_sent_at is not None and preference.last_sent_at >= start:
            continue
        if _digest_send_one(preference=preference, now=moment):
            sent += 1
    return sent


def _digest_send_one(*, preference: DigestPreference, now: dt.datetime) -> bool:
    with transaction.atomic():
        # A digest marked sent must stay marked even if PostgreSQL crashes right after: the
        # worker's connection may otherwise commit without waiting for the disk.
        durable_commit()
        # Compare-and-set: only the run that still sees the old value sends this period's
        # digest (``last_sent_at=None`` is an IS NULL test).
        claimed = DigestPreference.objects.filter(
            pk=preference.pk,
            last_sent_at=preference.last_sent_at,
            frequency=preference.frequency,
        ).update(last_sent_at=now)
        if not claimed:
            return False
        digest = digest_entries(
            membership=preference.membership,
            after_id=preference.last_entry_id,
            limit=MAX_DIGEST_ITEMS,
        )
        if digest.newest_id is None:
            return False
        DigestPreference.objects.filter(pk=preference.pk).update(last_entry_id=digest.newest_id)
        if not digest.entries:
            return False
        message = _digest_message(preference.membership, digest.entries, digest.total)
        transaction.on_commit(lambda: _send_digest(message))
    return True


@dataclass(frozen=True)
class _DigestMessage:
    subject: str
    body: str
    to: str


def _digest_message(
    membership: Membership, entries: list[InboxEntry], total: int
) -> _DigestMessage:
    organisation = membership.organisation
    with translation.override(membership.user.language or organisation.language):
        inbox_url = settings.SITE_URL + reverse("inbox", kwargs={"org": organisation.slug})
        context = {
            "name": membership.user.display_name,
            "organisation": organisation.name,
            "entries": entries,
            "total": total,
            "more": total - len(entries),
            "inbox_url": inbox_url,
            "settings_url": settings.SITE_URL
            + reverse("digest_settings", kwargs={"org": organisation.slug}),
        }
        subject = ngettext(
            "%(count)s new item in your Springplank inbox",
            "%(count)s new items in your Springplank inbox",
            total,
        ) % {"count": total}
        body = render_to_string("coaching/email/digest.txt", context)
    return _DigestMessage(subject=subject, body=body, to=membership.user.email)


def _send_digest(message: _DigestMessage) -> None:
    try:
        send_mail(message.subject, message.body, None, [message.to])
    except Exception:  # noqa: BLE001 - logged; the period is claimed, the next digest follows
        log.warning("could not send the digest to %s", message.to, exc_info=True)
