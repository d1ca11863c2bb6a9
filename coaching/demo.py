"""The demo data set: organisations, people in every role, ready to log in.

Idempotent: running it again leaves one copy of everything and resets the demo passwords.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db import transaction
from django.utils import timezone

from coaching.communities import community_create, community_suggest
from coaching.models import Community
from monitoring.models import SourceKind
from monitoring.services import source_subscribe
from onboarding.models import (
    Audience,
    ConfidenceCheck,
    Department,
    FollowSuggestion,
    Goal,
    Intake,
    KeyMessage,
    Membership,
    Organisation,
    Policy,
    PolicyAcknowledgement,
    Role,
    Strategy,
    Topic,
    User,
)

DEMO_PASSWORD = "springplank-demo"  # noqa: S105 - printed on purpose: it is the demo login


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    organisations: str


PEOPLE = [
    # email, first, last, language, [(org slug, role, department)]
    (
        "coach@demo.springplank.test",
        "Carla",
        "Coach",
        "",
        [("zorggroep-de-linde", Role.COACH, None), ("acme-energy", Role.COACH, None)],
    ),
    (
        "manager@demo.springplank.test",
        "Mark",
        "Manager",
        "",
        [("zorggroep-de-linde", Role.MANAGER, "Communicatie")],
    ),
    (
        "anna@demo.springplank.test",
        "Anna",
        "de Vries",
        "",
        [("zorggroep-de-linde", Role.PARTICIPANT, "Communicatie")],
    ),
    (
        "bram@demo.springplank.test",
        "Bram",
        "Jansen",
        "",
        [("zorggroep-de-linde", Role.PARTICIPANT, "HR")],
    ),
    (
        "sanne@demo.springplank.test",
        "Sanne",
        "Bakker",
        "",
        [("zorggroep-de-linde", Role.PARTICIPANT, "HR")],
    ),
    (
        "liam@demo.springplank.test",
        "Liam",
        "Walker",
        "en",
        [("acme-energy", Role.PARTICIPANT, "Sales")],
    ),
    (
        "admin@demo.springplank.test",
        "Ada",
        "Admin",
        "",
        [("zorggroep-de-linde", Role.ADMIN, None), ("acme-energy", Role.ADMIN, None)],
    ),
]

ORGANISATIONS = [
    ("zorggroep-de-linde", "Zorggroep De Linde", "nl", "NL", ["Communicatie", "HR", "Zorg"]),
    ("acme-energy", "Acme Energy", "en", "GB", ["Sales", "Engineering"]),
]


STRATEGIES = {
    "zorggroep-de-linde": {
        "summary": "We willen als werkgever zichtbaar zijn waar zorgprofessionals elkaar ontmoeten, "
        "en laten zien hoe goed en menselijk de zorg bij De Linde is.",
        "channels": ["linkedin", "x", "mastodon"],
        "goals": [
            (
                "Meer sollicitaties via eigen medewerkers",
                "aantal sollicitaties met 'via een collega' per kwartaal",
            ),
            (
                "Medewerkers durven online mee te praten over de zorg",
                "aantal geplaatste reacties per maand",
            ),
        ],
        "audiences": [
            ("Verpleegkundigen en verzorgenden", "werkplezier, roosters, opleiding"),
            ("Mantelzorgers en familie", "goede zorg, betrokkenheid"),
        ],
        "messages": [
            "Bij De Linde heb je tijd voor je bewoners.",
            "We leiden zelf op: zij-instromers welkom.",
        ],
        "follows": [
            ("Zorg & Werk", "feeds/zorg-en-werk.xml", "blog"),
            ("HR Praktijk", "feeds/hr-praktijk.xml", "blog"),
        ],
        "topics": {
            "Arbeidsmarkt zorg": (
                "(zorg OR verpleegkundige* OR ouderenzorg) (personeelstekort OR arbeidsmarkt OR werving OR zij-instromers)",
                "Tekorten, werving en instroom in de zorg.",
            ),
            "Social media & werving": (
                '"social media" OR linkedin OR "employer branding"',
                "Hoe organisaties sociale media inzetten.",
            ),
            "Mantelzorg": ("mantelzorg*", "Alles over mantelzorgers."),
        },
        "feeds": ["zorg-en-werk", "hr-praktijk", "social-media-today"],
    },
    "acme-energy": {
        "summary": "Engineers who explain the energy transition online build trust and attract talent.",
        "channels": ["linkedin", "mastodon"],
        "goals": [
            ("Engineers share their work publicly", "posts and comments per month by engineers")
        ],
        "audiences": [("Prospective engineers", "meaningful technical work")],
        "messages": ["The energy transition is built by people like you."],
        "follows": [("Energy Transition Weekly", "feeds/energy-news.xml", "site")],
        "topics": {
            "Energy transition": (
                '"heat pump" OR "solar panels" OR hydrogen',
                "Technology of the transition.",
            ),
            "Grid congestion": (
                '"grid congestion" OR netcongestie',
                "Capacity of the electricity grid.",
            ),
        },
        "feeds": ["energy-news", "social-media-today"],
    },
}

POLICY_TEXT = {
    "nl": "Doe mee, wees jezelf en zeg dat je bij ons werkt. Deel geen vertrouwelijke informatie over "
    "cliënten of collega's. Twijfel je? Vraag je coach. Een foutje gemaakt? Herstel het open en eerlijk.",
    "en": "Join in, be yourself and say you work here. Don't share confidential information about "
    "clients or colleagues. In doubt? Ask your coach. Made a mistake? Correct it openly.",
}

# Participants whose first steps are done in the demo, with the topics they chose.
FINISHED_INTAKES = {
    "anna@demo.springplank.test": ["Arbeidsmarkt zorg", "Social media & werving"],
    "sanne@demo.springplank.test": [],
    "liam@demo.springplank.test": ["Energy transition"],
}


# LinkedIn groups per organisation: name, why join, topics, the participants it is suggested
# to. The addresses are LinkedIn's group search for the name, so a demo never points at a
# stranger's group as if it were ours.
COMMUNITIES = {
    "zorggroep-de-linde": [
        (
            "Zorgprofessionals Nederland",
            "Verpleegkundigen en verzorgenden wisselen hier ervaringen uit over werkdruk, roosters en opleiding: precies de mensen die we willen bereiken.",
            ["Arbeidsmarkt zorg"],
            ["anna@demo.springplank.test", "sanne@demo.springplank.test"],
        ),
        (
            "HR in de zorg",
            "Recruiters en HR-adviseurs uit de zorg over werving, zij-instroom en het behouden van collega's. Hier kun je laten zien hoe wij het doen.",
            ["Arbeidsmarkt zorg", "Social media & werving"],
            ["anna@demo.springplank.test", "bram@demo.springplank.test"],
        ),
        (
            "Mantelzorg & familie",
            "Mantelzorgers en familie delen vragen en tips. Lees mee, en help waar je iets weet.",
            ["Mantelzorg"],
            ["sanne@demo.springplank.test"],
        ),
    ],
    "acme-energy": [
        (
            "Energy Transition Professionals",
            "Engineers and policy people discuss heat pumps, solar and hydrogen here: where our future colleagues read along.",
            ["Energy transition"],
            ["liam@demo.springplank.test"],
        ),
        (
            "Grid Congestion Network",
            "Grid operators and engineers working on capacity. A good place to explain what our teams do.",
            ["Grid congestion"],
            ["liam@demo.springplank.test"],
        ),
    ],
}


def _group_search_url(name: str) -> str:
    return "https://www.linkedin.com/search/results/groups/?" + urlencode(
        {"keywords": name}, quote_via=quote
    )


def seed_communities() -> None:
    """The demo's LinkedIn groups, each suggested by the coach to a few participants. Running
    it again adds nothing: a group is found by name, and suggesting twice changes nothing."""
    for slug, groups in COMMUNITIES.items():
        org = Organisation.objects.get(slug=slug)
        coach = Membership.objects.filter(organisation=org, role=Role.COACH).first()
        for name, why, topic_names, emails in groups:
            community = Community.objects.filter(organisation=org, name=name).first()
            if community is None:
                community = community_create(
                    organisation=org,
                    name=name,
                    url=_group_search_url(name),
                    description=why,
                    topics=Topic.objects.filter(organisation=org, name__in=topic_names),
                )
            participants = Membership.objects.filter(
                organisation=org, role=Role.PARTICIPANT, user__email__in=emails
            )
            community_suggest(community=community, participants=participants, suggested_by=coach)


def seed_monitoring(base_url: str) -> None:
    """Strategies, topics, policies and the demo's own feeds (served under ``base_url``/demo/)."""
    now = timezone.now()
    for slug, spec in STRATEGIES.items():
        org = Organisation.objects.get(slug=slug)
        coach = Membership.objects.filter(organisation=org, role=Role.COACH).first()
        strategy, created = Strategy.objects.get_or_create(
            organisation=org,
            defaults={
                "summary": spec["summary"],
                "channels": spec["channels"],
                "approved_at": now,
                "approved_by": coach,
                "last_step": Strategy.Step.TOPICS,
            },
        )
        if created:
            for n, (goal, measure) in enumerate(spec["goals"]):
                Goal.objects.create(
                    strategy=strategy, description=goal, measure=measure, position=n
                )
            for n, (name, description) in enumerate(spec["audiences"]):
                Audience.objects.create(
                    strategy=strategy, name=name, description=description, position=n
                )
            for n, text in enumerate(spec["messages"]):
                KeyMessage.objects.create(strategy=strategy, text=text, position=n)
            for n, (name, path, kind) in enumerate(spec["follows"]):
                FollowSuggestion.objects.create(
                    strategy=strategy,
                    name=name,
                    url=f"{base_url}/demo/{path}",
                    kind=kind,
                    position=n,
                )
        for name, (query, description) in spec["topics"].items():
            Topic.objects.get_or_create(
                organisation=org, name=name, defaults={"query": query, "description": description}
            )
        policy, _ = Policy.objects.get_or_create(
            organisation=org,
            version=1,
            defaults={
                "title": "Social media policy",
                "body": POLICY_TEXT[org.language],
                "published_at": now,
                "published_by": coach,
            },
        )
        for feed in spec["feeds"]:
            source_subscribe(
                organisation=org, url=f"{base_url}/demo/feeds/{feed}.xml", created_by=coach
            )
        news_query = next(iter(spec["topics"].values()))[0]
        from urllib.parse import quote

        source_subscribe(
            organisation=org,
            url=f"{base_url}/demo/news/rss?q={quote(news_query)}",
            kind=SourceKind.NEWS_SEARCH,
            title=f"News search: {next(iter(spec['topics']))}",
            topic=Topic.objects.get(organisation=org, name=next(iter(spec["topics"]))),
            created_by=coach,
        )
    for email, topic_names in FINISHED_INTAKES.items():
        membership = Membership.objects.get(user__email=email, role=Role.PARTICIPANT)
        intake, created = Intake.objects.get_or_create(
            membership=membership,
            defaults={
                "personal_goals": "Meer zichtbaar worden in mijn vakgebied.",
                "channels": ["linkedin"],
                "completed_at": now,
                "steps_done": ["goals", "topics", "channels", "policy", "confidence"],
            },
        )
        if created:
            intake.topics.set(
                Topic.objects.filter(organisation=membership.organisation, name__in=topic_names)
            )
            ConfidenceCheck.objects.create(membership=membership, score=2)
            policy = Policy.objects.filter(organisation=membership.organisation).first()
            PolicyAcknowledgement.objects.get_or_create(membership=membership, policy=policy)


