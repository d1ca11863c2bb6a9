"""Reads of the participant's inbox, each scoped to the acting membership or organisation:
which entries, filtered how, in which order, one keyset-paginated page at a time.

A page of the inbox reads a fixed number of queries, however many rows there are: one query
for the page of rows and one per kind of related data, keyed by the page's ids (see
``coaching.inbox_row_selectors``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from coaching.inbox_row_selectors import InboxRow, inbox_rows
from coaching.models import Triage
from monitoring import selectors as monitoring_selectors
from monitoring.models import InboxEntry, QueueMatch, QueueStatus
from onboarding.models import Membership, Organisation, Topic

__all__ = [
    "PAGE_SIZE",
    "InboxFilters",
    "InboxPage",
    "inbox_entry_for",
    "inbox_filter_choices",
    "inbox_for",
    "inbox_row",
    "inbox_todo_count",
]

PAGE_SIZE = 25
# What an inbox row shows; the page query reads only these (the source row alone has twenty
# polling columns the inbox never needs).
ROW_FIELDS = (
    "queue_item_id",
    "membership_id",
    "created_at",
    "read_at",
    "queue_item__status",
    "queue_item__organisation_id",
    "queue_item__item__title",
    "queue_item__item__summary",
    "queue_item__item__url",
    "queue_item__item__canonical_url",
    "queue_item__item__published_at",
    "queue_item__item__source__title",
    "queue_item__item__source__url",
)


class JSONArrayLength(Func):
    """The number of elements of a JSON array column (SQLite and PostgreSQL)."""

    function = "JSON_ARRAY_LENGTH"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra_context):  # type: ignore[no-untyped-def]
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra_context)


@dataclass(frozen=True)
class InboxFilters:
    """What the participant asked to see. ``state``: todo (not decided yet), triaged or all;
    ``read``: "", unread or read; ``sort``: newest or relevant; ``cursor`` from the previous
    page."""

    topic: int | None = None
    source: int | None = None
    state: str = "todo"
    read: str = ""
    sort: str = "newest"
    cursor: str = ""

    def as_query(self, *, cursor: str | None = None) -> dict[str, str]:
        """The filters as GET parameters (defaults left out), for links that keep them."""
        params: dict[str, str] = {}
        if self.topic:
            params["topic"] = str(self.topic)
        if self.source:
            params["source"] = str(self.source)
        if self.state != "todo":
            params["state"] = self.state
        if self.read:
            params["read"] = self.read
        if self.sort != "newest":
            params["sort"] = self.sort
        if cursor:
            params["after"] = cursor
        return params


@dataclass
class InboxPage:
    membership: Membership
    filters: InboxFilters
    rows: list[InboxRow]
    next_cursor: str | None
    todo_count: int

    @property
    def is_first_page(self) -> bool:
        return not self.filters.cursor


def _encode_cursor(values: Sequence[int]) -> str:
    return ".".join(str(v) for v in values)


def _decode_cursor(raw: str, parts: int) -> list[int] | None:
    pieces = raw.split(".")
    if len(pieces) != parts:
        return None
    try:
        values = [int(p) for p in pieces]
    except ValueError:
        return None
    if any(v < 0 or v > 2**62 for v in values):
        return None
    return values


def _micros(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _from_micros(value: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(value / 1_000_000, tz=dt.UTC)


def _after(keys: list[tuple[str, object]]) -> Q:
    """Rows after the cursor in a descending order over ``keys`` (keyset pagination)."""
    condition = Q()
    for i, (name, value) in enumerate(keys):
        step = Q(**{f"{name}__lt": value})
        for earlier, earlier_value in keys[:i]:
            step &= Q(**{earlier: earlier_value})
        condition |= step
    return condition


def _inbox_entries(membership: Membership, filters: InboxFilters) -> QuerySet[InboxEntry]:
    entries = InboxEntry.objects.filter(membership=membership, queue_item__status=QueueStatus.OPEN)
    decided = Exists(
        Triage.objects.filter(queue_item_id=OuterRef("queue_item_id"), membership=membership)
    )
    if filters.state == "todo":
        entries = entries.exclude(decided)
    elif filters.state == "triaged":
        entries = entries.filter(decided)
    if filters.read == "unread":
        entries = entries.filter(read_at__isnull=True)
    elif filters.read == "read":
        entries = entries.filter(read_at__isnull=False)
    if filters.topic:
        entries = entries.filter(
            Exists(
                QueueMatch.objects.filter(
                    queue_item_id=OuterRef("queue_item_id"), topic_id=filters.topic
                )
            )
        )
    if filters.source:
        entries = entries.filter(queue_item__item__source_id=filters.source)
    return entries


def inbox_for(membership: Membership, filters: InboxFilters) -> InboxPage:
    """One page of the participant's inbox: open queue items routed to them.

    Newest first (when they arrived in the inbox) or most relevant first (most topics
    matched, then most terms hit, then newest). Keyset-paginated through ``filters.cursor``;
    an unreadable cursor gives the first page. Reads a fixed number of queries whatever the
    size of the inbox.
    """
    entries = _inbox_entries(membership, filters)
    todo_count = inbox_todo_count(membership)

    if filters.sort == "relevant":
        matches = QueueMatch.objects.filter(queue_item_id=OuterRef("queue_item_id")).order_by()
        topic_count = matches.values("queue_item_id").annotate(n=Count("*")).values("n")
        term_count = (
            matches.values("queue_item_id").annotate(n=Sum(JSONArrayLength("terms"))).values("n")
        )
        entries = entries.annotate(
            rel_topics=Coalesce(Subquery(topic_count, output_field=IntegerField()), Value(0)),
            rel_terms=Coalesce(Subquery(term_count, output_field=IntegerField()), Value(0)),
        )
        order = ["rel_topics", "rel_terms", "created_at", "pk"]
        decoded = _decode_cursor(filters.cursor, 4) if filters.cursor else None
        if decoded:
            entries = entries.filter(
                _after(
                    [
                        ("rel_topics", decoded[0]),
                        ("rel_terms", decoded[1]),
                        ("created_at", _from_micros(decoded[2])),
                        ("pk", decoded[3]),
                    ]
                )
            )
    else:
        order = ["created_at", "pk"]
        decoded = _decode_cursor(filters.cursor, 2) if filters.cursor else None
        if decoded:
            entries = entries.filter(
                _after([("created_at", _from_micros(decoded[0])), ("pk", decoded[1])])
            )
    page = list(
        entries.select_related("queue_item__item__source")
        .only(*ROW_FIELDS)
        .order_by(*[F(name).desc() for name in order])[: PAGE_SIZE + 1]
    )
    next_cursor = None
    if len(page) > PAGE_SIZE:
        page = page[:PAGE_SIZE]
        last = page[-1]
        if filters.sort == "relevant":
            next_cursor = _encode_cursor(
                [last.rel_topics, last.rel_terms, _micros(last.created_at), last.pk]
            )
        else:
            next_cursor = _encode_cursor([_micros(last.created_at), last.pk])

    return InboxPage(
        membership=membership,
        filters=filters,
        rows=inbox_rows(membership, page),
        next_cursor=next_cursor,
        todo_count=todo_count,
    )


def inbox_todo_count(membership: Membership) -> int:
    """How many open items in the participant's inbox wait for a decision."""
    return _inbox_entries(membership, InboxFilters()).count()


