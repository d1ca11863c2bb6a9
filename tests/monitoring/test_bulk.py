"""The ingest's bulk insert: values arrive exactly as given, conflicts are skipped, ids return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection

from monitoring.bulk import insert_ignore
from monitoring.models import Item, QueueItem, QueueMatch, QueueStatus
from onboarding.models import Topic
from tests.monitoring.builders import follow, monitored_organisation

pytestmark = pytest.mark.django_db

FIELDS = ["source", "external_id", "url", "canonical_url", "title", "summary", "author"]
FIELDS += ["published_at", "fetched_at"]


def _row(source_id: int, external_id: str, **values) -> tuple:
    now = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    return (
        source_id,
        external_id,
        values.get("url", f"https://example.org/{external_id}"),
        values.get("canonical_url", f"https://example.org/{external_id}"),
        values.get("title", "Title"),
        values.get("summary", "<p>Summary</p>"),
        values.get("author", ""),
        values.get("published_at"),
        now,
    )


def test_values_round_trip_unchanged():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/a.xml").source
    awkward = 'Zorg & "welzijn" \\ back\\slash, emoji 🎉, tab\there, quote \' and {braces}'
    amsterdam = timezone(timedelta(hours=1))
    published = datetime(2026, 11, 30, 23, 15, 7, 123456, tzinfo=amsterdam)
    insert_ignore(
        Item,
        FIELDS,
        [_row(source.pk, "één", title=awkward, summary="<p>naïve</p>", published_at=published)],
    )
    item = Item.objects.get(source=source, external_id="één")
    assert item.title == awkward
    assert item.summary == "<p>naïve</p>"
    assert item.published_at == published
    assert item.fetched_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_a_null_date_stays_null():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/a.xml").source
    insert_ignore(Item, FIELDS, [_row(source.pk, "undated")])
    assert Item.objects.get(external_id="undated").published_at is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="RETURNING is PostgreSQL's")
def test_conflicts_are_skipped_and_only_new_rows_return():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/a.xml").source
    first = insert_ignore(
        Item, FIELDS, [_row(source.pk, "a"), _row(source.pk, "b")], returning=["external_id"]
    )
    second = insert_ignore(
        Item,
        FIELDS,
        [_row(source.pk, "b", title="changed"), _row(source.pk, "c")],
        returning=["external_id"],
    )
    assert sorted(first) == [("a",), ("b",)]
    assert second == [("c",)]
    assert Item.objects.get(external_id="b").title == "Title"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="RETURNING is PostgreSQL's")
def test_return_existing_gives_ids_of_old_and_new_rows_and_json_is_stored_as_json():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/a.xml").source
    [(item_id,)] = insert_ignore(Item, FIELDS, [_row(source.pk, "a")], returning=["id"])
    now = datetime(2026, 12, 1, tzinfo=UTC)
    fields = ["organisation", "item", "url_key", "status", "created_at"]
    rows = [(organisation.pk, item_id, "k1", QueueStatus.OPEN, now)]
    [(queue_id,)] = insert_ignore(
        QueueItem, fields, rows, returning=["id"], return_existing=["organisation", "url_key"]
    )
    again = insert_ignore(
        QueueItem,
        fields,
        rows + [(organisation.pk, item_id, "k2", QueueStatus.OPEN, now)],
        returning=["id", "url_key"],
        return_existing=["organisation", "url_key"],
    )
    assert (queue_id, "k1") in again
    assert len(again) == 2
    topic = Topic.objects.get(organisation=organisation)
    match = (queue_id, topic.pk, ["zorg", "é"])
    insert_ignore(QueueMatch, ["queue_item", "topic", "terms"], [match])
    assert QueueMatch.objects.get(queue_item_id=queue_id).terms == ["zorg", "é"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="others use bulk_create")
def test_an_unsendable_value_is_refused_loudly():
    organisation = monitored_organisation({"Care": "care"})
    source = follow(organisation, "https://feeds.example.org/a.xml").source
    with pytest.raises(TypeError, match="cannot be sent"):
        insert_ignore(Item, FIELDS, [_row(source.pk, "x", title=object())])
