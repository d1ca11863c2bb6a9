"""Small builders for pipeline tests: an organisation whose monitoring is on, and feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from django.utils import timezone

from monitoring.models import Source, SourceKind, Subscription
from onboarding.models import Intake, Membership, Organisation, Role, Strategy, Topic
from tests.factories import MembershipFactory, OrganisationFactory


def monitored_organisation(topics: dict[str, str], **org_fields) -> Organisation:
    """An organisation with an approved strategy and the given topics (name → query)."""
    organisation = OrganisationFactory(**org_fields)
    Strategy.objects.create(organisation=organisation, approved_at=timezone.now())
    for name, query in topics.items():
        Topic.objects.create(organisation=organisation, name=name, query=query)
    return organisation


def participant(organisation: Organisation, *topic_names: str, **user_fields) -> Membership:
    """A participant interested in the named topics (none: interested in everything)."""
    membership = MembershipFactory(organisation=organisation, role=Role.PARTICIPANT, **user_fields)
    if topic_names:
        intake = Intake.objects.create(membership=membership)
        intake.topics.set(Topic.objects.filter(organisation=organisation, name__in=topic_names))
    return membership


def follow(
    organisation: Organisation, url: str, *, kind: str = SourceKind.FEED, **subscription_fields
) -> Subscription:
    from monitoring.services import source_key

    source, _ = Source.objects.get_or_create(
        kind=kind, key=source_key(kind, url), defaults={"url": url}
    )
    return Subscription.objects.create(
        organisation=organisation, source=source, **subscription_fields
    )


def rss(items: list[dict], *, title: str = "Test feed", ttl: int | None = None) -> str:
    """An RSS 2.0 document; each item dict has title, link, description, guid?, date?."""
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://blog.example.org/</link>",
    ]
    if ttl:
        parts.append(f"<ttl>{ttl}</ttl>")
    for n, item in enumerate(items):
        date = item.get("date") or now - timedelta(hours=n)
        parts.append(
            "<item>"
            f"<title>{item['title']}</title>"
            f"<link>{item['link']}</link>"
            f"<description><![CDATA[{item.get('description', '')}]]></description>"
            f"<guid>{item.get('guid', item['link'])}</guid>"
            f"<pubDate>{format_datetime(date)}</pubDate>"
            "</item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts)