def inbox_filter_choices(
    organisation: Organisation,
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The organisation's topics and followed sources, as (id, name) pairs by name, read in
    one query (the inbox shows both filters on every load)."""
    topics = (
        Topic.objects.filter(organisation=organisation)
        .order_by()
        .values_list(Value("t"), "pk", "name", Value(""), Value(""))
    )
    followed = (
        monitoring_selectors.subscriptions_of(organisation)
        .order_by()
        .values_list(Value("s"), "source_id", "title", "source__title", "source__url")
    )
    topic_pairs, source_pairs = [], []
    for kind, pk, name, source_title, url in topics.union(followed, all=True).order_by():
        if kind == "t":
            topic_pairs.append((pk, name))
        else:
            source_pairs.append((pk, name or source_title or url))
    return (
        sorted(topic_pairs, key=lambda pair: pair[1].lower()),
        sorted(source_pairs, key=lambda pair: pair[1].lower()),
    )


def inbox_row(membership: Membership, queue_item_id: int) -> InboxRow:
    """One row of the participant's inbox (after a decision, to swap it in place)."""
    entry = get_object_or_404(
        InboxEntry.objects.select_related("queue_item__item__source").only(*ROW_FIELDS),
        membership=membership,
        queue_item_id=queue_item_id,
    )
    return inbox_rows(membership, [entry])[0]


def inbox_entry_for(membership: Membership, queue_item_id: int) -> InboxEntry:
    """The membership's inbox entry for a queue item; Http404 when it was not routed to them."""
    return get_object_or_404(
        InboxEntry.objects.select_related("queue_item__item"),
        membership=membership,
        queue_item_id=queue_item_id,
    )
