"""X searches against a local fake of the v2 recent search endpoint (never the real API)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Request, Response

from monitoring.models import Item, QueueItem, Source, SourceKind, Subscription
from monitoring.pipeline import source_poll
from tests.monitoring.builders import monitored_organisation

pytestmark = pytest.mark.django_db

TOKEN = "test-bearer-token"
SEARCH = "/2/tweets/search/recent"


class FakeX:
    """The recent search endpoint: newest first, ``since_id``, ``max_results``, ``next_token``,
    bearer authentication, and the author expansion."""

    def __init__(self) -> None:
        self.tweets: list[dict] = []
        self.requests: list[dict] = []
        self.override: Response | None = None
        self.oldest_since_id = 0

    def post(self, count: int, *, text: str = "Nieuws over zorg en welzijn", first_id: int = 0):
        start = first_id or (max((int(t["id"]) for t in self.tweets), default=1000) + 1)
        now = timezone.now()
        for n in range(count):
            self.tweets.append(
                {
                    "id": str(start + n),
                    "text": f"{text} #{start + n}",
                    "author_id": str(50 + n % 3),
                    "created_at": (now - timedelta(minutes=count - n)).isoformat(),
                }
            )

    def __call__(self, request: Request) -> Response:
        self.requests.append(
            {"args": dict(request.args), "authorization": request.headers.get("Authorization")}
        )
        if self.override is not None:
            return self.override
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response('{"title": "Unauthorized"}', status=401)
        since = int(request.args.get("since_id", "0"))
        if request.args.get("since_id") and since < self.oldest_since_id:
            return Response('{"title": "Invalid Request"}', status=400)
        size = int(request.args["max_results"])
        offset = int(request.args.get("next_token", "page0").removeprefix("page"))
        matching = sorted(
            (t for t in self.tweets if int(t["id"]) > since), key=lambda t: -int(t["id"])
        )
        page = matching[offset : offset + size]
        meta: dict = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
        if offset + size < len(matching):
            meta["next_token"] = f"page{offset + size}"
        body: dict = {"meta": meta}
        if page:
            body["data"] = page
            authors = sorted({t["author_id"] for t in page})
            body["includes"] = {
                "users": [{"id": a, "username": f"user{a}", "name": f"User {a}"} for a in authors]
            }
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def fake_x(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    settings.SPRINGPLANK_X_API_BASE = f"http://127.0.0.1:{httpserver.port}"
    settings.SPRINGPLANK_X_BEARER_TOKEN = TOKEN
    settings.SPRINGPLANK_FETCH_DEADLINE = 5
    fake = FakeX()
    httpserver.expect_request(SEARCH).respond_with_handler(fake)
    return fake


@pytest.fixture
def x_source():
    organisation = monitored_organisation({"Zorg": "zorg OR welzijn"}, language="nl")
    query = "(zorg OR welzijn) lang:nl -is:retweet"
    source = Source.objects.create(
        kind=SourceKind.X_SEARCH,
        key=f"x:{query}",
        url="https://x.com/search?q=zorg&f=live",
        config={"query": query},
    )
    Subscription.objects.create(
        organisation=organisation,
        source=source,
        topic=organisation.topics.get(),
    )
    return source


def test_poll_stores_posts_and_queues_them(fake_x, x_source):
    fake_x.post(3)

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "ok", outcome.error
    assert outcome.new_items == 3 and outcome.queued == 3
    request = fake_x.requests[0]
    assert request["authorization"] == f"Bearer {TOKEN}"
    assert request["args"]["query"] == "(zorg OR welzijn) lang:nl -is:retweet"
    assert request["args"]["max_results"] == "100"
    assert request["args"]["tweet.fields"] == "created_at,author_id"
    assert request["args"]["expansions"] == "author_id"
    assert "since_id" not in request["args"]
    newest = Item.objects.get(url__endswith="/status/1003")
    assert newest.url == "https://x.com/user52/status/1003"
    assert newest.author == "@user52"
    assert newest.title == "Nieuws over zorg en welzijn #1003"
    assert newest.summary == "<p>Nieuws over zorg en welzijn #1003</p>"
    assert newest.published_at is not None
    x_source.refresh_from_db()
    assert x_source.cursor == "1003"
    assert x_source.error_count == 0
    assert QueueItem.objects.count() == 3


def test_second_poll_sends_since_id_and_gets_only_new_posts(fake_x, x_source):
    fake_x.post(2)
    source_poll(source_id=x_source.pk)
    fake_x.post(1, text="Meer over zorg")

    outcome = source_poll(source_id=x_source.pk)

    assert fake_x.requests[-1]["args"]["since_id"] == "1002"
    assert outcome.new_items == 1
    assert Item.objects.count() == 3
    x_source.refresh_from_db()
    assert x_source.cursor == "1003"


def test_poll_without_new_posts_keeps_the_cursor(fake_x, x_source):
    fake_x.post(2)
    source_poll(source_id=x_source.pk)

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "ok" and outcome.new_items == 0
    x_source.refresh_from_db()
    assert x_source.cursor == "1002"


def test_pagination_follows_next_token_up_to_three_pages(fake_x, x_source, settings):
    settings.SPRINGPLANK_MAX_ENTRIES_PER_POLL = 1000
    fake_x.post(350)

    outcome = source_poll(source_id=x_source.pk)

    assert [r["args"].get("next_token") for r in fake_x.requests] == [None, "page100", "page200"]
    assert outcome.new_items == 300
    x_source.refresh_from_db()
    assert x_source.cursor == "1350"  # the newest: a backlog beyond the bound is skipped


def test_pagination_stops_at_the_entries_per_poll_limit(fake_x, x_source, settings):
    settings.SPRINGPLANK_MAX_ENTRIES_PER_POLL = 150
    fake_x.post(350)

    outcome = source_poll(source_id=x_source.pk)

    assert len(fake_x.requests) == 2
    assert outcome.new_items == 150
    assert Item.objects.filter(url__endswith="/status/1350").exists()


def test_rate_limit_backs_the_source_off_until_the_reset(fake_x, x_source):
    now = timezone.now().replace(microsecond=0)
    reset = int(now.timestamp()) + 3600
    fake_x.override = Response(
        '{"title": "Too Many Requests"}', status=429, headers={"x-rate-limit-reset": str(reset)}
    )
    x_source.cursor = "999"
    x_source.save()

    outcome = source_poll(source_id=x_source.pk, now=now)

    assert outcome.status == "rate_limited"
    x_source.refresh_from_db()
    assert x_source.last_status == "rate_limited"
    assert "rate limit" in x_source.last_error
    assert x_source.error_count == 1
    assert x_source.next_poll_at >= now + timedelta(seconds=3600)
    assert x_source.disabled_at is None
    assert x_source.cursor == "999"


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_credentials_are_reported_clearly(fake_x, x_source, status):
    fake_x.override = Response('{"title": "Unauthorized"}', status=status)

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "credentials_rejected"
    x_source.refresh_from_db()
    assert "rejected the credentials" in x_source.last_error
    assert "SPRINGPLANK_X_BEARER_TOKEN" in x_source.last_error
    assert TOKEN not in x_source.last_error


def test_wrong_token_is_rejected_by_the_fake_and_reported(fake_x, x_source, settings):
    settings.SPRINGPLANK_X_BEARER_TOKEN = "not-the-token"
    assert source_poll(source_id=x_source.pk).status == "credentials_rejected"


@pytest.mark.parametrize(
    "body", ["<html>Service unavailable</html>", "[1, 2, 3]", '{"data": "not a list"}']
)
def test_malformed_responses_are_errors_not_crashes(fake_x, x_source, body):
    fake_x.override = Response(body, content_type="application/json")

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "bad_response"
    x_source.refresh_from_db()
    assert x_source.error_count == 1 and x_source.cursor == ""


def test_malformed_posts_are_skipped(fake_x, x_source):
    fake_x.override = Response(
        json.dumps(
            {
                "data": [
                    {"id": "abc", "text": "zorg"},
                    {"id": "2001", "text": {"not": "text"}},
                    {"id": "2002", "text": "Goede zorg", "created_at": "not a date"},
                ],
                "meta": {"result_count": 3, "newest_id": "2002"},
            }
        ),
        content_type="application/json",
    )

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.new_items == 1
    item = Item.objects.get()
    assert item.url == "https://x.com/i/web/status/2002"  # no author expansion: the id link
    assert item.published_at is None


def test_not_configured_fails_clearly_without_calling_the_api(fake_x, x_source, settings):
    settings.SPRINGPLANK_X_BEARER_TOKEN = ""

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "not_configured"
    assert fake_x.requests == []
    x_source.refresh_from_db()
    assert "SPRINGPLANK_X_BEARER_TOKEN" in x_source.last_error


def test_stale_cursor_refused_by_x_starts_again_from_now(fake_x, x_source):
    fake_x.post(2)
    fake_x.oldest_since_id = 900  # X refuses a since_id older than its search window
    x_source.cursor = "5"
    x_source.save()

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "ok"
    assert [r["args"].get("since_id") for r in fake_x.requests] == ["5", None]
    x_source.refresh_from_db()
    assert x_source.cursor == "1002"


def test_bad_query_is_reported(fake_x, x_source):
    fake_x.override = Response('{"title": "Invalid Request"}', status=400)

    assert source_poll(source_id=x_source.pk).status == "bad_query"


def test_redirects_are_refused_so_the_token_never_follows_one(fake_x, x_source, httpserver):
    fake_x.override = Response("", status=302, headers={"Location": "/elsewhere"})

    outcome = source_poll(source_id=x_source.pk)

    assert outcome.status == "too_many_redirects"
    assert len(fake_x.requests) == 1
    assert all(request.path != "/elsewhere" for request, _response in httpserver.log)
