"""``fetch_feed`` against a real local HTTP server, and ``import_opml``.

The fetch_feed tests carry no ``django_db`` mark on purpose: pytest-django fails any test that
touches the database without one, so they also prove the command needs none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from werkzeug import Response

from monitoring.models import Subscription
from onboarding.models import Role
from tests.factories import MembershipFactory, OrganisationFactory
from tests.monitoring.brokers import IN_MEMORY, celery_broker
from tests.monitoring.builders import rss

ROOT = Path(__file__).resolve().parents[2]

ITEMS = [
    {
        "title": "Huurprijzen stijgen",
        "link": "https://news.example.org/a/1",
        "description": (
            '<p>Het <b>kabinet</b> <a href="javascript:alert(1)">klik</a>.</p>'
            "<script>alert('owned')</script><img src=x onerror=alert(2)>"
        ),
    },
    {"title": "Tweede bericht", "link": "https://news.example.org/a/2", "description": "Kort."},
]

PAGE = (
    "<!doctype html><html><head><title>Blog</title>"
    '<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    "</head><body><p>Hello</p></body></html>"
)


@pytest.fixture
def server(settings, httpserver):
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port}"
    settings.SPRINGPLANK_FETCH_TIMEOUT = 3
    settings.SPRINGPLANK_FETCH_DEADLINE = 5
    return httpserver


def local(server, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def serve_feed(server, path: str = "/feed.xml") -> str:
    server.expect_request(path).respond_with_data(
        rss(ITEMS, title="Nieuws"), content_type="application/rss+xml"
    )
    return local(server, path)


def fetch_feed(url: str) -> dict:
    out = StringIO()
    call_command("fetch_feed", url, stdout=out)
    return json.loads(out.getvalue())


def refusal(url: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("fetch_feed", url, stdout=StringIO())
    message = str(caught.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------------------------
# fetch_feed


def test_fetch_feed_prints_the_feed_as_json(server):
    feed = fetch_feed(serve_feed(server))

    assert feed["title"] == "Nieuws"
    assert feed["url"] == local(server, "/feed.xml")
    assert [e["title"] for e in feed["entries"]] == ["Huurprijzen stijgen", "Tweede bericht"]
    first = feed["entries"][0]
    assert set(first) == {"title", "url", "published", "summary"}
    assert first["url"] == "https://news.example.org/a/1"
    assert first["published"] == "2026-11-30T12:00:00+00:00"
    assert "<b>kabinet</b>" in first["summary"]


def test_fetch_feed_output_is_sanitised(server):
    out = StringIO()
    call_command("fetch_feed", serve_feed(server), stdout=out)
    text = out.getvalue()
    assert "<script" not in text and "alert('owned')" not in text
    assert "javascript:" not in text
    assert "onerror" not in text


def test_fetch_feed_reports_the_url_after_redirects(server):
    serve_feed(server)
    server.expect_request("/old").respond_with_response(
        Response(status=301, headers={"Location": "/feed.xml"})
    )
    assert fetch_feed(local(server, "/old"))["url"] == local(server, "/feed.xml")


def test_fetch_feed_refuses_a_private_address_that_is_not_allowlisted(server):
    message = refusal(f"http://127.0.0.1:{server.port + 1}/feed.xml")
    assert message.startswith("blocked_address:")


def test_fetch_feed_refuses_a_redirect_to_a_private_address(server):
    server.expect_request("/jump").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )
    assert refusal(local(server, "/jump")).startswith("blocked_address:")


def test_fetch_feed_says_a_web_page_is_not_a_feed_and_names_its_feed(server):
    server.expect_request("/").respond_with_data(PAGE, content_type="text/html")
    message = refusal(local(server, "/"))
    assert message.startswith("not_a_feed:")
    assert f"announces a feed at {local(server, '/feed.xml')}" in message


def test_fetch_feed_http_error(server):
    server.expect_request("/gone").respond_with_data("nope", status=404)
    assert refusal(local(server, "/gone")).startswith("http_status: HTTP 404")


def test_fetch_feed_too_large(server, settings):
    settings.SPRINGPLANK_FETCH_MAX_BYTES = 1000
    server.expect_request("/big.xml").respond_with_data(
        rss([{"title": "x" * 400, "link": f"https://e.org/{n}"} for n in range(20)]),
        content_type="application/rss+xml",
    )
    assert refusal(local(server, "/big.xml")).startswith("too_large:")


def test_fetch_feed_timeout(server, settings):
    settings.SPRINGPLANK_FETCH_TIMEOUT = 1
    settings.SPRINGPLANK_FETCH_DEADLINE = 1

    def slow(request):
        # Short: the local server is single-threaded and the next test waits for it.
        time.sleep(1.5)
        return Response(rss(ITEMS), content_type="application/rss+xml")

    server.expect_request("/slow.xml").respond_with_handler(slow)
    started = time.monotonic()
    assert refusal(local(server, "/slow.xml")).startswith("timeout:")
    assert time.monotonic() - started < 1.45


@pytest.mark.parametrize("bad", ["not a url", "ftp://example.org/feed", "file:///etc/passwd"])
def test_fetch_feed_bad_url(bad):
    message = refusal(bad)
    assert message.split(":")[0] in {"bad_url", "bad_scheme"}


def _manage(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "SPRINGPLANK_VAR_DIR": str(tmp_path),
            # Nothing listens there: the command must not need a database.
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_fetch_feed_as_a_process(server, tmp_path):
    url = serve_feed(server)
    allow = {"SPRINGPLANK_FETCH_ALLOWLIST": f"127.0.0.1:{server.port}"}

    ok = _manage(["fetch_feed", url], allow, tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert json.loads(ok.stdout)["title"] == "Nieuws", ok.stdout

    refused = _manage(["fetch_feed", url], {}, tmp_path)
    assert refused.returncode != 0, refused.stdout
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert "blocked_address" in lines[0]
    assert "Traceback" not in refused.stderr
    assert refused.stdout == ""


# --------------------------------------------------------------------------------------------
# import_opml


def opml(*urls: str) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Feed {n}" xmlUrl="{u}"/>' for n, u in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>Mine</title>'
        f"</head><body>{outlines}</body></opml>"
    ).encode()


@pytest.fixture
def memory_broker():
    with celery_broker(IN_MEMORY):
        yield


@pytest.fixture
def org(memory_broker):
    return OrganisationFactory(slug="acme")


def import_opml(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_opml", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_opml_follows_the_feeds(org, tmp_path):
    coach = MembershipFactory(organisation=org, role=Role.COACH, user__email="coach@example.org")
    path = tmp_path / "feeds.opml"
    path.write_bytes(
        opml("https://a.example.org/feed", "https://b.example.org/rss", "javascript:alert(1)")
    )

    out, _ = import_opml(path, "--organisation", "acme", "--as", "Coach@Example.org")

    assert "Added: 2" in out
    assert "https://a.example.org/feed" in out
    assert "Problems: 1" in out
    subscriptions = Subscription.objects.filter(organisation=org)
    assert {s.source.url for s in subscriptions} == {
        "https://a.example.org/feed",
        "https://b.example.org/rss",
    }
    assert {s.created_by for s in subscriptions} == {coach}


@pytest.mark.django_db
def test_import_opml_twice_adds_nothing(org, tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_bytes(opml("https://a.example.org/feed", "https://b.example.org/rss"))
    import_opml(path, "--organisation", "acme")
    out, _ = import_opml(path, "--organisation", "acme")
    assert "Added: 0" in out
    assert "Already followed: 2" in out
    assert Subscription.objects.filter(organisation=org).count() == 2


@pytest.mark.django_db
def test_import_opml_shows_progress_for_a_large_file(org, tmp_path):
    path = tmp_path / "many.opml"
    path.write_bytes(opml(*[f"https://blog{n}.example.org/feed" for n in range(250)]))
    out, err = import_opml(path, "--organisation", "acme")
    assert err.splitlines() == ["imported 100/250", "imported 200/250", "imported 250/250"]
    assert "Added: 250" in out
    assert Subscription.objects.filter(organisation=org).count() == 250


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        b"<html><body>not opml</body></html>",
        b"\x00\x01 binary junk",
        b"",
    ],
)
def test_import_opml_refuses_a_file_that_is_not_opml(org, tmp_path, content):
    path = tmp_path / "bad.opml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match="cannot be imported"):
        import_opml(path, "--organisation", "acme")
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_import_opml_unreadable_file(org, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_opml(tmp_path / "missing.opml", "--organisation", "acme")


@pytest.mark.django_db
def test_import_opml_unknown_organisation(org, tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_bytes(opml("https://a.example.org/feed"))
    with pytest.raises(CommandError, match="There is no organisation “nope”"):
        import_opml(path, "--organisation", "nope")
    assert not Subscription.objects.exists()


@pytest.mark.django_db
def test_import_opml_as_someone_who_is_not_a_member(org, tmp_path):
    MembershipFactory(user__email="stranger@example.org")
    path = tmp_path / "feeds.opml"
    path.write_bytes(opml("https://a.example.org/feed"))
    with pytest.raises(CommandError, match="not a member"):
        import_opml(path, "--organisation", "acme", "--as", "stranger@example.org")
    assert not Subscription.objects.exists()
