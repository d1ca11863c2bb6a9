"""The participant's inbox: what it shows, in which order, filtered, paginated, in constant
queries, and the colleague awareness that keeps two people from posting the same thing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import inbox_selectors
from coaching.highlight import compile_terms, highlight_html, highlight_text
from coaching.inbox_selectors import InboxFilters
from coaching.models import DigestFrequency, Verdict
from monitoring.models import InboxEntry, QueueStatus
from onboarding.models import Role
from tests.factories import (
    MembershipFactory,
    ReactionFactory,
    SourceFactory,
    SubscriptionFactory,
    TopicFactory,
    TriageFactory,
)

pytestmark = pytest.mark.django_db


def inbox_url(org, **params):
    from urllib.parse import urlencode

    url = reverse("inbox", kwargs={"org": org.slug})
    return f"{url}?{urlencode(params)}" if params else url


# --- highlighting -----------------------------------------------------------------------------


def test_terms_are_marked_on_word_boundaries_case_and_accent_insensitively():
    patterns = compile_terms(['"social media"', "recruit*", "patiënt", "intitle:zorg", "site:x.nl"])
    html = highlight_text(
        "Social Media helps RECRUITERS reach Patient care (zorg), not media", patterns
    )
    assert html == (
        "<mark>Social Media</mark> helps <mark>RECRUITERS</mark> reach <mark>Patient</mark> "
        "care (<mark>zorg</mark>), not media"
    )


def test_accented_text_is_marked_where_it_is_written():
    patterns = compile_terms(["patient", "social", '"social media"'])
    html = highlight_text("Zorg voor de PATIËNT — Social Media, patiënten", patterns)
    assert html == "Zorg voor de <mark>PATIËNT</mark> — <mark>Social Media</mark>, patiënten"
    assert highlight_text("Social Media", patterns) == "<mark>Social Media</mark>"


def test_title_highlighting_escapes_everything_else():
    patterns = compile_terms(["media"])
    html = highlight_text('<script>alert("x")</script> media & more', patterns)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<mark>media</mark> &amp; more" in html


def test_summary_highlighting_touches_text_nodes_only():
    patterns = compile_terms(["href", "media", "strong"])
    summary = (
        '<p>Read <a href="https://media.example/x" rel="noopener">media news</a> &amp; '
        "<strong>more</strong> &lt;b&gt;</p>"
    )
    html = highlight_html(summary, patterns)
    # The attribute keeps its value (no <mark> inside a tag) and the tags are copied as written.
    assert '<a href="https://media.example/x" rel="noopener"><mark>media</mark> news</a>' in html
    assert "<strong>more</strong>" in html
    # Escaped text stays escaped: no new markup appears from text.
    assert "&lt;b&gt;" in html
    assert "<b>" not in html


def test_summary_without_hits_is_returned_as_stored():
    summary = "<p>Nothing <em>here</em></p>"
    assert highlight_html(summary, compile_terms(["absent"])) == summary


# --- what the inbox shows --------------------------------------------------------------------


def test_inbox_lists_open_items_routed_to_the_participant(
    client, participant, colleague, put_in_inbox
):
    mine = put_in_inbox(participant, title="Social media for recruiters")
    put_in_inbox(colleague, title="Only for Sanne")
    closed = put_in_inbox(participant, title="Old news about social media")
    closed.queue_item.status = QueueStatus.EXPIRED
    closed.queue_item.save()

    client.force_login(participant.user)
    response = client.get(inbox_url(participant.organisation))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Social media</mark> for recruiters" in page
    assert "Only for Sanne" not in page
    assert "Old news" not in page
    assert "HR Blog" in page  # the source
    assert "Recruitment" in page  # the topic it matched: why it is here
    assert "How recruiters use <mark>social media</mark>." in page  # summary, highlighted
    open_url = reverse("inbox_open", kwargs={"org": "acme", "qi": mine.queue_item_id})
    assert f'href="{open_url}" target="_blank" rel="noopener noreferrer"' in page
    assert "1 item to review" in page


def test_unsanitised_looking_title_is_escaped_in_the_page(client, participant, put_in_inbox):
    put_in_inbox(participant, title='<img src=x onerror="alert(1)"> social media')
    client.force_login(participant.user)
    page = client.get(inbox_url(participant.organisation)).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


def test_newest_first_then_most_relevant_first(participant, put_in_inbox, topic, org):
    other_topic = TopicFactory(organisation=org, name="Employer branding")
    now = timezone.now()
    old_rich = put_in_inbox(
        participant,
        title="Old but relevant",
        terms=["social media", "recruit*"],
        topics=[topic, other_topic],
        created_at=now - dt.timedelta(days=3),
    )
    middle = put_in_inbox(participant, title="Middle", created_at=now - dt.timedelta(days=2))
    new = put_in_inbox(participant, title="New", created_at=now - dt.timedelta(days=1))

    newest = inbox_selectors.inbox_for(participant, InboxFilters())
    assert [r.entry.pk for r in newest.rows] == [new.pk, middle.pk, old_rich.pk]
    relevant = inbox_selectors.inbox_for(participant, InboxFilters(sort="relevant"))
    assert [r.entry.pk for r in relevant.rows] == [old_rich.pk, new.pk, middle.pk]


def test_filters_by_topic_source_read_and_state(participant, put_in_inbox, org, topic):
    other_topic = TopicFactory(organisation=org, name="Care")
    other_source = SourceFactory(title="Care News")
    SubscriptionFactory(organisation=org, source=other_source)
    a = put_in_inbox(participant, title="A")
    b = put_in_inbox(participant, title="B", topics=[other_topic], item_source=other_source)
    b.read_at = timezone.now()
    b.save()
    c = put_in_inbox(participant, title="C")
    TriageFactory(queue_item=c.queue_item, membership=participant)

    def ids(**filters):
        return {
            r.entry.pk for r in inbox_selectors.inbox_for(participant, InboxFilters(**filters)).rows
        }

    assert ids() == {a.pk, b.pk}  # to review: C is decided
    assert ids(state="triaged") == {c.pk}
    assert ids(state="all") == {a.pk, b.pk, c.pk}
    assert ids(topic=other_topic.pk) == {b.pk}
    assert ids(topic=topic.pk, state="all") == {a.pk, c.pk}
    assert ids(source=other_source.pk) == {b.pk}
    assert ids(read="unread") == {a.pk}
    assert ids(read="read") == {b.pk}


def test_filter_parameters_from_the_page(client, participant, put_in_inbox, org):
    other_topic = TopicFactory(organisation=org, name="Care")
    put_in_inbox(participant, title="About recruiting")
    put_in_inbox(participant, title="About care", topics=[other_topic])
    client.force_login(participant.user)
    page = client.get(inbox_url(org, topic=other_topic.pk)).content.decode()
    assert "About care" in page and "About recruiting" not in page
    # A topic of another organisation is not a valid choice and is ignored.
    foreign = TopicFactory(name="Elsewhere")
    page = client.get(
        inbox_url(org, topic=foreign.pk, sort="nonsense", after="x.y")
    ).content.decode()
    assert "About care" in page and "About recruiting" in page


def test_keyset_pagination_walks_every_item_once(client, participant, put_in_inbox, monkeypatch):
    monkeypatch.setattr(inbox_selectors, "PAGE_SIZE", 3)
    now = timezone.now()
    # Two items share a timestamp: the id breaks the tie.
    entries = [
        put_in_inbox(participant, title=f"Story {i}", created_at=now - dt.timedelta(hours=i // 2))
        for i in range(8)
    ]
    for sort in ("newest", "relevant"):
        seen, cursor = [], ""
        for _ in range(5):
            page = inbox_selectors.inbox_for(participant, InboxFilters(sort=sort, cursor=cursor))
            seen += [r.entry.pk for r in page.rows]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert sorted(seen) == sorted(e.pk for e in entries)
        assert len(seen) == len(set(seen))

    client.force_login(participant.user)
    first = client.get(inbox_url(participant.organisation)).content.decode()
    assert 'rel="next"' in first
    cursor = inbox_selectors.inbox_for(participant, InboxFilters()).next_cursor
    second = client.get(inbox_url(participant.organisation, after=cursor)).content.decode()
    # Ties on time are broken by id, newest id first: page 1 is 1, 0, 3.
    assert "Story 2" in second and "Story 0" not in second and "Story 3" not in second
    assert "Back to the start" in second


def test_opening_the_original_marks_read_and_redirects(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    client.force_login(participant.user)
    response = client.get(reverse("inbox_open", kwargs={"org": "acme", "qi": entry.queue_item_id}))
    assert response.status_code == 302
    assert response.url == entry.queue_item.item.url
    assert response["Referrer-Policy"] == "no-referrer"
    entry.refresh_from_db()
    assert entry.read_at is not None


def test_opening_an_item_of_someone_else_is_404(client, participant, colleague, put_in_inbox):
    theirs = put_in_inbox(colleague)
    client.force_login(participant.user)
    url = reverse("inbox_open", kwargs={"org": "acme", "qi": theirs.queue_item_id})
    assert client.get(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_is_for_participants_of_this_organisation_only(client, participant, coach):
    client.force_login(coach.user)
    assert client.get(inbox_url(participant.organisation)).status_code == 403
    outsider = MembershipFactory(role=Role.PARTICIPANT)
    client.force_login(outsider.user)
    assert client.get(inbox_url(participant.organisation)).status_code == 404


# --- colleague awareness ----------------------------------------------------------------------


def test_colleagues_plans_are_shown(client, participant, colleague, put_in_inbox, org):
    bram = MembershipFactory(organisation=org, role=Role.PARTICIPANT, user__first_name="Bram")
    dirk = MembershipFactory(organisation=org, role=Role.PARTICIPANT, user__first_name="Dirk")
    reacting = put_in_inbox(participant, title="Reacting one", also=(colleague,))
    ReactionFactory(membership=colleague, queue_item=reacting.queue_item, status="draft")
    idea = put_in_inbox(participant, title="Idea one", also=(bram,))
    TriageFactory(
        queue_item=idea.queue_item,
        membership=bram,
        verdict=Verdict.CONTENT_IDEA,
        content_for="blog",
    )
    newsletter = put_in_inbox(participant, title="Newsletter one", also=(dirk,))
    TriageFactory(
        queue_item=newsletter.queue_item,
        membership=dirk,
        verdict=Verdict.CONTENT_IDEA,
        content_for="newsletter",
    )
    quiet = put_in_inbox(participant, title="Quiet one", also=(colleague,))
    ReactionFactory(membership=colleague, queue_item=quiet.queue_item, status="abandoned")
    TriageFactory(queue_item=quiet.queue_item, membership=colleague, verdict=Verdict.NOT_RELEVANT)

    rows = {r.item.title: r for r in inbox_selectors.inbox_for(participant, InboxFilters()).rows}
    assert [c.message for c in rows["Reacting one"].colleagues] == ["Sanne is reacting to this"]
    assert [c.message for c in rows["Idea one"].colleagues] == ["Bram marked this as a blog idea"]
    assert [c.message for c in rows["Newsletter one"].colleagues] == [
        "Dirk marked this as a newsletter idea"
    ]
    assert rows["Quiet one"].colleagues == []

    client.force_login(participant.user)
    page = client.get(inbox_url(org)).content.decode()
    assert "Sanne is reacting to this" in page
    assert "Bram marked this as a blog idea" in page


def test_colleagues_of_another_organisation_are_not_shown(participant, put_in_inbox):
    entry = put_in_inbox(participant)
    stranger = MembershipFactory(role=Role.PARTICIPANT, user__first_name="Stranger")
    TriageFactory(queue_item=entry.queue_item, membership=stranger, verdict=Verdict.REACT)
    rows = inbox_selectors.inbox_for(participant, InboxFilters()).rows
    assert rows[0].colleagues == []


def test_own_draft_is_linked_from_the_item(client, participant, put_in_inbox):
    entry = put_in_inbox(participant)
    reaction = ReactionFactory(membership=participant, queue_item=entry.queue_item)
    client.force_login(participant.user)
    page = client.get(inbox_url(participant.organisation)).content.decode()
    assert reverse("reaction_detail", kwargs={"org": "acme", "pk": reaction.pk}) in page
    assert "Continue your reaction" in page


# --- constant queries -------------------------------------------------------------------------


def _fill(participant, colleague, put_in_inbox, count):
    for i in range(count):
        entry = put_in_inbox(participant, title=f"Story {i}", also=(colleague,))
        if i % 3 == 0:
            ReactionFactory(membership=colleague, queue_item=entry.queue_item)
        if i % 4 == 0:
            TriageFactory(
                queue_item=entry.queue_item,
                membership=colleague,
                verdict=Verdict.CONTENT_IDEA,
                content_for="blog",
            )


@pytest.mark.parametrize("sort", ["newest", "relevant"])
def test_inbox_query_count_is_constant(
    client, participant, colleague, put_in_inbox, django_assert_max_num_queries, sort
):
    client.force_login(participant.user)
    # The first page of a visit records the organisation in the session; measure the pages
    # after it.
    client.get(inbox_url(participant.organisation))
    _fill(participant, colleague, put_in_inbox, 10)
    with django_assert_max_num_queries(20) as small:
        assert client.get(inbox_url(participant.organisation, sort=sort)).status_code == 200
    _fill(participant, colleague, put_in_inbox, 190)
    assert InboxEntry.objects.filter(membership=participant).count() == 200
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(inbox_url(participant.organisation, sort=sort, state="all"))
    assert response.status_code == 200
    assert response.content.decode().count("data-item ") == inbox_selectors.PAGE_SIZE
    assert len(large.captured_queries) == len(small.captured_queries)


# --- digest preference ------------------------------------------------------------------------


def test_digest_setting_page(client, participant):
    client.force_login(participant.user)
    url = reverse("digest_settings", kwargs={"org": "acme"})
    assert "E-mail digest" in client.get(url).content.decode()
    response = client.post(url, {"frequency": DigestFrequency.WEEKLY})
    assert response.status_code == 302
    assert participant.digest_preference.frequency == DigestFrequency.WEEKLY
    assert "checked" in client.get(url).content.decode().split('value="weekly"')[1][:40]
    page = client.get(inbox_url(participant.organisation)).content.decode()
    assert url in page  # the inbox links to the setting
