"""The content-ideas backlog: who sees it, its filters, its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from coaching.models import Verdict
from coaching.triage import triage_record
from coaching.views import csv_cell
from onboarding.models import Role
from tests.factories import MembershipFactory, TopicFactory, TriageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ideas(participant, colleague, put_in_inbox, org, topic):
    care = TopicFactory(organisation=org, name="Care")
    blog = put_in_inbox(participant, title="Blog-worthy story")
    triage_record(
        membership=participant,
        queue_item=blog.queue_item,
        verdict=Verdict.CONTENT_IDEA,
        content_for="blog",
        rating=5,
        note='=HYPERLINK("http://evil")',
    )
    letter = put_in_inbox(colleague, title="Newsletter story", topics=[care])
    triage_record(
        membership=colleague,
        queue_item=letter.queue_item,
        verdict=Verdict.CONTENT_IDEA,
        content_for="newsletter",
        note="short item",
    )
    keep = put_in_inbox(participant, title="Just interesting")
    triage_record(membership=participant, queue_item=keep.queue_item, verdict=Verdict.INTERESTING)
    return care


def url(name, **params):
    from urllib.parse import urlencode

    base = reverse(name, kwargs={"org": "acme"})
    return f"{base}?{urlencode(params)}" if params else base


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.COACH, Role.MANAGER, Role.ADMIN])
def test_every_member_sees_the_backlog(client, org, ideas, role):
    member = MembershipFactory(organisation=org, role=role)
    client.force_login(member.user)
    page = client.get(url("content_ideas")).content.decode()
    assert "Blog-worthy story" in page and "Newsletter story" in page
    assert "Just interesting" not in page
    assert "Anna" in page and "Sanne" in page


def test_backlog_of_another_organisation_is_404(client, ideas):
    outsider = MembershipFactory(role=Role.COACH)
    client.force_login(outsider.user)
    assert client.get(url("content_ideas")).status_code == 404
    assert client.get(url("content_ideas_export")).status_code == 404


def test_filters_by_kind_and_topic(client, participant, ideas):
    client.force_login(participant.user)
    page = client.get(url("content_ideas", content_for="newsletter")).content.decode()
    assert "Newsletter story" in page and "Blog-worthy story" not in page
    page = client.get(url("content_ideas", topic=ideas.pk)).content.decode()
    assert "Newsletter story" in page and "Blog-worthy story" not in page


def test_csv_export_escapes_and_defuses_formulas(client, participant, ideas):
    client.force_login(participant.user)
    response = client.get(url("content_ideas_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["decided", "for", "title"]
    by_title = {row[2]: row for row in rows[1:]}
    assert set(by_title) == {"Blog-worthy story", "Newsletter story"}
    blog = by_title["Blog-worthy story"]
    assert blog[1] == "blog" and blog[7] == "5" and blog[6] == "Anna"
    assert blog[8] == '\'=HYPERLINK("http://evil")'  # quoted: not run as a formula
    assert blog[5] == "Recruitment"
    filtered = client.get(url("content_ideas_export", content_for="newsletter"))
    rows = list(csv.reader(io.StringIO(b"".join(filtered.streaming_content).decode())))
    assert [row[2] for row in rows[1:]] == ["Newsletter story"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31 6", "'+31 6"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("plain, with comma", "plain, with comma"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_backlog_query_count_is_constant(
    client, participant, put_in_inbox, django_assert_max_num_queries
):
    def add(n):
        for i in range(n):
            entry = put_in_inbox(participant, title=f"Idea {i}")
            TriageFactory(
                queue_item=entry.queue_item,
                membership=participant,
                verdict=Verdict.CONTENT_IDEA,
                content_for="blog",
            )

    client.force_login(participant.user)
    add(2)
    with django_assert_max_num_queries(30) as small:
        client.get(url("content_ideas"))
    add(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url("content_ideas")).content.decode()
    assert page.count("Recruitment</span>") == 32
