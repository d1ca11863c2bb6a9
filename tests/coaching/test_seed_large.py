"""seed_large: the counts asked for, deterministic, and a data set the pages can show."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.urls import reverse

from coaching import seeding
from coaching.models import Activity, Reaction, ReactionRevision, Triage
from monitoring.models import InboxEntry, Item, QueueItem, QueueMatch, Source
from onboarding.models import Membership, Organisation, Role, User

pytestmark = pytest.mark.django_db(transaction=True)

ARGS = [
    "--organisations", "3",
    "--participants", "24",
    "--items", "600",
    "--queue-items", "150",
    "--triages", "90",
    "--items-per-source", "50",
    "--sources-per-organisation", "6",
    "--entries-per-queue-item", "4",
    "--anchor", "2026-06-01",
]  # fmt: skip


def run(*extra: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_large", *ARGS, *extra, stdout=out, stderr=err)
    assert "rows" in err.getvalue() and "/s" in err.getvalue()  # progress with rates
    return out.getvalue()


def fingerprint() -> dict[str, list]:
    """The data set without its ids: what must be equal when seeded twice."""
    return {
        "orgs": list(Organisation.objects.order_by("slug").values_list("slug", "name")),
        "users": list(User.objects.order_by("email").values_list("email", "first_name")),
        "items": list(
            Item.objects.order_by("external_id").values_list("external_id", "title", "url")
        ),
        "queue": list(
            QueueItem.objects.order_by("organisation__slug", "url_key").values_list(
                "organisation__slug", "url_key", "status", "created_at"
            )
        ),
        "entries": list(
            InboxEntry.objects.order_by(
                "membership__user__email", "queue_item__url_key"
            ).values_list("membership__user__email", "queue_item__url_key", "read_at")
        ),
        "triages": list(
            Triage.objects.order_by("membership__user__email", "queue_item__url_key").values_list(
                "membership__user__email", "queue_item__url_key", "verdict", "rating"
            )
        ),
        "reactions": list(
            Reaction.objects.order_by("membership__user__email", "created_at").values_list(
                "membership__user__email", "status", "posted_url"
            )
        ),
    }


def test_counts_match_the_flags_and_the_data_hangs_together():
    output = run()
    assert "password of every seeded login" in output
    assert Organisation.objects.count() == 3
    assert Membership.objects.filter(role=Role.PARTICIPANT).count() == 24
    assert Membership.objects.filter(role=Role.COACH).count() == 3
    assert Item.objects.count() == 600
    assert Source.objects.count() == 12
    assert QueueItem.objects.count() == 150
    assert Triage.objects.count() == 90
    assert QueueMatch.objects.count() >= 150
    # Every queue item is routed to participants of its own organisation, at most 4 each.
    per_item = InboxEntry.objects.values("queue_item").annotate(n=Count("*"))
    assert max(row["n"] for row in per_item) <= 4
    assert not InboxEntry.objects.exclude(
        membership__organisation=F("queue_item__organisation")
    ).exists()
    # A decision is always on an item routed to the one deciding.
    for triage in Triage.objects.all()[:30]:
        assert InboxEntry.objects.filter(
            queue_item=triage.queue_item, membership=triage.membership
        ).exists()
    assert Activity.objects.filter(kind="item_reviewed").count() == 90
    assert ReactionRevision.objects.count() >= Reaction.objects.count()
    # Items of the last 30 days are open, older ones expired.
    assert QueueItem.objects.filter(status="open").exists()


def test_same_seed_same_data_and_a_second_run_is_refused():
    run()
    first = fingerprint()
    with pytest.raises(CommandError):
        run()
    # Start over on an empty database: identical.
    for model in (Organisation, User, Source):
        model.objects.all().delete()
    run()
    assert fingerprint() == first
    for model in (Organisation, User, Source):
        model.objects.all().delete()
    run("--seed", "2")
    assert fingerprint()["triages"] != first["triages"]


def test_seeded_participant_can_use_the_inbox(client):
    run()
    user_id, email, slug = seeding.participant_logins(1)[0]
    client.force_login(User.objects.get(pk=user_id))
    response = client.get(reverse("inbox", kwargs={"org": slug}))
    assert response.status_code == 200
    assert email.startswith("p00001@")
