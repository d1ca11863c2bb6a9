"""Reads of the coaching app, each scoped to the acting membership or organisation.

Every page that lists rows reads them in a fixed number of queries, however many rows there
are: one query for the page of rows and one per kind of related data, keyed by the page's ids.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from coaching.highlight import compile_terms, highlight_html, highlight_text
from coaching.models import (
    Activity,
    CoachingSession,
    ContentFor,
    DigestFrequency,
    DigestPreference,
    Milestone,
    MilestoneKind,
    Reaction,
    ReactionRevision,
    ReactionStatus,
    Triage,
    Verdict,
)
from monitoring import selectors as monitoring_selectors
from monitoring.models import InboxEntry, QueueMatch, QueueStatus
from onboarding.access import org_view
from onboarding.models import Membership, Organisation, Policy, Role, Topic
from onboarding.policy_templates import blocks

__all__ = [
    "DigestEntries",
    "IdeaFilters",
    "InboxFilters",
    "InboxPage",
    "InboxRow",
    "coach_memberships_of",
    "content_ideas_for",
    "digest_entries",
    "digest_preference_of",
    "feedback_queue_for",
    "inbox_entry_for",
    "inbox_filter_choices",
    "inbox_for",
    "inbox_row",
    "inbox_todo_count",
    "is_first_reaction",
    "org_view",
    "participant_for",
    "participants_of",
    "participants_overview",
    "policy_tips",
    "reaction_for",
    "reactions_of",
    "session_for",
    "sessions_for",
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
NAME_FIELDS = (
    "membership__user__first_name",
    "membership__user__last_name",
    "membership__user__email",
)
# Final states: a reaction that is posted or set aside no longer "is being reacted".
FINAL_STATUSES = (ReactionStatus.POSTED, ReactionStatus.ABANDONED)


# --------------------------------------------------------------------------------------------
# People


def participants_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .participants()
        .filter(organisation=organisation)
        .select_related("user", "department", "invited_by__user")
        .order_by("user__first_name", "user__email")
    )


def participant_for(organisation: Organisation, pk: int) -> Membership:
    """The organisation's active participant membership ``pk``; Http404 for anybody else."""
    return get_object_or_404(participants_of(organisation), pk=pk)


def participants_overview(organisation: Organisation) -> list[Membership]:
    """The organisation's participants with what a coach needs at a glance, in 6 queries.

    Each membership gets ``inbox_count`` (open items not decided on yet), ``triaged_count``,
    ``posted_count``, ``drafts_count`` (reactions in progress), ``last_activity_at`` and
    ``milestone_list`` (achieved milestones, oldest first). Each figure is one grouped query
    over all participants, not a query (or a correlated subquery) per participant.
    """
    members = list(participants_of(organisation))
    ids = [m.pk for m in members]
    inbox = dict(
        InboxEntry.objects.filter(membership_id__in=ids, queue_item__status=QueueStatus.OPEN)
        .exclude(
            Exists(
                Triage.objects.filter(
                    queue_item_id=OuterRef("queue_item_id"),
                    membership_id=OuterRef("membership_id"),
                )
            )
        )
        .order_by()
        .values("membership_id")
        .annotate(n=Count("*"))
        .values_list("membership_id", "n")
    )
    triaged = {
        row["membership_id"]: row
        for row in Triage.objects.filter(membership_id__in=ids)
        .order_by()
        .values("membership_id")
        .annotate(n=Count("*"), last=Max("decided_at"))
    }
    reactions: dict[int, dict[str, int]] = defaultdict(dict)
    for membership_id, status, n in (
        Reaction.objects.filter(membership_id__in=ids)
        .order_by()
        .values("membership_id", "status")
        .annotate(n=Count("*"))
        .values_list("membership_id", "status", "n")
    ):
        reactions[membership_id][status] = n
    last_activity = dict(
        Activity.objects.filter(membership_id__in=ids)
        .order_by()
        .values("membership_id")
        .annotate(last=Max("occurred_at"))
        .values_list("membership_id", "last")
    )
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(membership_id__in=ids).order_by("achieved_at"):
        milestones[milestone.membership_id].append(milestone)
    for member in members:
        counts = reactions.get(member.pk, {})
        decided = triaged.get(member.pk, {})
        member.inbox_count = inbox.get(member.pk, 0)
        member.triaged_count = decided.get("n", 0)
        member.posted_count = counts.get(ReactionStatus.POSTED, 0)
        member.drafts_count = sum(n for st, n in counts.items() if st not in FINAL_STATUSES)
        moments = [t for t in (last_activity.get(member.pk), decided.get("last")) if t]
        member.last_activity_at = max(moments) if moments else None
        member.milestone_list = milestones.get(member.pk, [])
    return members


