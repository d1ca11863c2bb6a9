"""One-key decisions: the service's contract, the HTMX partial, the plain-form fallback."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import Activity, ActivityKind, Reaction, Triage, Verdict
from coaching.records import CoachingError
from coaching.triage import triage_record
from monitoring.models import QueueStatus
from tests.factories import CoachingSessionFactory, QueueItemFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def triage_url(entry):
    return reverse("inbox_triage", kwargs={"org": "acme", "qi": entry.queue_item_id})


# --- the service ------------------------------------------------------------------------------


def test_triage_record_creates_one_decision_and_marks_read(participant, put_in_inbox):
    entry = put_in_inbox(participant)
    triage = triage_record(
        membership=participant, queue_item=entry.queue_item, verdict=Verdict.INTERESTING, rating=4
    )
    assert (triage.verdict, triage.rating, triage.content_for) == ("interesting", 4, "")
    entry.refresh_from_db()
    assert entry.read_at is not None
    kinds = sorted(Activity.objects.filter(membership=participant).values_list("kind", flat=True))
    assert kinds == sorted(
        [ActivityKind.ITEM_REVIEWED, ActivityKind.ITEM_SAVED, ActivityKind.ITEM_RATED]
    )


def test_triage_record_twice_updates_the_same_row(participant, put_in_inbox):
    entry = put_in_inbox(participant)
    triage_record(membership=participant, queue_item=entry.queue_item, verdict=Verdict.NOT_RELEVANT)
    triage = triage_record(
        membership=participant,
        queue_item=entry.queue_item,
        verdict=Verdict.CONTENT_IDEA,
        content_for="newsletter",
        note="for the May issue",
    )
    assert Triage.objects.count() == 1
    assert (triage.verdict, triage.content_for, triage.note) == (
        "content_idea",
        "newsletter",
        "for the May issue",
    )
    reviewed = Activity.objects.filter(membership=participant, kind=ActivityKind.ITEM_REVIEWED)
    assert reviewed.count() == 1


def test_content_idea_defaults_to_blog_and_other_verdicts_drop_it(participant, put_in_inbox):
    entry = put_in_inbox(participant)
    idea = triage_record(
        membership=participant, queue_item=entry.queue_item, verdict=Verdict.CONTENT_IDEA
    )
    assert idea.content_for == "blog"
    keep = triage_record(
        membership=participant,
        queue_item=entry.queue_item,
        verdict=Verdict.INTERESTING,
        content_for="blog",
    )
    assert keep.content_for == ""


@pytest.mark.parametrize(
    "kwargs",
    [
        {"verdict": "maybe"},
        {"verdict": Verdict.INTERESTING, "rating": 6},
        {"verdict": Verdict.CONTENT_IDEA, "content_for": "podcast"},
    ],
)
def test_triage_record_refuses_bad_values(participant, put_in_inbox, kwargs):
    entry = put_in_inbox(participant)
    with pytest.raises(CoachingError):
        triage_record(membership=participant, queue_item=entry.queue_item, **kwargs)
    assert not Triage.objects.exists()


def test_triage_record_refuses_items_not_routed_or_not_open(participant, colleague, put_in_inbox):
    theirs = put_in_inbox(colleague)
    with pytest.raises(CoachingError):
        triage_record(
            membership=participant, queue_item=theirs.queue_item, verdict=Verdict.INTERESTING
        )
    mine = put_in_inbox(participant)
    mine.queue_item.status = QueueStatus.DONE
    mine.queue_item.save()
    with pytest.raises(CoachingError):
        triage_record(
            membership=participant, queue_item=mine.queue_item, verdict=Verdict.INTERESTING
        )


def test_triage_in_a_session_is_recorded_with_it(participant, coach, put_in_inbox):
    entry = put_in_inbox(participant)
    session = CoachingSessionFactory(participant=participant, coach=coach)
    triage = triage_record(
        membership=participant,
        queue_item=entry.queue_item,
        verdict=Verdict.REACT,
        session=session,
    )
    assert triage.session == session
    other = CoachingSessionFactory(coach=coach)  # a session of another participant
    with pytest.raises(CoachingError):
        triage_record(
            membership=participant,
            queue_item=entry.queue_item,
            verdict=Verdict.REACT,
            session=other,
        )


# --- the views --------------------------------------------------------------------------------


def test_htmx_triage_returns_the_item_partial(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    response = client.post(
        triage_url(entry), {"choice": "blog_idea", "rating": "3", "note": "nice"}, **HTMX
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<article")
    assert "<html" not in body
    assert 'class="inbox-item is-triaged' in body
    assert 'value="blog_idea" data-key="b" class="triage-blog_idea" aria-pressed="true"' in body
    assert "blog idea" in body
    # The count of items to review is swapped out of band.
    assert '<span id="todo-count" hx-swap-oob="true">0 items to review</span>' in body
    triage = Triage.objects.get()
    assert (triage.verdict, triage.content_for, triage.rating, triage.note) == (
        "content_idea",
        "blog",
        3,
        "nice",
    )


def test_plain_form_triage_redirects_back_to_the_inbox(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    back = reverse("inbox", kwargs={"org": "acme"}) + "?sort=relevant"
    response = client.post(triage_url(entry), {"choice": "not_relevant", "next": back})
    assert response.status_code == 302
    assert response.url == f"{back}#item-{entry.queue_item_id}"
    assert Triage.objects.get().verdict == "not_relevant"


def test_plain_form_refuses_an_outside_next(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    response = client.post(
        triage_url(entry), {"choice": "interesting", "next": "https://evil.example/"}
    )
    assert response.url.startswith(reverse("inbox", kwargs={"org": "acme"}))


def test_react_opens_the_composer(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    response = client.post(triage_url(entry), {"choice": "react"}, **HTMX)
    reaction = Reaction.objects.get()
    composer = reverse("reaction_detail", kwargs={"org": "acme", "pk": reaction.pk})
    assert response["HX-Redirect"] == composer
    assert reaction.queue_item == entry.queue_item and reaction.status == "draft"
    # Without JavaScript: a redirect, and the same draft (not a second one).
    response = client.post(triage_url(entry), {"choice": "react"})
    assert response.status_code == 302 and response.url == composer
    assert Reaction.objects.count() == 1


def test_invalid_choice_keeps_the_item_and_says_so(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    response = client.post(triage_url(entry), {"choice": "later"}, **HTMX)
    assert response.status_code == 200
    assert "Choose one of the answers." in response.content.decode()
    assert not Triage.objects.exists()


def test_triaging_an_item_of_another_participant_is_404(
    client, participant, colleague, put_in_inbox
):
    theirs = put_in_inbox(colleague)
    client.force_login(participant.user)
    assert client.post(triage_url(theirs), {"choice": "interesting"}).status_code == 404
    foreign = QueueItemFactory()
    url = reverse("inbox_triage", kwargs={"org": "acme", "qi": foreign.pk})
    assert client.post(url, {"choice": "interesting"}).status_code == 404
    assert not Triage.objects.exists()


def test_triage_needs_post(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    assert client.get(triage_url(entry)).status_code == 405
