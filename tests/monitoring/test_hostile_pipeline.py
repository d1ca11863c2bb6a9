"""Hostile feed hosts, end to end through a real Celery worker: every one ends in a recorded
error or a clean, bounded result, and nothing unsafe is stored."""

import gzip
import time

import pytest
from django.db import close_old_connections
from werkzeug import Response

from monitoring.models import Item, Source
from monitoring.tasks import enqueue_due_sources
from tests.monitoring.builders import follow, monitored_organisation, participant, rss
from tests.monitoring.conftest import drip

pytestmark = [pytest.mark.celery_worker]

MIB = 1024 * 1024

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title><link>https://x.example/2</link></item></channel></rss>"""

QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"A" * 50_000 + b'">]>'
    b'<rss version="2.0"><channel><title>t</title><item><title>'
    + b"&a;" * 20_000
    + b"</title><link>https://x.example/3</link></item></channel></rss>"
)

SCRIPTS = rss(
    [
        {
            "title": "<script>alert(1)</script>Scripted title",
            "link": "javascript:alert(1)",
            "guid": "s1",
            "description": (
                '<p onclick="alert(1)">Hi</p><script>alert(2)</script>'
                '<a href="javascript:alert(3)">a</a><a href="JaVaScRiPt:alert(4)">b</a>'
                '<a href="java&#x09;script:alert(5)">c</a><a href="  javascript:alert(6)">d</a>'
                '<a href="&#106;avascript:alert(7)">e</a><img src=x onerror="alert(8)">'
                '<iframe src="https://evil.example"></iframe><svg onload="alert(9)"></svg>'
                '<a href="data:text/html,<script>alert(10)</script>">f</a>'
                '<a href="vbscript:msgbox(11)">g</a><style>body{}</style>'
                '<a href="https://ok.example/">safe</a>'
            ),
        }
    ]
)

SAME_GUID = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>dup</title>'
    + "".join(
        f"<item><title>Copy {n}</title><link>https://dup.example/{n}</link><guid>same</guid></item>"
        for n in range(10_000)
    )
    + "</channel></rss>"
)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        close_old_connections()
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def hostile_hosts(settings, httpserver, raw_server):
    slow = raw_server(
        lambda conn, stop: (
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n<rss>"),
            drip(conn, stop, b" ", 0.3),
        )
    )
    settings.SPRINGPLANK_FETCH_ALLOWLIST = f"127.0.0.1:{httpserver.port},127.0.0.1:{slow.port}"
    settings.SPRINGPLANK_FETCH_MAX_BYTES = 2 * MIB
    settings.SPRINGPLANK_FETCH_DEADLINE = 3
    settings.SPRINGPLANK_FETCH_TIMEOUT = 2
    base = f"http://127.0.0.1:{httpserver.port}"

    def serve(path, body, status=200, content_type="application/rss+xml", headers=None):
        httpserver.expect_request(path).respond_with_response(
            Response(body, status=status, content_type=content_type, headers=headers or {})
        )
        return base + path

    cases = {
        "huge": (serve("/huge.xml", b"<rss>" + b"x" * (3 * MIB)), {"too_large"}),
        "gzip_bomb": (
            serve(
                "/bomb.xml",
                gzip.compress(b"\0" * (200 * MIB), compresslevel=9),
                headers={"Content-Encoding": "gzip"},
            ),
            {"too_large"},
        ),
        "slow_drip": (f"http://127.0.0.1:{slow.port}/slow.xml", {"timeout"}),
        "redirect_loop": (
            serve("/loop.xml", b"", status=302, headers={"Location": base + "/loop.xml"}),
            {"redirect_loop", "too_many_redirects"},
        ),
        "redirect_private": (
            serve("/private.xml", b"", status=302, headers={"Location": "http://10.1.2.3/f.xml"}),
            {"blocked_address"},
        ),
        "redirect_metadata": (
            serve(
                "/meta.xml",
                b"",
                status=301,
                headers={"Location": "http://169.254.169.254/latest/meta-data/"},
            ),
            {"blocked_address"},
        ),
        "redirect_other_local_port": (
            serve("/port.xml", b"", status=302, headers={"Location": "http://127.0.0.1:6379/"}),
            {"blocked_address"},
        ),
        "billion_laughs": (serve("/laughs.xml", BILLION_LAUGHS), {"not_a_feed"}),
        "external_entity": (serve("/xxe.xml", EXTERNAL_ENTITY), {"not_a_feed"}),
        "quadratic": (serve("/quad.xml", QUADRATIC), {"not_a_feed"}),
        "malformed": (
            serve(
                "/malformed.xml",
                b'<?xml version="1.0"?><rss version="2.0"><channel><title>M</title>'
                b"<item><title>Half <b>open</title><link>https://m.example/1</link></item>",
            ),
            {"ok", "not_a_feed"},
        ),
        "mis_encoded": (
            serve(
                "/latin1.xml",
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\u00e9'
                "</title><item><title>Cr\u00e8me br\u00fbl\u00e9e \u2019quoted\u2019</title>"
                "<link>https://l.example/1</link></item></channel></rss>".encode("cp1252"),
            ),
            {"ok"},
        ),
        "html_page": (
            serve(
                "/page.html",
                b"<html><body><p>Just a page</p></body></html>",
                content_type="text/html",
            ),
            {"not_a_feed"},
        ),
        "empty": (serve("/empty.xml", b""), {"not_a_feed"}),
        "scripts": (serve("/scripts.xml", SCRIPTS.encode()), {"ok"}),
        "nul_bytes": (
            serve(
                "/nul.xml",
                rss(
                    [
                        {
                            "title": "Nul\x00title",
                            "link": "https://n.example/1",
                            "description": "a\x00b",
                        }
                    ]
                ).encode(),
            ),
            {"ok"},
        ),
        "same_guid": (serve("/dup.xml", SAME_GUID.encode()), {"ok"}),
    }
    return cases


