"""A large, realistic, deterministic data set for benchmarks (``manage.py seed_large``).

The same ``seed`` and ``anchor`` give the same rows, in the same order and with the same ids
on an empty database. Rows are written in big batches: PostgreSQL ``COPY`` through psycopg,
``bulk_create`` elsewhere. Ids are assigned here (continuing after the highest existing id)
so that no row has to be read back; PostgreSQL's sequences are moved past them afterwards.

Shape (defaults of the command): organisations with 8 of 12 topics, an approved strategy and
a published policy; participants spread over them, each interested in 2–3 topics; a few
coaches who each coach several organisations, a manager and an admin per organisation;
sources shared between organisations (about 500 items each); each organisation's queue is
drawn from the sources it follows and the topics it has, items of the last 45 days (those
older than 30 days expired, as the expiry task would do); each queue item is routed to
``entries_per_queue_item`` participants interested in its topic; triage decisions on routed
items with their ``item_reviewed`` activity; about half of the "react" decisions led to a
reaction (with revisions, coach feedback, posted ones with their activity and first-reaction
milestone); coaching sessions for a quarter of the participants; a few e-mail digests on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction

from coaching.models import (
    Activity,
    ActivityKind,
    CoachingSession,
    DigestPreference,
    Feedback,
    Milestone,
    MilestoneKind,
    Reaction,
    ReactionRevision,
    Triage,
)
from monitoring.models import InboxEntry, Item, QueueItem, QueueMatch, Source, Subscription
from monitoring.pipeline import url_key
from onboarding.models import (
    Department,
    Intake,
    Membership,
    Organisation,
    Policy,
    PolicyAcknowledgement,
    Strategy,
    Topic,
    User,
)
from onboarding.policy_templates import policy_template

SLUG_PREFIX = "seed-"
EMAIL_DOMAIN = "seed.springplank.test"
PASSWORD = "springplank-seed"  # noqa: S105 - printed on purpose: the bench logins
# A fixed salt keeps the data set byte-for-byte reproducible; these are benchmark accounts.
_PASSWORD_SALT = "springplankseed"  # noqa: S105
EXPIRY_DAYS = 30
INTAKE_STEPS = ["goals", "topics", "channels", "policy", "confidence"]
ITEM_DAYS = 45

# (topic name, keyword query, words that make an item match it)
TOPICS = [
    ("Recruitment", "recruit* OR vacature* OR werving", ["recruitment", "vacatures", "werving"]),
    ("Employer branding", '"employer branding" OR werkgeversmerk', ["employer branding"]),
    ("Healthcare", "zorg OR healthcare OR patiënt*", ["zorg", "healthcare", "patiënten"]),
    ("Social media", '"social media" OR linkedin', ["social media", "LinkedIn"]),
    ("Energy transition", 'energietransitie OR "energy transition"', ["energy transition"]),
    ("Sustainability", "duurzaam* OR sustainab*", ["duurzaamheid", "sustainability"]),
    ("Leadership", "leiderschap OR leadership", ["leadership", "leiderschap"]),
    ("Remote work", '"remote work" OR thuiswerken', ["remote work", "thuiswerken"]),
    ("Artificial intelligence", '"artificial intelligence" OR AI', ["artificial intelligence"]),
    ("Customer service", 'klantenservice OR "customer service"', ["customer service"]),
    ("Diversity", "diversiteit OR diversity OR inclusie", ["diversity", "inclusie"]),
    ("Learning", "leren OR learning OR training", ["learning", "training"]),
]
ORG_KINDS = [
    ("Zorggroep", "nl"),
    ("Energie", "nl"),
    ("Gemeente", "nl"),
    ("Hogeschool", "nl"),
    ("Logistics", "en"),
    ("Consulting", "en"),
    ("Bouwgroep", "nl"),
    ("Software", "en"),
]
PLACES = [
    "Linde", "Noord", "Rivierenland", "Delta", "Kempen", "Veluwe", "Haven", "Polder",
    "Westland", "Oost", "Brabant", "Kust", "Vallei", "Heuvelland", "Meren", "Duin",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Bram", "Sanne", "Liam", "Emma", "Daan", "Julia", "Sem", "Sophie", "Lucas",
    "Noor", "Finn", "Eva", "Jesse", "Lotte", "Thijs", "Fleur", "Ruben", "Iris", "Milan",
    "Olivia", "James", "Mila", "Noah", "Sara", "Tom", "Femke", "Joost", "Amira", "Youssef",
]  # fmt: skip
LAST_NAMES = [
    "de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
    "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "Walker", "Hughes", "El Amrani", "Yilmaz",
]  # fmt: skip
DEPARTMENTS = ["Communicatie", "HR", "Sales", "Operations"]
TITLE_TEMPLATES = [
    "{Term} in 2026: what changes for {audience}",
    "Why {term} matters more than ever for {audience}",
    "{n} lessons about {term} from {place}",
    "Nieuw onderzoek: {term} bij {audience} in {place}",
    "How {audience} in {place} approach {term}",
    "Column: {term} is not a hype",
    "Webinar: {term} for {audience}",
    "Interview: a day in {term} at {place}",
    "Dit betekent {term} voor {audience}",
    "{Term}: five myths, and what the numbers say",
]
AUDIENCES = [
    "recruiters", "nurses", "managers", "young professionals", "teachers", "engineers",
    "small businesses", "municipalities", "students", "job seekers",
]  # fmt: skip
SENTENCES = [
    "A new report looks at what works and what does not.",
    "Practitioners share what they learned in the past year.",
    "The numbers surprised even the researchers.",
    "Organisations that started early now see the results.",
    "Several experts react to the findings.",
    "It is a question many teams are asking right now.",
    "Het onderzoek werd uitgevoerd onder ruim duizend medewerkers.",
    "De resultaten zijn volgende week te bespreken tijdens een webinar.",
]
REACTION_BODIES = [
    "Interesting read. In our team we see the same: {term} only works when people get time for it.",
    "Thanks for sharing! How did you get colleagues on board with {term} in the first months?",
    "I agree, and I would add that {term} starts with listening to the people it is for.",
    "Herkenbaar. Bij ons hielp het om klein te beginnen met {term}.",
]
FEEDBACK_BODIES = [
    "Nice and personal. Maybe end with a question to invite replies?",
    "Good to go: clear, friendly and in your own words.",
    "Could you add one concrete example from your own work?",
]
VERDICTS = [  # (verdict, content_for, weight)
    ("not_relevant", "", 40),
    ("interesting", "", 35),
    ("content_idea", "blog", 8),
    ("content_idea", "newsletter", 4),
    ("react", "", 13),
]
REACTION_STATES = [  # (status, weight)
    ("posted", 40),
    ("draft", 20),
    ("awaiting_feedback", 10),
    ("changes_requested", 10),
    ("ready", 10),
    ("abandoned", 10),
]


@dataclass(frozen=True)
class SeedSize:
    organisations: int = 50
    participants: int = 10_000
    items: int = 1_000_000
    queue_items: int = 500_000
    triages: int = 300_000
    entries_per_queue_item: int = 10
    items_per_source: int = 500
    sources_per_organisation: int = 40


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class Progress:
    """Progress lines on stderr with rate and an estimate of the time left."""

    def __init__(self, stream: Any = None, *, every: float = 2.0) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.started = time.monotonic()

    def table(self, label: str, total: int | None) -> Callable[[int, bool], None]:
        started = time.monotonic()
        last = [0.0]

        def report(done: int, final: bool = False) -> None:
            now = time.monotonic()
            if not final and now - last[0] < self.every:
                return
            last[0] = now
            elapsed = max(now - started, 1e-6)
            rate = done / elapsed
            if total and not final and rate > 0:
                eta = f", {(total - done) / rate:,.0f}s left"
                of = f"/{total:,}"
            else:
                eta, of = "", ""
            state = "done" if final else "…"
            self.stream.write(
                f"  {label:<22} {done:>12,}{of} rows {rate:>10,.0f}/s "
                f"{elapsed:7.1f}s{eta} {state}\n"
            )
            self.stream.flush()

        return report


class TableWriter:
    """Writes rows of one model fast: COPY on PostgreSQL, bulk_create elsewhere.

    ``fields`` name attributes (``organisation_id``, not ``organisation``); fields left out get
    their model default. Values are Python values; JSON fields are serialised here.
    """

    def __init__(self, progress: Progress, *, batch: int = 20_000) -> None:
        self.progress = progress
        self.batch = batch
        self.postgres = connection.vendor == "postgresql"
        self.counts: dict[str, int] = {}

    def next_id(self, model: type[models.Model]) -> int:
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"]
        return (top or 0) + 1

    def write(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        label: str,
        total: int | None = None,
    ) -> int:
        report = self.progress.table(label, total)
        concrete = [f for f in model._meta.concrete_fields]
        by_attname = {f.attname: f for f in concrete}
        missing = [f for f in concrete if f.attname not in fields]
        defaults = [f.get_default() for f in missing]
        all_names = list(fields) + [f.attname for f in missing]
        json_positions = [
            i for i, name in enumerate(all_names) if isinstance(by_attname[name], models.JSONField)
        ]
        done = 0
        if self.postgres:
            table = connection.ops.quote_name(model._meta.db_table)
            columns = ", ".join(connection.ops.quote_name(by_attname[n].column) for n in all_names)
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # noqa: S608
                    for row in rows:
                        values = list(row) + defaults if defaults else list(row)
                        for i in json_positions:
                            values[i] = json.dumps(values[i])
                        copy.write_row(values)
                        done += 1
                        if done % 10_000 == 0:
                            report(done)
        else:
            chunk: list[models.Model] = []
            for row in rows:
                values = dict(zip(all_names, list(row) + defaults, strict=True))
                chunk.append(model(**values))
                if len(chunk) >= self.batch:
                    model._default_manager.bulk_create(chunk, batch_size=self.batch)
                    done += len(chunk)
                    chunk = []
                    report(done)
            if chunk:
                model._default_manager.bulk_create(chunk, batch_size=self.batch)
                done += len(chunk)
        report(done, True)
        self.counts[label] = self.counts.get(label, 0) + done
        return done

    def reset_sequences(self, model_list: Sequence[type[models.Model]]) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _weighted(rng: random.Random, table: Sequence[tuple[Any, ...]]) -> tuple[Any, ...]:
    total = sum(row[-1] for row in table)
    pick = rng.random() * total
    for row in table:
        pick -= row[-1]
        if pick < 0:
            return row
    return table[-1]


def _hex(*parts: object) -> str:
    return hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=32).hexdigest()


def seed_exists() -> bool:
    return Organisation.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def truncate_all() -> None:
    """Empty every table of the product (PostgreSQL only): for a dedicated bench database."""
    if connection.vendor != "postgresql":
        raise RuntimeError("--truncate works on PostgreSQL only; use a fresh database elsewhere")
    from django.apps import apps

    tables = [
        m._meta.db_table
        for app in ("onboarding", "monitoring", "coaching")
        for m in apps.get_app_config(app).get_models(include_auto_created=True)
    ] + ["django_session"]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")  # noqa: S608


def seed(
    size: SeedSize,
    *,
    seed_value: int = 1,
    anchor: dt.datetime,
    progress: Progress | None = None,
) -> SeedReport:
    """Write the data set in one transaction; returns the row counts per table."""
    progress = progress or Progress()
    started = time.monotonic()
    writer = TableWriter(progress)
    with transaction.atomic():
        _Seeder(size, seed_value, anchor, writer).run()
        if writer.postgres:
            writer.reset_sequences(SEEDED_MODELS)
    if writer.postgres:
        with connection.cursor() as cursor:
            for model in SEEDED_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return SeedReport(counts=writer.counts, seconds=time.monotonic() - started)


SEEDED_MODELS: list[type[models.Model]] = [
    Organisation,
    Department,
    User,
    Membership,
    Strategy,
    Topic,
    Intake,
    Intake.topics.through,
    Policy,
    PolicyAcknowledgement,
    Source,
    Subscription,
    Item,
    QueueItem,
    QueueMatch,
    InboxEntry,
    Triage,
    Reaction,
    ReactionRevision,
    Feedback,
    Activity,
    Milestone,
    CoachingSession,
    DigestPreference,
]


class _Seeder:
    def __init__(
        self, size: SeedSize, seed_value: int, anchor: dt.datetime, writer: TableWriter
    ) -> None:
        self.size = size
        self.seed_value = seed_value
        self.rng = random.Random(seed_value)
        self.anchor = anchor
        self.w = writer

    # -- helpers ----------------------------------------------------------------------------

    def ago(self, seconds: float) -> dt.datetime:
        return self.anchor - dt.timedelta(seconds=seconds)

    def rng_for(self, name: str) -> random.Random:
        """An independent stream per table: changing one table's size does not reshuffle the
        others."""
        return random.Random(f"{self.seed_value}:{name}")

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> None:
        self.people()
        self.strategy()
        self.sources_and_items()
        self.queue()
        self.inbox()
        self.decisions()
        self.sessions_and_digests()

    def people(self) -> None:
        size, rng = self.size, self.rng_for("people")
        org_id = self.w.next_id(Organisation)
        self.orgs: list[tuple[int, str, str, str]] = []  # id, slug, name, language
        org_rows = []
        for i in range(size.organisations):
            kind, language = ORG_KINDS[i % len(ORG_KINDS)]
            place = PLACES[(i // len(ORG_KINDS)) % len(PLACES)]
            number = i // (len(ORG_KINDS) * len(PLACES))
            name = f"{kind} {place}" + (f" {number + 1}" if number else "")
            slug = f"{SLUG_PREFIX}{i + 1:03d}"
            oid = org_id + i
            self.orgs.append((oid, slug, name, language))
            org_rows.append((oid, name, slug, language, "NL", self.ago(400 * 86400)))
        self.w.write(
            Organisation,
            ["id", "name", "slug", "language", "country", "created_at"],
            org_rows,
            label="organisations",
        )

        dept_id = self.w.next_id(Department)
        self.departments: dict[int, list[int]] = {}
        dept_rows = []
        for oid, *_rest in self.orgs:
            ids = []
            for name in DEPARTMENTS:
                dept_rows.append((dept_id, oid, name))
                ids.append(dept_id)
                dept_id += 1
            self.departments[oid] = ids
        self.w.write(Department, ["id", "organisation_id", "name"], dept_rows, label="departments")

        password = make_password(PASSWORD, salt=_PASSWORD_SALT)
        user_id = self.w.next_id(User)
        member_id = self.w.next_id(Membership)
        users, members = [], []
        self.participants: dict[int, list[int]] = {oid: [] for oid, *_ in self.orgs}
        self.participant_users: dict[int, int] = {}  # membership -> user
        self.coaches: dict[int, list[int]] = {oid: [] for oid, *_ in self.orgs}
        self.first_names: dict[int, str] = {}
        joined = self.ago(200 * 86400)

        def add_user(email: str, first: str, last: str, language: str = "") -> int:
            nonlocal user_id
            users.append(
                (user_id, password, None, False, first, last, False, True, joined, email, language)
            )
            user_id += 1
            return user_id - 1

        def add_member(uid: int, oid: int, role: str, dept: int | None, invited: int | None) -> int:
            nonlocal member_id
            members.append((member_id, uid, oid, dept, role, invited, True, joined))
            member_id += 1
            return member_id - 1

        # Coaches: one per three organisations, each coaching three (a coach with clients).
        coach_count = max(1, (size.organisations + 2) // 3)
        first_coach: dict[int, int] = {}
        for c in range(coach_count):
            uid = add_user(f"coach{c + 1:03d}@{EMAIL_DOMAIN}", rng.choice(FIRST_NAMES), "Coach")
            for oid, *_ in self.orgs[c * 3 : c * 3 + 3]:
                mid = add_member(uid, oid, "coach", None, None)
                self.coaches[oid].append(mid)
                first_coach.setdefault(oid, mid)
        for index, (oid, slug, _name, _language) in enumerate(self.orgs):
            uid = add_user(f"manager@{slug}.{EMAIL_DOMAIN}", rng.choice(FIRST_NAMES), "Manager")
            add_member(uid, oid, "manager", self.departments[oid][0], first_coach.get(oid))
            uid = add_user(f"admin@{slug}.{EMAIL_DOMAIN}", rng.choice(FIRST_NAMES), "Admin")
            add_member(uid, oid, "admin", None, None)
            share = size.participants // size.organisations + (
                1 if index < size.participants % size.organisations else 0
            )
            for p in range(share):
                first = rng.choice(FIRST_NAMES)
                uid = add_user(f"p{p + 1:05d}@{slug}.{EMAIL_DOMAIN}", first, rng.choice(LAST_NAMES))
                previous = self.participants[oid]
                invited = rng.choice(previous[-20:]) if previous and rng.random() < 0.3 else None
                mid = add_member(
                    uid, oid, "participant", rng.choice(self.departments[oid]), invited
                )
                self.participants[oid].append(mid)
                self.participant_users[mid] = uid
                self.first_names[mid] = first
        self.w.write(
            User,
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "first_name",
                "last_name",
                "is_staff",
                "is_active",
                "date_joined",
                "email",
                "language",
            ],
            users,
            label="users",
            total=len(users),
        )
        self.w.write(
            Membership,
            [
                "id",
                "user_id",
                "organisation_id",
                "department_id",
                "role",
                "invited_by_id",
                "is_active",
                "created_at",
            ],
            members,
            label="memberships",
            total=len(members),
        )

    def strategy(self) -> None:
        rng = self.rng_for("strategy")
        strategy_rows, topic_rows, policy_rows = [], [], []
        topic_id = self.w.next_id(Topic)
        strategy_id = self.w.next_id(Strategy)
        policy_id = self.w.next_id(Policy)
        approved = self.ago(180 * 86400)
        self.org_topics: dict[int, list[tuple[int, int]]] = {}  # org -> [(topic id, theme)]
        self.policy_ids: dict[int, int] = {}
        for oid, _slug, name, language in self.orgs:
            strategy_rows.append(
                (strategy_id, oid, f"{name} wants to be visible through its people.", approved)
            )
            strategy_id += 1
            themes = sorted(rng.sample(range(len(TOPICS)), 8))
            self.org_topics[oid] = []
            for theme in themes:
                topic_name, query, _words = TOPICS[theme]
                topic_rows.append((topic_id, oid, topic_name, query, True, approved, approved))
                self.org_topics[oid].append((topic_id, theme))
                topic_id += 1
            template = policy_template(language, organisation_name=name)
            policy_rows.append(
                (policy_id, oid, 1, template.title, template.body, approved, approved)
            )
            self.policy_ids[oid] = policy_id
            policy_id += 1
        self.w.write(
            Strategy,
            ["id", "organisation_id", "summary", "approved_at"],
            strategy_rows,
            label="strategies",
        )
        self.w.write(
            Topic,
            ["id", "organisation_id", "name", "query", "is_active", "created_at", "updated_at"],
            topic_rows,
            label="topics",
        )
        self.w.write(
            Policy,
            ["id", "organisation_id", "version", "title", "body", "created_at", "published_at"],
            policy_rows,
            label="policies",
        )

        # Intakes: each participant follows 2–3 of the organisation's topics.
        intake_id = self.w.next_id(Intake)
        link_id = self.w.next_id(Intake.topics.through)
        intakes, links = [], []
        self.interested: dict[int, list[list[int]]] = {}  # org -> per topic index: memberships
        for oid, *_ in self.orgs:
            topics = self.org_topics[oid]
            per_topic: list[list[int]] = [[] for _ in topics]
            for mid in self.participants[oid]:
                intakes.append((intake_id, mid, ["linkedin"], INTAKE_STEPS, approved, approved))
                for t in rng.sample(range(len(topics)), rng.choice((2, 2, 3))):
                    links.append((link_id, intake_id, topics[t][0]))
                    link_id += 1
                    per_topic[t].append(mid)
                intake_id += 1
            self.interested[oid] = per_topic
        self.w.write(
            Intake,
            ["id", "membership_id", "channels", "steps_done", "started_at", "completed_at"],
            intakes,
            label="intakes",
        )
        ack_id = self.w.next_id(PolicyAcknowledgement)
        acks = []
        for oid, *_ in self.orgs:
            for mid in self.participants[oid]:
                acks.append((ack_id, mid, self.policy_ids[oid], approved))
                ack_id += 1
        self.w.write(
            PolicyAcknowledgement,
            ["id", "membership_id", "policy_id", "acknowledged_at"],
            acks,
            label="policy acknowledgements",
        )
        self.w.write(
            Intake.topics.through, ["id", "intake_id", "topic_id"], links, label="intake topics"
        )

    def sources_and_items(self) -> None:
        size, rng = self.size, self.rng_for("items")
        source_count = max(1, -(-size.items // size.items_per_source))
        source_id = self.w.next_id(Source)
        self.source_ids = list(range(source_id, source_id + source_count))
        sources = []
        for n, sid in enumerate(self.source_ids):
            host = f"blog{n + 1:05d}.example.org"
            url = f"https://{host}/feed.xml"
            sources.append(
                (
                    sid,
                    "feed",
                    url,
                    url,
                    f"{PLACES[n % len(PLACES)]} {['Blog', 'News', 'Journal', 'Weekly'][n % 4]} "
                    f"{n + 1}",
                    f"https://{host}/",
                    self.ago(300 * 86400),
                    self.anchor + dt.timedelta(seconds=rng.randrange(1800)),
                    1800,
                    self.ago(600),
                    self.ago(600),
                    "200",
                )
            )
        self.w.write(
            Source,
            [
                "id",
                "kind",
                "key",
                "url",
                "title",
                "site_url",
                "created_at",
                "next_poll_at",
                "poll_interval",
                "last_polled_at",
                "last_success_at",
                "last_status",
            ],
            sources,
            label="sources",
        )

        # Every organisation follows some sources; sources are shared.
        sub_id = self.w.next_id(Subscription)
        subs = []
        self.org_sources: dict[int, list[int]] = {}
        for oid, *_ in self.orgs:
            chosen = sorted(
                rng.sample(range(source_count), min(size.sources_per_organisation, source_count))
            )
            self.org_sources[oid] = chosen
            for s in chosen:
                subs.append((sub_id, oid, self.source_ids[s], "", self.ago(250 * 86400)))
                sub_id += 1
        self.w.write(
            Subscription,
            ["id", "organisation_id", "source_id", "title", "created_at"],
            subs,
            label="subscriptions",
        )

        # Items: ``items_per_source`` per source (the last source gets the rest), ids in
        # source order, each about one of the themes.
        item_id = self.w.next_id(Item)
        self.first_item_id = item_id
        self.item_theme = array("b")
        self.item_term = array("b")
        self.item_fetched = array("q")  # seconds before the anchor
        self.source_first: list[int] = []  # index of the first item of each source
        self.item_url: list[str] = []

        def rows() -> Iterator[tuple[Any, ...]]:
            n = 0
            for s in range(source_count):
                self.source_first.append(n)
                count = min(size.items_per_source, size.items - n)
                host = f"blog{s + 1:05d}.example.org"
                for _ in range(count):
                    theme = rng.randrange(len(TOPICS))
                    words = TOPICS[theme][2]
                    term_index = rng.randrange(len(words))
                    term = words[term_index]
                    title = rng.choice(TITLE_TEMPLATES).format(
                        term=term,
                        Term=term[:1].upper() + term[1:],
                        audience=rng.choice(AUDIENCES),
                        place=rng.choice(PLACES),
                        n=rng.randint(3, 9),
                    )
                    summary = (
                        f"<p>{rng.choice(SENTENCES)} <strong>{term}</strong> "
                        f"{rng.choice(SENTENCES)}</p><p>{rng.choice(SENTENCES)}</p>"
                    )
                    age = rng.randrange(ITEM_DAYS * 86400)
                    fetched = self.ago(age)
                    url = f"https://{host}/{fetched:%Y/%m}/story-{item_id + n}"
                    self.item_theme.append(theme)
                    self.item_term.append(term_index)
                    self.item_fetched.append(age)
                    self.item_url.append(url)
                    yield (
                        item_id + n,
                        self.source_ids[s],
                        _hex(self.seed_value, "item", n),
                        url,
                        url,
                        title,
                        summary,
                        rng.choice(FIRST_NAMES) + " " + rng.choice(LAST_NAMES),
                        self.ago(age + rng.randrange(3600)),
                        fetched,
                    )
                    n += 1
            self.source_first.append(n)

        self.w.write(
            Item,
            [
                "id",
                "source_id",
                "external_id",
                "url",
                "canonical_url",
                "title",
                "summary",
                "author",
                "published_at",
                "fetched_at",
            ],
            rows(),
            label="items",
            total=size.items,
        )

    def queue(self) -> None:
        size, rng = self.size, self.rng_for("queue")
        queue_id = self.w.next_id(QueueItem)
        match_id = self.w.next_id(QueueMatch)
        self.queue_org = array("q")
        self.queue_created = array("q")  # seconds before the anchor
        self.queue_open = array("b")
        self.queue_topics: list[tuple[int, ...]] = []  # topic indexes within the organisation
        matches: list[tuple[Any, ...]] = []
        per_org = [
            size.queue_items // len(self.orgs) + (1 if i < size.queue_items % len(self.orgs) else 0)
            for i in range(len(self.orgs))
        ]

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal queue_id, match_id
            for (oid, *_rest), wanted in zip(self.orgs, per_org, strict=True):
                theme_to_topic = {theme: t for t, (_tid, theme) in enumerate(self.org_topics[oid])}
                candidates = [
                    i
                    for s in self.org_sources[oid]
                    for i in range(self.source_first[s], self.source_first[s + 1])
                    if self.item_theme[i] in theme_to_topic
                ]
                chosen = sorted(rng.sample(candidates, min(wanted, len(candidates))))
                topics = self.org_topics[oid]
                for i in chosen:
                    age = max(self.item_fetched[i] - rng.randrange(600), 0)
                    is_open = age < EXPIRY_DAYS * 86400
                    primary = theme_to_topic[self.item_theme[i]]
                    extra = rng.choices((0, 1, 2), weights=(70, 22, 8))[0]
                    others = [t for t in range(len(topics)) if t != primary]
                    hit = (primary, *rng.sample(others, extra))
                    self.queue_org.append(oid)
                    self.queue_created.append(age)
                    self.queue_open.append(1 if is_open else 0)
                    self.queue_topics.append(hit)
                    words = TOPICS[self.item_theme[i]][2]
                    for position, t in enumerate(hit):
                        topic_words = TOPICS[topics[t][1]][2]
                        term = words[self.item_term[i]] if position == 0 else topic_words[0]
                        matches.append((match_id, queue_id, topics[t][0], [term]))
                        match_id += 1
                    created = self.ago(age)
                    yield (
                        queue_id,
                        oid,
                        self.first_item_id + i,
                        url_key(self.item_url[i]),
                        "open" if is_open else "expired",
                        created,
                        None if is_open else self.ago(age - EXPIRY_DAYS * 86400),
                    )
                    queue_id += 1

        self.first_queue_id = queue_id
        self.w.write(
            QueueItem,
            ["id", "organisation_id", "item_id", "url_key", "status", "created_at", "expires_at"],
            rows(),
            label="queue items",
            total=size.queue_items,
        )
        self.w.write(
            QueueMatch,
            ["id", "queue_item_id", "topic_id", "terms"],
            matches,
            label="queue matches",
            total=len(matches),
        )
        self.item_url = []  # free the memory

    def inbox(self) -> None:
        size, rng = self.size, self.rng_for("inbox")
        entry_id = self.w.next_id(InboxEntry)
        self.first_entry_id = entry_id
        self.entry_queue = array("q")  # index into the queue arrays
        self.entry_member = array("q")
        self.entry_read = array("b")

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal entry_id
            for q in range(len(self.queue_org)):
                oid = self.queue_org[q]
                pool: set[int] = set()
                for t in self.queue_topics[q]:
                    pool.update(self.interested[oid][t])
                if not pool:
                    continue
                recipients = rng.sample(sorted(pool), min(size.entries_per_queue_item, len(pool)))
                age = self.queue_created[q]
                created = self.ago(age)
                for mid in recipients:
                    read = age > 3 * 86400 and rng.random() < 0.6
                    self.entry_queue.append(q)
                    self.entry_member.append(mid)
                    self.entry_read.append(1 if read else 0)
                    yield (
                        entry_id,
                        self.first_queue_id + q,
                        mid,
                        created,
                        self.ago(age - rng.randrange(min(age, 3 * 86400) + 1)) if read else None,
                    )
                    entry_id += 1

        estimate = len(self.queue_org) * size.entries_per_queue_item
        self.w.write(
            InboxEntry,
            ["id", "queue_item_id", "membership_id", "created_at", "read_at"],
            rows(),
            label="inbox entries",
            total=estimate,
        )

    def decisions(self) -> None:
        size, rng = self.size, self.rng_for("decisions")
        total = len(self.entry_queue)
        picked = sorted(rng.sample(range(total), min(size.triages, total)))
        triage_id = self.w.next_id(Triage)
        activity_id = self.w.next_id(Activity)
        triages, activities = [], []
        reacting: list[tuple[int, int, int]] = []  # (membership, queue index, age)
        for e in picked:
            q, mid = self.entry_queue[e], self.entry_member[e]
            verdict, content_for, _weight = _weighted(rng, VERDICTS)
            age = max(self.queue_created[q] - rng.randrange(3 * 86400), 0)
            rating = rng.randint(1, 5) if rng.random() < 0.3 else None
            note = "Good example for the team meeting." if rng.random() < 0.1 else ""
            triages.append(
                (triage_id, self.first_queue_id + q, mid, self.queue_org[q], verdict, content_for,
                 rating, note, self.ago(age))
            )  # fmt: skip
            activities.append((activity_id, mid, ActivityKind.ITEM_REVIEWED, self.ago(age)))
            triage_id += 1
            activity_id += 1
            if verdict == "react" and rng.random() < 0.5:
                reacting.append((mid, q, age))
        self.w.write(
            Triage,
            [
                "id",
                "queue_item_id",
                "membership_id",
                "organisation_id",
                "verdict",
                "content_for",
                "rating",
                "note",
                "decided_at",
            ],
            triages,
            label="triages",
            total=len(triages),
        )
        triages.clear()

        reaction_id = self.w.next_id(Reaction)
        revision_id = self.w.next_id(ReactionRevision)
        feedback_id = self.w.next_id(Feedback)
        milestone_id = self.w.next_id(Milestone)
        reactions, revisions, feedback, milestones = [], [], [], []
        first_posted: set[int] = set()
        for mid, q, age in reacting:
            status, _weight = _weighted(rng, REACTION_STATES)
            oid = self.queue_org[q]
            theme = self.org_topics[oid][self.queue_topics[q][0]][1]
            term = TOPICS[theme][2][0]
            created = self.ago(age)
            steps = 1 if status in ("draft", "awaiting_feedback") else rng.randint(1, 3)
            revision = None
            for number in range(1, steps + 1):
                body = rng.choice(REACTION_BODIES).format(term=term)
                stamp = created + dt.timedelta(hours=number)
                revisions.append((revision_id, reaction_id, number, body, stamp))
                revision = revision_id
                revision_id += 1
                coaches = self.coaches.get(oid)
                gets_feedback = number < steps or status in ("changes_requested", "ready", "posted")
                if coaches and gets_feedback:
                    verdict = (
                        "approved"
                        if number == steps and status != "changes_requested"
                        else ("changes")
                    )
                    feedback.append(
                        (feedback_id, reaction_id, revision, coaches[0],
                         rng.choice(FEEDBACK_BODIES), verdict,
                         stamp + dt.timedelta(minutes=30))
                    )  # fmt: skip
                    feedback_id += 1
            updated = created + dt.timedelta(hours=steps, minutes=45)
            posted_url = ""
            posted_at = None
            if status == "posted":
                posted_url = f"https://www.linkedin.com/feed/update/urn:li:activity:{reaction_id}"
                posted_at = updated
                activities.append((activity_id, mid, ActivityKind.REACTION_POSTED, posted_at))
                activity_id += 1
                if mid not in first_posted:
                    first_posted.add(mid)
                    milestones.append(
                        (milestone_id, mid, MilestoneKind.FIRST_REACTION, posted_at, posted_url)
                    )
                    milestone_id += 1
            reactions.append(
                (reaction_id, mid, self.first_queue_id + q, "linkedin", status, posted_url,
                 posted_at, created, min(updated, self.anchor))
            )  # fmt: skip
            reaction_id += 1
        self.w.write(
            Reaction,
            [
                "id",
                "membership_id",
                "queue_item_id",
                "channel",
                "status",
                "posted_url",
                "posted_at",
                "created_at",
                "updated_at",
            ],
            reactions,
            label="reactions",
        )
        self.w.write(
            ReactionRevision,
            ["id", "reaction_id", "number", "body", "created_at"],
            revisions,
            label="revisions",
        )
        self.w.write(
            Feedback,
            ["id", "reaction_id", "revision_id", "coach_id", "body", "verdict", "created_at"],
            feedback,
            label="feedback",
        )
        self.activities = activities
        self.milestones = milestones
        self.next_activity_id = activity_id
        self.next_milestone_id = milestone_id

    def sessions_and_digests(self) -> None:
        rng = self.rng_for("sessions")
        session_id = self.w.next_id(CoachingSession)
        sessions = []
        activity_id, milestone_id = self.next_activity_id, self.next_milestone_id
        activities, milestones = self.activities, self.milestones
        preference_id = self.w.next_id(DigestPreference)
        preferences = []
        for oid, *_ in self.orgs:
            coaches = self.coaches.get(oid)
            for mid in self.participants[oid]:
                if coaches and rng.random() < 0.25:
                    for k in range(rng.choice((1, 1, 2))):
                        start = self.ago(rng.randrange(20, 90) * 86400 - k * 14 * 86400)
                        end = start + dt.timedelta(minutes=rng.choice((30, 45, 60)))
                        sessions.append(
                            (session_id, coaches[0], mid, start, end,
                             "Went through the inbox together.",
                             "Draft one reaction this week; join one LinkedIn group.")
                        )  # fmt: skip
                        session_id += 1
                        activities.append((activity_id, mid, ActivityKind.SESSION_HELD, end))
                        activity_id += 1
                        if k == 0:
                            milestones.append(
                                (milestone_id, mid, MilestoneKind.FIRST_SESSION, end, "")
                            )
                            milestone_id += 1
                draw = rng.random()
                if draw < 0.1:
                    preferences.append(
                        (preference_id, mid, "daily" if draw < 0.05 else "weekly", self.anchor)
                    )
                    preference_id += 1
        self.w.write(
            CoachingSession,
            ["id", "coach_id", "participant_id", "started_at", "ended_at", "notes",
             "agreed_actions"],
            sessions,
            label="sessions",
        )  # fmt: skip
        activities.sort(key=lambda row: row[0])
        self.w.write(
            Activity,
            ["id", "membership_id", "kind", "occurred_at"],
            activities,
            label="activities",
            total=len(activities),
        )
        self.w.write(
            Milestone,
            ["id", "membership_id", "kind", "achieved_at", "url"],
            milestones,
            label="milestones",
        )
        self.w.write(
            DigestPreference,
            ["id", "membership_id", "frequency", "updated_at"],
            preferences,
            label="digest preferences",
        )


def participant_logins(limit: int) -> list[tuple[int, str, str]]:
    """(user id, e-mail, organisation slug) of seeded participants, spread over organisations,
    for the benchmark's sessions."""
    rows = (
        Membership.objects.filter(
            organisation__slug__startswith=SLUG_PREFIX, role="participant", is_active=True
        )
        .order_by("pk")
        .values_list("user_id", "user__email", "organisation__slug")
    )
    total = rows.count()
    step = max(1, total // max(limit, 1))
    return list(rows[::step][:limit]) if step > 1 else list(rows[:limit])
