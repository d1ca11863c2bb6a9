"""The demo data set: organisations, people in every role, ready to log in.

Idempotent: running it again leaves one copy of everything and resets the demo passwords.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from onboarding.models import Department, Membership, Organisation, Role, User

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


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
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
    return logins
