"""Mastodon hashtags against a local fake of an instance's public tag timeline."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from werkzeug import Request, Response

from monitoring.kinds import mastodon
from monitoring.models import Item, QueueItem, Source, SourceKind, Subscription
from monitoring.pipeline import source_poll
from tests.monitoring.builders import monitored_organisation

pytestmark = pytest.mark.django_db

TAG_PATH = "/api/v1/timelines/tag/zorg"


class FakeInstance:
    """``/api/v1/timelines/tag/<tag>``: newest first, ``limit``, ``since_id``, ``max_id``, and
    a Link header whose "next" page goes older with ``max_id`` (and, like Mastodon, does not
    repeat ``since_id``)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.statuses: list[dict] = []
        self.requests: list[dict] = []
        self.override: Response | None = None

    def post(self, count: int, *, text: str = "Goede <b>zorg</b> in de wijk") -> None:
        start = max((int(s["id"]) for s in self.statuses), default=100) + 1
        now = timezone.now()
        for n in range(count):
            status_id = start + n
            self.statuses.append(
                {
                    "id": str(status_id),
                    "uri": f"{self.base}/users/anna/statuses/{status_id}",
                    "url": f"{self.base}/@anna/{status_id}",
                    "created_at": (now - timedelta(minutes=count - n))
                    .astimezone(UTC)
                    .strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "content": f"<p>{text} #{status_id}</p><script>alert(1)</script>",
                    "spoiler_text": "",
                    "account": {"acct": "anna" if n % 2 else "bram@other.example"},
                }
            )

    def __call__(self, request: Request) -> Response:
        self.requests.append(dict(request.args))
        if self.override is not None:
            return self.override
        limit = int(request.args.get("limit", "20"))
        since = int(request.args.get("since_id", "0"))
        max_id = int(request.args.get("max_id", "0")) or None
        matching = sorted(
            (
                s
                for s in self.statuses
                if int(s["id"]) > since and (max_id is None or int(s["id"]) < max_id)
            ),
            key=lambda s: -int(s["id"]),
        )
        page = matching[:limit]
        headers = {}
        if page:
            older = urlencode({"limit": limit, "max_id": page[-1]["id"]})
            newer = urlencode({"limit": limit, "min_id": page[0]["id"]})
            headers["Link"] = (
                f'<{self.base}{request.path}?{older}>; rel="next", '
                f'<{self.base}{request.path}?{newer}>; rel="prev"'
            )
        return Response(json.dumps(page), content_type="application/json", headers=headers)


