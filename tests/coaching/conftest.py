"""Fixtures of the coaching tests: one organisation with a participant, a colleague and a
coach, and a helper that puts stories in someone's inbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from monitoring.models import InboxEntry
from onboarding.models import Membership, Organisation, Role
from tests.factories import (
    InboxEntryFactory,
    ItemFactory,
    MembershipFactory,
    OrganisationFactory,
    QueueItemFactory,
    QueueMatchFactory,
    SourceFactory,
    SubscriptionFactory,
    TopicFactory,
)


@pytest.fixture
def org() -> Organisation:
    return OrganisationFactory(slug="acme", name="Acme")


@pytest.fixture
def participant(org: Organisation) -> Membership:
    return MembershipFactory(
        organisation=org, role=Role.PARTICIPANT, user__first_name="Anna", user__last_name="Smit"
    )


@pytest.fixture
def colleague(org: Organisation) -> Membership:
    return MembershipFactory(
        organisation=org, role=Role.PARTICIPANT, user__first_name="Sanne", user__last_name="Bak"
    )


@pytest.fixture
def coach(org: Organisation) -> Membership:
    return MembershipFactory(
        organisation=org, role=Role.COACH, user__first_name="Carla", user__last_name="Coach"
    )


@pytest.fixture
def topic(org):
    return TopicFactory(organisation=org, name="Recruitment", query='"social media" OR recruit*')


@pytest.fixture
def source(org):
    source = SourceFactory(title="HR Blog")
    SubscriptionFactory(organisation=org, source=source, title="HR Blog")
    return source


@pytest.fixture
def put_in_inbox(topic, source) -> Callable[..., InboxEntry]:
    """put_in_inbox(membership, title=..., summary=..., terms=[...], ...) → InboxEntry.

    Routes one story to ``membership`` (and to ``also`` memberships, sharing the queue item).
    """

    def make(
        membership: Membership,
        *,
        title: str = "Social media for recruiters",
        summary: str = "<p>How recruiters use social media.</p>",
        terms: list[str] | None = None,
        topics: list | None = None,
        created_at: dt.datetime | None = None,
        item_source=None,
        also: tuple[Membership, ...] = (),
    ) -> InboxEntry:
        created_at = created_at or timezone.now()
        item = ItemFactory(
            source=item_source or source,
            title=title,
            summary=summary,
            published_at=created_at,
        )
        queue_item = QueueItemFactory(
            organisation=membership.organisation, item=item, created_at=created_at
        )
        for t in topics if topics is not None else [topic]:
            QueueMatchFactory(
                queue_item=queue_item,
                topic=t,
                terms=terms if terms is not None else ["social media"],
            )
        for other in also:
            InboxEntryFactory(membership=other, queue_item=queue_item, created_at=created_at)
        return InboxEntryFactory(
            membership=membership, queue_item=queue_item, created_at=created_at
        )

    return make
