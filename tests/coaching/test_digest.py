"""The optional e-mail digest: off by default, once per period, never an item twice."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from coaching import digest, tasks
from coaching.models import DigestFrequency, DigestPreference, Verdict
from coaching.triage import triage_record

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Wednesday morning.
WEDNESDAY = dt.datetime(2026, 3, 4, 8, 0, tzinfo=AMSTERDAM)


def run(when: dt.datetime, capture) -> int:
    with time_machine.travel(when, tick=False), capture(execute=True):
        return tasks.send_digests()


def test_the_task_is_scheduled_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["send-inbox-digests"]
    assert entry["task"] == "coaching.tasks.send_digests"


def test_nothing_is_sent_by_default(participant, put_in_inbox, django_capture_on_commit_callbacks):
    put_in_inbox(participant)
    assert run(WEDNESDAY, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not DigestPreference.objects.exists()


def test_daily_digest_once_a_day_with_only_new_items(
    participant, put_in_inbox, django_capture_on_commit_callbacks
):
    put_in_inbox(participant, title="Before turning it on")
    with time_machine.travel(WEDNESDAY - dt.timedelta(days=1), tick=False):
        digest.digest_preference_set(membership=participant, frequency=DigestFrequency.DAILY)
    first = put_in_inbox(participant, title="First new story")
    decided = put_in_inbox(participant, title="Already decided")
    triage_record(
        membership=participant, queue_item=decided.queue_item, verdict=Verdict.INTERESTING
    )

    assert run(WEDNESDAY, django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [participant.user.email]
    assert "1 new item" in message.subject
    assert "First new story" in message.body
    assert "Before turning it on" not in message.body and "Already decided" not in message.body
    assert "/o/acme/inbox/" in message.body

    # Twice in the same day: nothing more, even with new items.
    put_in_inbox(participant, title="Second new story")
    assert run(WEDNESDAY + dt.timedelta(hours=5), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1

    # The next day: only what is new since the last digest.
    assert run(WEDNESDAY + dt.timedelta(days=1), django_capture_on_commit_callbacks) == 1
    assert len(mail.outbox) == 2
    assert "Second new story" in mail.outbox[1].body
    assert "First new story" not in mail.outbox[1].body
    assert first.pk  # sent once, on Wednesday


def test_weekly_digest_once_a_week(participant, put_in_inbox, django_capture_on_commit_callbacks):
    with time_machine.travel(WEDNESDAY - dt.timedelta(days=1), tick=False):
        digest.digest_preference_set(membership=participant, frequency=DigestFrequency.WEEKLY)
    put_in_inbox(participant, title="Story A")
    assert run(WEDNESDAY, django_capture_on_commit_callbacks) == 1
    put_in_inbox(participant, title="Story B")
    sunday = WEDNESDAY + dt.timedelta(days=4)
    assert run(sunday, django_capture_on_commit_callbacks) == 0
    monday = WEDNESDAY + dt.timedelta(days=5)
    assert run(monday, django_capture_on_commit_callbacks) == 1
    assert [("Story A" in m.body, "Story B" in m.body) for m in mail.outbox] == [
        (True, False),
        (False, True),
    ]


def test_no_mail_when_nothing_is_new(participant, django_capture_on_commit_callbacks):
    digest.digest_preference_set(membership=participant, frequency=DigestFrequency.DAILY)
    assert run(WEDNESDAY, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_stale_claim_sends_nothing(participant, put_in_inbox, django_capture_on_commit_callbacks):
    """Two runs that read the same preference: only the first claim wins."""
    digest.digest_preference_set(membership=participant, frequency=DigestFrequency.DAILY)
    put_in_inbox(participant)
    stale = DigestPreference.objects.select_related(
        "membership__user", "membership__organisation"
    ).get()
    with (
        time_machine.travel(WEDNESDAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert digest._digest_send_one(preference=stale, now=WEDNESDAY)
        assert not digest._digest_send_one(preference=stale, now=WEDNESDAY)
    assert len(mail.outbox) == 1


def test_turning_off_stops_it(participant, put_in_inbox, django_capture_on_commit_callbacks):
    digest.digest_preference_set(membership=participant, frequency=DigestFrequency.DAILY)
    digest.digest_preference_set(membership=participant, frequency=DigestFrequency.OFF)
    put_in_inbox(participant)
    assert run(WEDNESDAY, django_capture_on_commit_callbacks) == 0
