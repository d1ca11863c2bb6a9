"""What one row of the participant's inbox shows, besides the item itself: the topics and
terms it matched, the participant's own decision and draft, and what colleagues in the same
organisation do with the same item, so that two people don't post the same thing.

Rows for a whole page are built in three queries, whatever the page size.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from coaching.highlight import compile_terms, highlight_html, highlight_text
from coaching.models import ContentFor, Reaction, ReactionStatus, Triage, Verdict
from coaching.records import FINAL_STATUSES
from monitoring.models import InboxEntry, QueueMatch
from onboarding.models import Membership

__all__ = ["Colleague", "InboxRow", "inbox_rows"]

NAME_FIELDS = (
    "membership__user__first_name",
    "membership__user__last_name",
    "membership__user__email",
)


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


def inbox_rows(membership: Membership, entries: list[InboxEntry]) -> list[InboxRow]:
    """Rows for a page of entries: matches, own decisions and drafts, and what colleagues in
    the same organisation do with the same items (a reaction in progress or posted, a decision
    to react, a content idea; each colleague named once per item, a reaction first), so that
    two people don't post the same thing. Three queries whatever the page size."""
    queue_ids = [e.queue_item_id for e in entries]
    if not queue_ids:
        return []
    topics: dict[int, list[str]] = defaultdict(list)
    terms: dict[int, dict[str, None]] = defaultdict(dict)
    for queue_id, topic_name, matched_terms in (
        QueueMatch.objects.filter(queue_item_id__in=queue_ids)
        .order_by("topic__name")
        .values_list("queue_item_id", "topic__name", "terms")
    ):
        topics[queue_id].append(topic_name)
        for term in matched_terms or []:
            terms[queue_id][str(term)] = None

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
        .only(
            "queue_item_id",
            "membership_id",
            "verdict",
            "content_for",
            "rating",
            "note",
            "session_id",
            "decided_at",
            "membership__user_id",
            *NAME_FIELDS,
        )
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