@transaction.atomic
def seed_demo(base_url: str = "http://127.0.0.1:8000") -> list[DemoLogin]:
    """Create (or refresh) the demo organisations and people; return the logins to print."""
    orgs: dict[str, Organisation] = {}
    for slug, name, language, country, departments in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "language": language, "country": country}
        )
        orgs[slug] = org
        for department in departments:
            Department.objects.get_or_create(organisation=org, name=department)

    coach_memberships: dict[str, Membership] = {}
    logins = []
    for email, first, last, language, roles in PEOPLE:
        user, _ = User.objects.get_or_create(email=email)
        user.first_name, user.last_name, user.language = first, last, language
        user.set_password(DEMO_PASSWORD)
        user.save()
        for slug, role, department in roles:
            org = orgs[slug]
            dept = Department.objects.get(organisation=org, name=department) if department else None
            membership, _ = Membership.objects.get_or_create(
                user=user,
                organisation=org,
                role=role,
                defaults={"department": dept, "invited_by": coach_memberships.get(slug)},
            )
            if role == Role.COACH:
                coach_memberships[slug] = membership
        label = ", ".join(sorted({str(Role(r).label) for _, r, _ in roles}))
        logins.append(DemoLogin(email, label, ", ".join(orgs[s].name for s, _, _ in roles)))
    seed_monitoring(base_url)
    seed_history()
    seed_communities()
    return logins