# --------------------------------------------------------------------------------------------
# The inbox


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
class Colleague:
    name: str
    message: str


@dataclass
class InboxRow:
    entry: InboxEntry
    topics: list[str]
    terms: list[str]
    title_html: str
    summary_html: str
    triage: Triage | None = None
    reaction: Reaction | None = None
    colleagues: list[Colleague] = field(default_factory=list)
    # Addresses, set by the view (they depend on the page: the inbox or session mode).
    triage_url: str = ""
    open_url: str = ""
    react_url: str = ""
    reaction_url: str = ""

    @property
    def queue_item(self):  # type: ignore[no-untyped-def]
        return self.entry.queue_item

    @property
    def item(self):  # type: ignore[no-untyped-def]
        return self.entry.queue_item.item

    @property
    def when(self) -> dt.datetime:
        """When the story was published, or else when it reached the inbox."""
        return self.entry.queue_item.item.published_at or self.entry.created_at

    @property
    def is_read(self) -> bool:
        return self.entry.read_at is not None

    @property
    def choice(self) -> str:
        """The verdict as the one-key choice it was made with (blog_idea, react, …)."""
        if self.triage is None:
            return ""
        if self.triage.verdict == Verdict.CONTENT_IDEA:
            return f"{self.triage.content_for or ContentFor.BLOG}_idea"
        return self.triage.verdict


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
        rows=_inbox_rows(membership, page),
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
    return _inbox_rows(membership, [entry])[0]


def _inbox_rows(membership: Membership, entries: list[InboxEntry]) -> list[InboxRow]:
    """Rows for a page of entries: matches, own decisions and drafts, and what colleagues in
    the same organisation do with the same items (a reaction in progress or posted, a decision
    to react, a content idea; each colleague named once per item, a reaction first), so that
    two people don't post the same thing. Three queries whatever the page size."""
    queue_ids = [e.queue_item_id for e in entries]
    if not queue_ids:
        return []
    topics: dict[int, list[str]] = defaultdict(list)
    terms: dict[int, dict[str, None]] = defaultdict(dict)
    for match in (
        QueueMatch.objects.filter(queue_item_id__in=queue_ids)
        .select_related("topic")
        .only("queue_item_id", "terms", "topic__name")
        .order_by("topic__name")
    ):
        topics[match.queue_item_id].append(match.topic.name)
        for term in match.terms or []:
            terms[match.queue_item_id][str(term)] = None

    # Own and colleagues' decisions and reactions on these items: one query each.
    reactions = (
        Reaction.objects.filter(
            queue_item_id__in=queue_ids, membership__organisation_id=membership.organisation_id
        )
        .select_related("membership__user")
        .only(
            "queue_item_id",
            "membership_id",
            "status",
            "created_at",
            "membership__user_id",
            *NAME_FIELDS,
        )
        .order_by("created_at", "pk")
    )
    triages = (
        Triage.objects.filter(
            queue_item_id__in=queue_ids,
            organisation_id=membership.organisation_id,
            membership__organisation_id=membership.organisation_id,
        )
        .filter(Q(membership=membership) | Q(verdict__in=[Verdict.REACT, Verdict.CONTENT_IDEA]))
        .select_related("membership__user")
        .order_by("decided_at", "pk")
    )
    own_reactions: dict[int, Reaction] = {}
    own_triages: dict[int, Triage] = {}
    plans: dict[int, dict[int, Colleague]] = defaultdict(dict)
    for reaction in reactions:
        qid = reaction.queue_item_id
        if reaction.membership_id == membership.pk:
            current = own_reactions.get(qid)
            if current is None or current.status in FINAL_STATUSES:
                own_reactions[qid] = reaction
        elif (
            reaction.membership.user_id != membership.user_id
            and reaction.status != ReactionStatus.ABANDONED
        ):
            plans[qid][reaction.membership.user_id] = _colleague_reacting(reaction)
    for triage in triages:
        qid = triage.queue_item_id
        user_id = triage.membership.user_id
        if triage.membership_id == membership.pk:
            own_triages[qid] = triage
        elif (
            user_id != membership.user_id
            and user_id not in plans[qid]
            and triage.verdict in (Verdict.REACT, Verdict.CONTENT_IDEA)
        ):
            plans[qid][user_id] = _colleague_deciding(triage)

    rows = []
    for entry in entries:
        qid = entry.queue_item_id
        item = entry.queue_item.item
        patterns = compile_terms(terms[qid])
        rows.append(
            InboxRow(
                entry=entry,
                topics=topics[qid],
                terms=list(terms[qid]),
                title_html=highlight_text(item.title or item.url, patterns),
                summary_html=highlight_html(item.summary, patterns),
                triage=own_triages.get(qid),
                reaction=own_reactions.get(qid),
                colleagues=list(plans[qid].values()) if qid in plans else [],
            )
        )
    return rows


