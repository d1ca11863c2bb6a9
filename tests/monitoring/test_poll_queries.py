"""The poll's hand-written statements read and write exactly what the ORM would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from monitoring import poll_queries
from monitoring.models import Source
from onboarding.models import Topic
from tests.monitoring.builders import follow, monitored_organisation

pytestmark = pytest.mark.django_db


def _all_fields(source: Source) -> dict:
    return {f.attname: getattr(source, f.attname) for f in Source._meta.concrete_fields}


def test_a_source_reads_back_as_the_orm_reads_it():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/zorg.xml").source
    Source.objects.filter(pk=source.pk).update(
        config={"instance": "social.example", "tag": "zorg", "nested": {"n": [1, 2]}},
        leased_until=datetime(2026, 12, 1, 10, 0, 0, 123456, tzinfo=UTC),
        etag='W/"é"',
        last_error="Naïve error",
        error_count=3,
    )
    expected = Source.objects.get(pk=source.pk)
    got = poll_queries.source_for_poll(source.pk)
    assert got is not None and got.pk == expected.pk
    assert _all_fields(got) == _all_fields(expected)
    assert got.config["nested"] == {"n": [1, 2]}
    assert got._state.adding is False  # a loaded row: saving it updates, never inserts


def test_a_deleted_source_reads_as_none():
    assert poll_queries.source_for_poll(987654321) is None


def test_paused_subscriptions_are_not_active():
    first = monitored_organisation({"Care": "care"})
    second = monitored_organisation({"Water": "water"})
    url = "https://feeds.example.org/shared.xml"
    active = follow(first, url, keep_all=True)
    topic = Topic.objects.get(organisation=second)
    follow(second, url, topic=topic)
    third = monitored_organisation({"Air": "air"})
    follow(third, url, paused_at=timezone.now())
    assert sorted(poll_queries.active_subscriptions(active.source_id)) == sorted(
        [(first.pk, None, True), (second.pk, topic.pk, False)]
    )


def test_an_update_writes_what_the_orm_would():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/zorg.xml").source
    twin = follow(organisation, "https://feeds.example.org/twin.xml").source
    values = {
        "last_polled_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        "last_status": "ok",
        "last_error": "",
        "error_count": 0,
        "next_poll_at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "leased_until": None,
        "etag": '"abc"',
        "title": "Zorg & welzijn",
        "items_seen": 42,
    }
    poll_queries.source_update(source.pk, **values)
    Source.objects.filter(pk=twin.pk).update(**values)
    ours, theirs = Source.objects.get(pk=source.pk), Source.objects.get(pk=twin.pk)
    skip = {"id", "key", "url"}
    assert {k: v for k, v in model_to_dict(ours).items() if k not in skip} == {
        k: v for k, v in model_to_dict(theirs).items() if k not in skip
    }
    assert ours.items_seen == 42 and ours.title == "Zorg & welzijn"