@pytest.fixture
def instance(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    settings.SPRINGPLANK_FETCH_DEADLINE = 5
    fake = FakeInstance(f"http://127.0.0.1:{httpserver.port}")
    httpserver.expect_request(TAG_PATH).respond_with_handler(fake)
    return fake


@pytest.fixture
def tag_source(instance):
    organisation = monitored_organisation({"Zorg": "zorg"})
    url = mastodon.tag_page_url(instance.base, "#Zorg")
    source = Source.objects.create(kind=SourceKind.MASTODON_TAG, key=url, url=url)
    Subscription.objects.create(
        organisation=organisation, source=source, topic=organisation.topics.get()
    )
    return source


def test_poll_stores_sanitised_posts_and_queues_them(instance, tag_source):
    instance.post(3)

    outcome = source_poll(source_id=tag_source.pk)

    assert outcome.status == "ok", outcome.error
    assert outcome.new_items == 3 and outcome.queued == 3
    assert instance.requests[0] == {"limit": "40"}
    item = Item.objects.get(url=f"{instance.base}/@anna/103")
    assert item.title == "Goede zorg in de wijk #103"
    assert "<script" not in item.summary and "alert" not in item.summary
    assert "<b>zorg</b>" in item.summary
    assert item.author == "@bram@other.example"
    assert Item.objects.get(url=f"{instance.base}/@anna/102").author == (
        "@anna@127.0.0.1"  # a local account is named with its instance
    )
    assert item.published_at is not None
    tag_source.refresh_from_db()
    assert tag_source.cursor == "103"
    assert QueueItem.objects.count() == 3


def test_external_id_is_the_hash_of_the_status_uri(instance, tag_source):
    import hashlib

    instance.post(1)
    source_poll(source_id=tag_source.pk)

    uri = instance.statuses[0]["uri"]
    assert Item.objects.get().external_id == hashlib.sha256(uri.encode()).hexdigest()


def test_second_poll_sends_since_id_and_gets_only_new_posts(instance, tag_source):
    instance.post(2)
    source_poll(source_id=tag_source.pk)
    instance.post(1)

    outcome = source_poll(source_id=tag_source.pk)

    assert instance.requests[-1] == {"limit": "40", "since_id": "102"}
    assert outcome.new_items == 1
    tag_source.refresh_from_db()
    assert tag_source.cursor == "103"


def test_pagination_follows_link_next_within_the_cursor_and_the_bound(instance, tag_source):
    instance.post(10)
    source_poll(source_id=tag_source.pk)  # cursor 110
    instance.post(100)  # 111..210: more than two full pages

    outcome = source_poll(source_id=tag_source.pk)

    assert len(instance.requests) == 4
    first, second, third = instance.requests[1:]
    assert first == {"limit": "40", "since_id": "110"}
    # Mastodon's next link drops since_id: the adapter adds it back.
    assert second == {"limit": "40", "max_id": "171", "since_id": "110"}
    assert third == {"limit": "40", "max_id": "131", "since_id": "110"}
    assert outcome.new_items == 100
    tag_source.refresh_from_db()
    assert tag_source.cursor == "210"


def test_pages_stop_at_the_bound(instance, tag_source):
    instance.post(200)

    outcome = source_poll(source_id=tag_source.pk)

    assert len(instance.requests) == 3
    assert outcome.new_items == 120


def test_next_link_to_another_host_is_not_followed(instance, tag_source):
    instance.post(40)
    page = sorted(instance.statuses, key=lambda s: -int(s["id"]))
    instance.override = Response(
        json.dumps(page),
        content_type="application/json",
        headers={"Link": '<https://elsewhere.example/api/v1/timelines/tag/zorg>; rel="next"'},
    )

    outcome = source_poll(source_id=tag_source.pk)

    assert outcome.status == "ok" and outcome.new_items == 40
    assert len(instance.requests) == 1


def test_rate_limit_backs_off_until_the_reset(instance, tag_source):
    now = timezone.now().replace(microsecond=0)
    reset = (now + timedelta(hours=2)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    instance.override = Response(
        '{"error": "Too many requests"}', status=429, headers={"X-RateLimit-Reset": reset}
    )

    outcome = source_poll(source_id=tag_source.pk, now=now)

    assert outcome.status == "rate_limited"
    tag_source.refresh_from_db()
    assert tag_source.error_count == 1
    assert "rate limit" in tag_source.last_error
    assert tag_source.next_poll_at >= now + timedelta(hours=2)
    assert tag_source.disabled_at is None


def test_unknown_tag_or_instance_404_is_a_clear_error(instance, tag_source):
    instance.override = Response('{"error": "Record not found"}', status=404)

    outcome = source_poll(source_id=tag_source.pk)

    assert outcome.status == "not_found"
    tag_source.refresh_from_db()
    assert "#zorg" in tag_source.last_error


def test_instance_that_requires_login_is_explained(instance, tag_source):
    instance.override = Response('{"error": "This method requires an authenticated user"}', 401)

    assert source_poll(source_id=tag_source.pk).status == "not_public"


@pytest.mark.parametrize("body", ["<html>maintenance</html>", '{"error": "not a list"}'])
def test_malformed_responses_are_errors(instance, tag_source, body):
    instance.override = Response(body, content_type="application/json")

    outcome = source_poll(source_id=tag_source.pk)

    assert outcome.status == "bad_response"
    tag_source.refresh_from_db()
    assert tag_source.cursor == "" and tag_source.error_count == 1


def test_malformed_statuses_are_skipped(instance, tag_source):
    instance.override = Response(
        json.dumps(
            [
                "not a status",
                {"id": "5", "content": "zorg"},  # no uri
                {"id": "6", "uri": "javascript:alert(1)", "url": "javascript:alert(1)"},
                {"id": "7", "uri": "tag:x,7", "url": f"{instance.base}/@a/7", "content": "zorg"},
            ]
        ),
        content_type="application/json",
    )

    outcome = source_poll(source_id=tag_source.pk)

    assert outcome.new_items == 1
    assert Item.objects.get().url == f"{instance.base}/@a/7"


def test_unresolvable_instance_is_a_clear_error(fake_dns):
    fake_dns.add("instance.invalid")  # the resolver knows no address for it
    url = "https://instance.invalid/tags/zorg"
    source = Source.objects.create(kind=SourceKind.MASTODON_TAG, key=url, url=url)
    Subscription.objects.create(organisation=monitored_organisation({"Z": "zorg"}), source=source)

    outcome = source_poll(source_id=source.pk)

    assert outcome.status == "unknown_instance"


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("https://Mastodon.Social/about", "https://mastodon.social"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ],
)
def test_instance_base_url(given, base):
    assert mastodon.instance_base_url(given) == base


@pytest.mark.parametrize("given", ["", "@anna@mastodon.social", "localhost", "ftp://x.org"])
def test_instance_base_url_refuses_what_is_not_an_instance(given):
    with pytest.raises(ValueError, match="instance"):
        mastodon.instance_base_url(given)


def test_tags_are_normalised_and_checked():
    assert mastodon.normalise_tag("#SocialMedia") == "socialmedia"
    assert mastodon.tag_page_url("mastodon.social", "Zorg") == "https://mastodon.social/tags/zorg"
    for bad in ("", "two words", "a/b", "x" * 101):
        with pytest.raises(ValueError, match="hashtag"):
            mastodon.normalise_tag(bad)