def _colleague_reacting(reaction: Reaction) -> Colleague:
    """A colleague's reaction that is not set aside: posted, or in progress."""
    name = reaction.membership.user.display_name
    if reaction.status == ReactionStatus.POSTED:
        return Colleague(name, _("%(name)s reacted to this") % {"name": name})
    return Colleague(name, _("%(name)s is reacting to this") % {"name": name})


def _colleague_deciding(triage: Triage) -> Colleague:
    """A colleague's decision to react, or to use the item for the blog or newsletter."""
    name = triage.membership.user.display_name
    if triage.verdict == Verdict.REACT:
        message = _("%(name)s is reacting to this") % {"name": name}
    elif triage.content_for == ContentFor.NEWSLETTER:
        message = _("%(name)s marked this as a newsletter idea") % {"name": name}
    else:
        message = _("%(name)s marked this as a blog idea") % {"name": name}
    return Colleague(name, message)


def inbox_entry_for(membership: Membership, queue_item_id: int) -> InboxEntry:
    """The membership's inbox entry for a queue item; Http404 when it was not routed to them."""
    return get_object_or_404(
        InboxEntry.objects.select_related("queue_item__item"),
        membership=membership,
        queue_item_id=queue_item_id,
    )


def digest_preference_of(membership: Membership) -> DigestPreference:
    """The participant's digest preference, unsaved and off when they never chose one."""
    preference = DigestPreference.objects.filter(membership=membership).first()
    return preference or DigestPreference(membership=membership, frequency=DigestFrequency.OFF)


# --------------------------------------------------------------------------------------------
# Reactions and feedback


def _coach_organisation_ids(memberships: Iterable[Membership]) -> set[int]:
    return {m.organisation_id for m in memberships if m.role == Role.COACH and m.is_active}


def reaction_for(memberships: Sequence[Membership], pk: int) -> Reaction:
    """Reaction ``pk`` as seen by someone holding ``memberships`` in one organisation.

    Visible to the participant who wrote it and to coaches of the participant's organisation;
    Http404 for everybody else (another participant, a manager, a coach elsewhere).
    """
    if not memberships:
        raise Http404
    organisation_id = memberships[0].organisation_id
    own = [m.pk for m in memberships]
    visible = Q(membership_id__in=own)
    if organisation_id in _coach_organisation_ids(memberships):
        visible |= Q(membership__role=Role.PARTICIPANT)
    return get_object_or_404(
        Reaction.objects.filter(visible, membership__organisation_id=organisation_id)
        .select_related("membership__user", "membership__organisation", "queue_item__item__source")
        .prefetch_related(
            "revisions",
            "feedback__coach__user",
        ),
        pk=pk,
    )


def reactions_of(membership: Membership) -> list[Reaction]:
    """The participant's own reactions, newest first, each with its latest text."""
    reactions = list(
        Reaction.objects.filter(membership=membership)
        .select_related("queue_item__item")
        .order_by("-updated_at")
    )
    _attach_latest_revisions(reactions)
    return reactions