# Colleagues at De Linde who joined over the last weeks, most brought in by a colleague: enough
# people for the manager's dashboard to show its figures (groups under the privacy threshold
# are not broken out).
COLLEAGUES = [
    ("pieter", "Pieter", "Smit", "Zorg", "anna"),
    ("fatima", "Fatima", "El Amrani", "Zorg", "anna"),
    ("joost", "Joost", "de Boer", "Communicatie", "sanne"),
    ("lotte", "Lotte", "Visser", "HR", "sanne"),
    ("daan", "Daan", "Mulder", "Zorg", "pieter"),
    ("eva", "Eva", "Dekker", "Communicatie", None),
]

HISTORY_WEEKS = 12


def seed_history() -> None:
    """Twelve weeks of plausible activity at De Linde, generated deterministically: people
    review more each week, the first reactions appear, confidence grows. Runs once."""
    import random
    from datetime import timedelta

    from coaching.models import Activity, ActivityKind, Milestone, MilestoneKind

    org = Organisation.objects.get(slug="zorggroep-de-linde")
    if Activity.objects.filter(membership__organisation=org).exists():
        return
    now = timezone.now()
    start = now - timedelta(weeks=HISTORY_WEEKS)
    members: dict[str, Membership] = {
        m.user.email.split("@")[0]: m
        for m in Membership.objects.filter(organisation=org, role=Role.PARTICIPANT).select_related(
            "user"
        )
    }
    for key, first, last, department, brought_by in COLLEAGUES:
        user, _ = User.objects.get_or_create(
            email=f"{key}@demo.springplank.test", defaults={"first_name": first, "last_name": last}
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        members[key], _ = Membership.objects.get_or_create(
            user=user,
            organisation=org,
            role=Role.PARTICIPANT,
            defaults={
                "department": Department.objects.get(organisation=org, name=department),
                "invited_by": members.get(brought_by or ""),
            },
        )
    rng = random.Random(20261201)  # noqa: S311 - demo data, deterministic on purpose
    activities, checks = [], []
    for order, (_key, membership) in enumerate(sorted(members.items())):
        joined_week = min(order, HISTORY_WEEKS - 2)
        Membership.objects.filter(pk=membership.pk).update(
            created_at=start + timedelta(weeks=joined_week)
        )
        confidence = rng.choice([1, 2, 2])
        checks.append(
            ConfidenceCheck(
                membership=membership,
                score=confidence,
                taken_at=start + timedelta(weeks=joined_week),
            )
        )
        first_reaction = first_reply = None
        for week in range(joined_week, HISTORY_WEEKS):
            at = start + timedelta(weeks=week, hours=rng.randint(8, 100))
            progress = week - joined_week
            for _ in range(rng.randint(1, 3 + progress)):
                activities.append(
                    Activity(membership=membership, kind=ActivityKind.ITEM_REVIEWED, occurred_at=at)
                )
            if progress >= 3 and rng.random() < 0.45:
                activities.append(
                    Activity(
                        membership=membership,
                        kind=ActivityKind.REACTION_POSTED,
                        channel="linkedin",
                        occurred_at=at,
                    )
                )
                first_reaction = first_reaction or at
            if progress >= 5 and rng.random() < 0.2:
                activities.append(
                    Activity(
                        membership=membership,
                        kind=ActivityKind.DISCUSSION_REPLIED,
                        channel="linkedin",
                        url=f"https://www.linkedin.com/feed/update/urn:li:activity:{7100 + len(activities)}/",
                        occurred_at=at,
                    )
                )
                first_reply = first_reply or at
            if progress in (4, 8):
                confidence = min(5, confidence + 1)
                checks.append(ConfidenceCheck(membership=membership, score=confidence, taken_at=at))
        for kind, achieved_at in (
            (MilestoneKind.FIRST_REACTION, first_reaction),
            (MilestoneKind.FIRST_REPLY, first_reply),
        ):
            if achieved_at:
                Milestone.objects.get_or_create(
                    membership=membership, kind=kind, defaults={"achieved_at": achieved_at}
                )
    Activity.objects.bulk_create(activities)
    ConfidenceCheck.objects.bulk_create(checks)
