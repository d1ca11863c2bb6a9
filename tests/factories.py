"""factory_boy factories for the whole suite."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from onboarding.models import Department, Membership, Organisation, Role, User

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    language = "en"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PARTICIPANT


def _story_key(item: object) -> str:
    """The queue's key for the story an item tells, as the pipeline computes it."""
    from monitoring.pipeline import story_key

    return story_key(item)  # type: ignore[arg-type]


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.Source"
        django_get_or_create = ("kind", "key")

    kind = "feed"
    url = factory.Sequence(lambda n: f"https://blog{n}.example.org/feed.xml")
    key = factory.LazyAttribute(lambda o: o.url)
    title = factory.Sequence(lambda n: f"Blog {n}")


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.Subscription"

    organisation = factory.SubFactory(OrganisationFactory)
    source = factory.SubFactory(SourceFactory)


class ItemFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.Item"

    source = factory.SubFactory(SourceFactory)
    external_id = factory.Sequence(lambda n: f"{n:064x}")
    url = factory.Sequence(lambda n: f"https://news.example.org/story/{n}")
    canonical_url = factory.LazyAttribute(lambda o: o.url)
    title = factory.Sequence(lambda n: f"Story {n}")


class QueueItemFactory(DjangoModelFactory):
    class Meta:
        model = "monitoring.QueueItem"

    organisation = factory.SubFactory(OrganisationFactory)
    item = factory.SubFactory(ItemFactory)
    url_key = factory.LazyAttribute(lambda o: _story_key(o.item))


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = "onboarding.Strategy"
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory)


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = "onboarding.Goal"

    strategy = factory.SubFactory(StrategyFactory)
    description = factory.Sequence(lambda n: f"Goal {n}")
    measure = "Five applications a month"


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = "onboarding.Topic"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    query = '"social media" OR linkedin'


class PolicyFactory(DjangoModelFactory):
    """A published version unless ``published_at=None``."""

    class Meta:
        model = "onboarding.Policy"

    organisation = factory.SubFactory(OrganisationFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Our social media guidelines"
    body = "## Be yourself\n\n- Write in your own words."
    published_at = factory.LazyFunction(timezone.now)


class IntakeFactory(DjangoModelFactory):
    """A participant's intake; ``complete=True`` marks every step done."""

    class Meta:
        model = "onboarding.Intake"
        django_get_or_create = ("membership",)

    class Params:
        complete = factory.Trait(
            steps_done=["goals", "topics", "channels", "policy", "confidence"],
            completed_at=factory.LazyFunction(timezone.now),
        )

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = "onboarding.Profile"

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    channel = "linkedin"
    url = "https://www.linkedin.com/in/someone"
    status = "created"


class ConfidenceCheckFactory(DjangoModelFactory):
    class Meta:
        model = "onboarding.ConfidenceCheck"

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    score = 2


class QueueMatchFactory(DjangoModelFactory):
    """Why a queue item is there: a topic of the item's organisation and the terms that hit."""

    class Meta:
        model = "monitoring.QueueMatch"

    queue_item = factory.SubFactory(QueueItemFactory)
    topic = factory.SubFactory(
        TopicFactory, organisation=factory.SelfAttribute("..queue_item.organisation")
    )
    terms = factory.LazyFunction(lambda: ["social media"])


class InboxEntryFactory(DjangoModelFactory):
    """A queue item routed to a participant; the queue item is of the participant's
    organisation unless given."""

    class Meta:
        model = "monitoring.InboxEntry"

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    queue_item = factory.SubFactory(
        QueueItemFactory, organisation=factory.SelfAttribute("..membership.organisation")
    )


class TriageFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.Triage"

    queue_item = factory.SubFactory(QueueItemFactory)
    membership = factory.SubFactory(
        MembershipFactory,
        role=Role.PARTICIPANT,
        organisation=factory.SelfAttribute("..queue_item.organisation"),
    )
    organisation = factory.SelfAttribute("queue_item.organisation")
    verdict = "interesting"


class ReactionFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.Reaction"

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    queue_item = factory.SubFactory(
        QueueItemFactory, organisation=factory.SelfAttribute("..membership.organisation")
    )
    channel = "linkedin"
    status = "draft"


class ReactionRevisionFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.ReactionRevision"

    reaction = factory.SubFactory(ReactionFactory)
    number = factory.Sequence(lambda n: n + 1)
    body = "I agree, and in our team we noticed the same."


class CoachingSessionFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.CoachingSession"

    participant = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    coach = factory.SubFactory(
        MembershipFactory,
        role=Role.COACH,
        organisation=factory.SelfAttribute("..participant.organisation"),
    )


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.Activity"

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    kind = "item_reviewed"
    occurred_at = factory.LazyFunction(timezone.now)


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.Milestone"

    membership = factory.SubFactory(MembershipFactory, role=Role.PARTICIPANT)
    kind = "first_reaction"
    achieved_at = factory.LazyFunction(timezone.now)


class CommunityFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.Community"

    organisation = factory.SubFactory(OrganisationFactory)
    channel = "linkedin"
    name = factory.Sequence(lambda n: f"Community {n}")
    url = factory.Sequence(lambda n: f"https://www.linkedin.com/groups/{1000 + n}/")
    description = "Where people in our field talk shop."


class CommunityMembershipFactory(DjangoModelFactory):
    class Meta:
        model = "coaching.CommunityMembership"

    community = factory.SubFactory(CommunityFactory)
    membership = factory.SubFactory(
        MembershipFactory,
        role=Role.PARTICIPANT,
        organisation=factory.SelfAttribute("..community.organisation"),
    )
    status = "suggested"