def _attach_latest_revisions(reactions: list[Reaction]) -> None:
    """Set ``latest_revision`` (or None) on each reaction, in one query."""
    latest_number = (
        ReactionRevision.objects.filter(reaction_id=OuterRef("reaction_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest = {
        rev.reaction_id: rev
        for rev in ReactionRevision.objects.filter(
            reaction_id__in=[r.pk for r in reactions], number=Subquery(latest_number)
        )
    }
    for reaction in reactions:
        reaction.latest_revision = latest.get(reaction.pk)


def feedback_queue_for(memberships: Iterable[Membership]) -> list[Reaction]:
    """Drafts waiting for feedback in every organisation where the user is a coach, oldest
    request first. Constant queries: the reactions, then their latest revisions."""
    organisation_ids = _coach_organisation_ids(memberships)
    reactions = list(
        Reaction.objects.filter(
            status=ReactionStatus.AWAITING_FEEDBACK,
            membership__organisation_id__in=organisation_ids,
            membership__role=Role.PARTICIPANT,
        )
        .select_related("membership__user", "membership__organisation", "queue_item__item")
        .order_by("updated_at")
    )
    if reactions:
        _attach_latest_revisions(reactions)
    return reactions


def coach_memberships_of(user_id: int) -> list[Membership]:
    """Every active coach membership of a user, across organisations."""
    return list(
        Membership.objects.active()
        .filter(user_id=user_id, role=Role.COACH)
        .select_related("organisation")
    )


@dataclass(frozen=True)
class PolicyTips:
    tips: list[str]
    url: str | None
    title: str


def policy_tips(organisation: Organisation, *, limit: int = 4) -> PolicyTips | None:
    """The current published policy as a few short tips: the first point of each section
    (or the first sentences when it has no lists), and a link to the whole text when the
    policy page exists."""
    policy = (
        Policy.objects.filter(organisation=organisation, published_at__isnull=False)
        .order_by("-published_at", "-version")
        .first()
    )
    if policy is None:
        return None
    parsed = blocks(policy.body)
    tips = [b.items[0] for b in parsed if b.kind == "list" and b.items]
    if not tips:
        tips = [b.text for b in parsed if b.kind == "paragraph" and b.text]
    tips = [Truncator(t).words(24) for t in tips[:limit]]
    try:
        url: str | None = reverse("policy", kwargs={"org": organisation.slug})
    except NoReverseMatch:
        url = None
    return PolicyTips(tips=tips, url=url, title=policy.title)


# --------------------------------------------------------------------------------------------
# Content ideas


@dataclass(frozen=True)
class IdeaFilters:
    content_for: str = ""
    topic: int | None = None


def content_ideas_for(organisation: Organisation, filters: IdeaFilters) -> QuerySet[Triage]:
    """The organisation's content ideas (items decided on as blog or newsletter input), newest
    first, with the item, who had the idea, and the topics it matched (prefetched)."""
    ideas = (
        Triage.objects.filter(organisation=organisation, verdict=Verdict.CONTENT_IDEA)
        .select_related("membership__user", "queue_item__item__source")
        .prefetch_related("queue_item__matches__topic")
        .order_by("-decided_at", "-pk")
    )
    if filters.content_for:
        ideas = ideas.filter(content_for=filters.content_for)
    if filters.topic:
        ideas = ideas.filter(
            Exists(
                QueueMatch.objects.filter(
                    queue_item_id=OuterRef("queue_item_id"), topic_id=filters.topic
                )
            )
        )
    return ideas


# --------------------------------------------------------------------------------------------
# Coaching sessions


def session_for(memberships: Sequence[Membership], pk: int) -> CoachingSession:
    """Session ``pk`` for its coach or its participant; Http404 for anybody else."""
    own = [m.pk for m in memberships]
    return get_object_or_404(
        CoachingSession.objects.filter(Q(coach_id__in=own) | Q(participant_id__in=own))
        .select_related("coach__user", "participant__user", "participant__organisation")
        .prefetch_related("triages__queue_item__item"),
        pk=pk,
    )


def sessions_for(memberships: Sequence[Membership]) -> QuerySet[CoachingSession]:
    """Sessions the user led or attended in this organisation, newest first, each with the
    number of decisions made in it."""
    own = [m.pk for m in memberships]
    return (
        CoachingSession.objects.filter(Q(coach_id__in=own) | Q(participant_id__in=own))
        .select_related("coach__user", "participant__user")
        .annotate(decisions=Count("triages"))
        .order_by("-started_at")
    )


@dataclass(frozen=True)
class DigestEntries:
    entries: list[InboxEntry]
    total: int
    newest_id: int | None


def digest_entries(*, membership: Membership, after_id: int, limit: int) -> DigestEntries:
    """Inbox entries that arrived after entry ``after_id``: up to ``limit`` of those still open
    and undecided (newest first), how many such there are, and the newest id of all of them."""
    arrived = InboxEntry.objects.filter(membership=membership, pk__gt=after_id)
    newest_id = arrived.aggregate(n=Max("pk"))["n"]
    if newest_id is None:
        return DigestEntries([], 0, None)
    wanted = arrived.filter(pk__lte=newest_id, queue_item__status=QueueStatus.OPEN).exclude(
        Exists(
            Triage.objects.filter(queue_item_id=OuterRef("queue_item_id"), membership=membership)
        )
    )
    total = wanted.count()
    entries = list(
        wanted.select_related("queue_item__item__source").order_by("-created_at", "-pk")[:limit]
    )
    return DigestEntries(entries, total, newest_id)


def is_first_reaction(reaction: Reaction) -> bool:
    """Whether this posted reaction is the one that reached the first-reaction milestone."""
    milestone = Milestone.objects.filter(
        membership_id=reaction.membership_id, kind=MilestoneKind.FIRST_REACTION
    ).first()
    return (
        milestone is not None
        and bool(reaction.posted_url)
        and (milestone.url == reaction.posted_url)
    )