def test_hostile_hosts_end_in_recorded_errors_or_bounded_results(
    celery_worker_thread, hostile_hosts
):
    org = monitored_organisation({"Anything": "a OR the OR title OR copy OR hi OR creme"})
    participant(org)
    sources = {
        name: follow(org, url, keep_all=True).source_id for name, (url, _) in hostile_hosts.items()
    }

    started = time.monotonic()
    enqueue_due_sources.delay()
    assert wait_for(lambda: Source.objects.filter(last_polled_at__isnull=True).count() == 0), list(
        Source.objects.filter(last_polled_at__isnull=True).values_list("url", flat=True)
    )
    # Every poll is bounded by the deadline: the whole hostile set finishes quickly.
    assert time.monotonic() - started < 45

    for name, (_, expected) in hostile_hosts.items():
        source = Source.objects.get(pk=sources[name])
        assert source.last_status in expected, (name, source.last_status, source.last_error)
        if source.last_status != "ok":
            assert source.error_count == 1 and source.last_error, name

    assert Item.objects.filter(source_id=sources["same_guid"]).count() == 1
    assert (
        Item.objects.filter(source_id=sources["mis_encoded"]).get().title.startswith("Cr\u00e8me")
    )
    for item in Item.objects.all():
        stored = f"{item.title} {item.summary} {item.url} {item.author}"
        for unsafe in (
            "<script",
            "javascript:",
            "onerror",
            "onclick",
            "onload",
            "<iframe",
            "vbscript:",
            "data:text/html",
            "\x00",
            "<style",
            "<svg",
        ):
            assert unsafe not in stored.lower(), (item.source.url, unsafe, stored)
        assert len(item.summary) <= 20_000
        assert "lollol" not in item.title
    scripted = Item.objects.get(source_id=sources["scripts"])
    assert scripted.url == ""
    assert 'href="https://ok.example/"' in scripted.summary
