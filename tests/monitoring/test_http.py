"""monitoring/http.py against real local servers (pytest-httpserver and raw sockets)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import pickle
import socket
import ssl
import threading
import time
import tracemalloc
import types
import zlib
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path

import pytest
import time_machine
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from monitoring.http import (
    FetchError,
    FetchPolicy,
    HTTPStatusError,
    fetch,
    fetch_json,
    parse_allowlist,
    parse_max_age,
    parse_retry_after,
)
from tests.monitoring.conftest import KIB, drip, make_policy


# tests/conftest.py has autouse fixtures built on pytest-django's `settings` fixture. This module
# tests plain networking code that must not need Django and has to pass with `-p no:django` too,
# so it opts out of them (nothing here uses translations or password hashing).
@pytest.fixture
def _english() -> None:
    return None


@pytest.fixture
def _fast_password_hashing() -> None:
    return None


FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def assert_fetch_error(code: str, call, *args, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, f"expected {code}, got {info.value.code}: {info.value}"
    assert "\n" not in str(info.value)
    return info.value


# --- plain responses --------------------------------------------------------------------------


def test_200_returns_body_headers_and_metadata(server, base_url, policy):
    server.expect_request("/feed").respond_with_data(
        FEED,
        content_type="application/rss+xml; charset=UTF-8",
        headers={
            "ETag": '"v1"',
            "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT",
            "Cache-Control": "public, max-age=300",
            "X-Thing": "yes",
        },
    )

    result = fetch(f"{base_url}/feed", policy=policy)

    assert result.status == 200
    assert result.content == FEED
    assert result.url == f"{base_url}/feed"
    assert result.not_modified is False
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 21 Oct 2015 07:28:00 GMT"
    assert result.content_type == "application/rss+xml"
    assert result.charset == "utf-8"
    assert result.max_age == 300
    assert result.headers["x-thing"] == "yes"
    assert result.headers["X-THING"] == "yes"
    assert 0 < result.elapsed < 2
    request = server.log[0][0]
    assert request.headers["User-Agent"] == "SpringplankTest/1.0"
    assert request.headers["Accept-Encoding"] == "gzip, deflate"
    assert request.headers["Accept"].startswith("application/atom+xml, application/rss+xml")
    assert "If-None-Match" not in request.headers


def test_result_is_frozen(server, base_url, policy):
    server.expect_request("/feed").respond_with_data(FEED)
    result = fetch(f"{base_url}/feed", policy=policy)
    with pytest.raises(AttributeError):
        result.status = 500  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.headers["X-New"] = "1"  # type: ignore[index]


def test_caller_headers_are_sent_and_may_override_defaults(server, base_url, policy):
    server.expect_request("/feed").respond_with_data(FEED)
    fetch(f"{base_url}/feed", headers={"Accept": "text/html", "X-Api": "k"}, policy=policy)
    request = server.log[0][0]
    assert request.headers["Accept"] == "text/html"
    assert request.headers["X-Api"] == "k"


def test_header_value_with_newline_is_rejected_before_sending(server, base_url, policy):
    with pytest.raises(ValueError, match="control characters"):
        fetch(f"{base_url}/feed", headers={"X-Evil": "a\r\nHost: evil"}, policy=policy)
    assert server.log == []


# --- conditional GET --------------------------------------------------------------------------


def test_conditional_get_sends_validators_and_maps_304(server, base_url, policy):
    server.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT"},
    ).respond_with_data("", status=304, headers={"ETag": '"v1"', "Cache-Control": "max-age=60"})

    result = fetch(
        f"{base_url}/feed",
        etag='"v1"',
        last_modified="Wed, 21 Oct 2015 07:28:00 GMT",
        policy=policy,
    )

    assert result.status == 304
    assert result.not_modified is True
    assert result.content == b""
    assert result.etag == '"v1"'
    assert result.max_age == 60


def test_304_without_validators_keeps_the_ones_sent(server, base_url, policy):
    server.expect_request("/feed").respond_with_data("", status=304)
    result = fetch(
        f"{base_url}/feed", etag='"abc"', last_modified="Thu, 01 Jan 2015", policy=policy
    )
    assert result.not_modified
    assert result.etag == '"abc"'
    assert result.last_modified == "Thu, 01 Jan 2015"


# --- content encodings and the decoded-size cap ---------------------------------------------


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", _raw_deflate),
        ("identity", lambda data: data),
    ],
    ids=["gzip", "x-gzip", "deflate-zlib", "deflate-raw", "identity"],
)
def test_compressed_bodies_are_decoded(server, base_url, policy, encoding, encode):
    body = FEED * 500
    server.expect_request("/feed").respond_with_data(
        encode(body), headers={"Content-Encoding": encoding}
    )
    assert fetch(f"{base_url}/feed", policy=policy).content == body


def test_concatenated_gzip_members_form_one_body(server, base_url, policy):
    server.expect_request("/feed").respond_with_data(
        gzip.compress(b"first,") + gzip.compress(b"second"), headers={"Content-Encoding": "gzip"}
    )
    assert fetch(f"{base_url}/feed", policy=policy).content == b"first,second"


@pytest.mark.parametrize(
    ("encoding", "body"),
    [("gzip", b"this is not gzip at all"), ("br", b"\x0b\x02\x80hello\x03"), ("gzip, br", b"x")],
)
def test_corrupt_or_unsupported_encoding_is_a_decode_error(
    server, base_url, policy, encoding, body
):
    server.expect_request("/feed").respond_with_data(body, headers={"Content-Encoding": encoding})
    assert_fetch_error("decode", fetch, f"{base_url}/feed", policy=policy)


def test_body_of_exactly_the_cap_is_accepted(server, base_url, policy):
    body = b"x" * policy.max_bytes
    server.expect_request("/feed").respond_with_data(body)
    assert fetch(f"{base_url}/feed", policy=policy).content == body


def test_streamed_body_over_the_cap_is_too_large(server, base_url, policy):
    # No Content-Length (chunked), so only counting while streaming can catch it.
    def chunks():
        for _ in range(20):
            yield b"y" * (16 * KIB) + b"\n"

    server.expect_request("/feed").respond_with_response(Response(chunks()))
    error = assert_fetch_error("too_large", fetch, f"{base_url}/feed", policy=policy)
    assert "127.0.0.1" in str(error)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MB of zeros, gzipped to about 50 KB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * KIB)
    parts = [compressor.compress(zeros) for _ in range(50)]
    return b"".join(parts) + compressor.flush()


def test_gzip_bomb_is_stopped_at_the_cap_without_inflating_it(raw_server, gzip_bomb):
    def bomb(conn, stop):
        head = f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {len(gzip_bomb)}"
        conn.sendall(head.encode() + b"\r\nConnection: close\r\n\r\n" + gzip_bomb)

    # A raw server, not werkzeug: its own per-request buffers would blur the memory measurement.
    srv = raw_server(bomb)
    policy = make_policy(srv.port)
    assert len(gzip_bomb) < policy.max_bytes  # Content-Length alone would not stop it

    tracemalloc.start()
    started = time.monotonic()
    try:
        assert_fetch_error("too_large", fetch, srv.url("/bomb"), policy=policy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert time.monotonic() - started < 3
    assert peak < 8 * 1024 * KIB, f"peak {peak} bytes: the bomb was inflated"


def test_declared_content_length_over_the_cap_is_refused_before_reading(raw_server, policy):
    def lying(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\nonly a little")
        stop.wait(10)  # streaming would run into the deadline instead of failing fast

    srv = raw_server(lying)
    started = time.monotonic()
    error = assert_fetch_error(
        "too_large", fetch, srv.url("/big"), policy=make_policy(srv.port, deadline=3)
    )
    assert time.monotonic() - started < 2  # streaming instead would run into the 3 s deadline
    assert "100000000" in str(error)


# --- timeouts and the wall-clock deadline ----------------------------------------------------


def test_slow_drip_body_is_cut_off_at_the_deadline(raw_server):
    def slow(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n")
        drip(conn, stop, b"x", 0.2)

    srv = raw_server(slow)
    # Each byte arrives well within the 2 s read timeout; only the deadline can stop this.
    policy = make_policy(srv.port, timeout=2.0, deadline=1.0)
    started = time.monotonic()
    assert_fetch_error("timeout", fetch, srv.url("/drip"), policy=policy)
    assert 0.9 < time.monotonic() - started < 3  # the drip lasts 6 s


def test_slow_drip_headers_are_cut_off_at_the_deadline(raw_server):
    def slow_headers(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Padding: ")
        drip(conn, stop, b"a", 0.2)

    srv = raw_server(slow_headers)
    policy = make_policy(srv.port, timeout=2.0, deadline=1.0)
    started = time.monotonic()
    assert_fetch_error("timeout", fetch, srv.url("/drip"), policy=policy)
    assert 0.9 < time.monotonic() - started < 3  # the drip lasts 6 s


def test_server_that_never_answers_times_out(raw_server):
    srv = raw_server(lambda conn, stop: stop.wait(10))
    started = time.monotonic()
    assert_fetch_error(
        "timeout", fetch, srv.url("/"), policy=make_policy(srv.port, timeout=0.5, deadline=5)
    )
    assert 0.4 < time.monotonic() - started < 3  # the deadline is 5 s


def test_deadline_shorter_than_timeout_wins(raw_server):
    srv = raw_server(lambda conn, stop: stop.wait(10))
    started = time.monotonic()
    assert_fetch_error(
        "timeout", fetch, srv.url("/"), policy=make_policy(srv.port, timeout=5, deadline=0.6)
    )
    assert time.monotonic() - started < 3  # the timeout is 5 s


def test_slow_dns_counts_against_the_timeout(fake_dns, server, policy):
    fake_dns.delay["slow.test"] = 3.0
    fake_dns.add("slow.test", ["127.0.0.1"])
    started = time.monotonic()
    policy = make_policy(server.port, timeout=0.3)
    assert_fetch_error("timeout", fetch, f"http://slow.test:{server.port}/", policy=policy)
    assert time.monotonic() - started < 2.5  # the lookup takes 3 s


def test_connection_refused_is_a_connection_error():
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    assert_fetch_error("connection", fetch, f"http://127.0.0.1:{port}/", policy=make_policy(port))


def test_connection_closed_without_response_is_a_connection_error(raw_server):
    srv = raw_server(lambda conn, stop: None)  # reads the request, then closes
    assert_fetch_error("connection", fetch, srv.url("/"), policy=make_policy(srv.port))


# --- redirects --------------------------------------------------------------------------------


def test_redirect_chain_is_followed_and_final_url_reported(server, base_url, policy):
    server.expect_request("/a").respond_with_data("", status=301, headers={"Location": "b?x=1"})
    server.expect_request("/b").respond_with_data(
        "", status=302, headers={"Location": f"{base_url}/c"}
    )
    server.expect_request("/c").respond_with_data(FEED, headers={"ETag": '"c"'})

    result = fetch(f"{base_url}/a", policy=policy)

    assert result.url == f"{base_url}/c"
    assert result.content == FEED
    assert result.etag == '"c"'
    assert [entry[0].path for entry in server.log] == ["/a", "/b", "/c"]
    assert server.log[1][0].query_string == b"x=1"


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_followed(server, base_url, policy, status):
    server.expect_request("/old").respond_with_data("", status=status, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(FEED)
    assert fetch(f"{base_url}/old", policy=policy).url == f"{base_url}/new"


def test_other_3xx_is_not_followed(server, base_url, policy):
    server.expect_request("/multi").respond_with_data("", status=300, headers={"Location": "/x"})
    error = assert_fetch_error("http_status", fetch, f"{base_url}/multi", policy=policy)
    assert error.status == 300


def test_redirect_loop_is_detected(server, base_url, policy):
    server.expect_request("/x").respond_with_data("", status=302, headers={"Location": "/y"})
    server.expect_request("/y").respond_with_data("", status=302, headers={"Location": "/x"})
    assert_fetch_error("redirect_loop", fetch, f"{base_url}/x", policy=policy)
    assert len(server.log) == 2


def test_too_many_redirects(server, base_url, policy):
    for hop in range(5):
        server.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    server.expect_request("/r5").respond_with_data(FEED)
    assert_fetch_error("too_many_redirects", fetch, f"{base_url}/r0", policy=policy)
    assert len(server.log) == policy.max_redirects + 1
    # exactly max_redirects hops are fine
    server.clear_log()
    assert fetch(f"{base_url}/r2", policy=policy).url == f"{base_url}/r5"


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://100.64.0.1/",
    ],
)
def test_redirect_to_a_private_address_is_blocked(server, base_url, policy, target):
    server.expect_request("/go").respond_with_data("", status=302, headers={"Location": target})
    started = time.monotonic()
    assert_fetch_error("blocked_address", fetch, f"{base_url}/go", policy=policy)
    assert time.monotonic() - started < 1.5  # refused before any connection attempt


def test_redirect_to_another_port_on_the_allowlisted_host_is_blocked(
    server, base_url, policy, raw_server
):
    other = raw_server(lambda conn, stop: conn.sendall(b"HTTP/1.1 200 OK\r\n\r\nsecret"))
    server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": other.url("/admin")}
    )
    error = assert_fetch_error("blocked_address", fetch, f"{base_url}/go", policy=policy)
    assert f"127.0.0.1:{other.port}" in str(error)
    assert other.connections == 0


def test_redirect_to_non_http_scheme_is_refused(server, base_url, policy):
    server.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": "file:///etc/passwd"}
    )
    assert_fetch_error("bad_scheme", fetch, f"{base_url}/go", policy=policy)


def test_credentials_are_dropped_when_a_redirect_leaves_the_origin(
    server, base_url, fake_dns, policy
):
    fake_dns.add("elsewhere.test", ["127.0.0.1"])  # same server, different origin
    server.expect_request("/same").respond_with_data("", status=302, headers={"Location": "/a"})
    server.expect_request("/a").respond_with_data(
        "", status=302, headers={"Location": f"http://elsewhere.test:{server.port}/b"}
    )
    server.expect_request("/b").respond_with_data(FEED)

    fetch(
        f"{base_url}/same",
        headers={"Authorization": "Bearer secret", "Cookie": "s=1", "X-Keep": "1"},
        policy=policy,
    )

    same, first, second = (entry[0].headers for entry in server.log)
    assert same["Authorization"] == "Bearer secret"
    assert first["Authorization"] == "Bearer secret"
    assert "Authorization" not in second
    assert "Cookie" not in second
    assert second["X-Keep"] == "1"


# --- URL validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/feed.xml",
        "gopher://127.0.0.1:70/_GET",
        "javascript:alert(1)",
        "data:text/plain,hello",
        "dict://127.0.0.1:11211/stat",
    ],
)
def test_non_http_schemes_are_refused(policy, url):
    assert_fetch_error("bad_scheme", fetch, url, policy=policy)


@pytest.mark.parametrize(
    "url",
    [
        "http://user:secret@127.0.0.1/feed",
        "http://user@127.0.0.1/feed",
        "http:///feed",
        "127.0.0.1/feed",
        "http://127.0.0.1:99999/feed",
        "http://127.0.0.1/\x00feed",
    ],
)
def test_malformed_urls_are_refused(policy, url):
    error = assert_fetch_error("bad_url", fetch, url, policy=policy)
    assert "secret" not in str(error)


# --- address checks at the connection ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://017700000001/",
        "http://127.1/",
        "http://0x7f000001/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/",
        "http://[fd00:ec2::254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
    ],
)
def test_non_public_addresses_are_blocked(policy, url):
    assert_fetch_error("blocked_address", fetch, url, policy=policy)


def test_allowlisted_port_elsewhere_is_still_blocked(server, policy):
    # 127.0.0.1 is allowlisted for the test server's port only, not for port 80.
    error = assert_fetch_error("blocked_address", fetch, "http://127.0.0.1/", policy=policy)
    assert "loopback" in str(error)


def test_integer_ip_form_reaches_the_allowlisted_address(server, policy):
    server.expect_request("/feed").respond_with_data(FEED)
    assert fetch(f"http://0x7f.1:{server.port}/feed", policy=policy).content == FEED


def test_empty_allowlist_refuses_the_local_server(server, base_url):
    policy = FetchPolicy(timeout=1, deadline=2)
    assert_fetch_error("blocked_address", fetch, f"{base_url}/feed", policy=policy)
    assert server.log == []


def test_connects_to_the_checked_address_without_a_second_lookup(server, fake_dns, policy):
    # A rebinding resolver: the second answer would point at the metadata service.
    fake_dns.add("rebind.test", ["127.0.0.1"], ["169.254.169.254"])
    server.expect_request("/feed").respond_with_data(FEED)

    result = fetch(f"http://rebind.test:{server.port}/feed", policy=policy)

    assert result.content == FEED
    assert fake_dns.calls == ["rebind.test"]
    assert server.log[0][0].headers["Host"] == f"rebind.test:{server.port}"


def test_every_new_connection_is_checked_again(server, fake_dns, policy):
    fake_dns.add("rebind.test", ["127.0.0.1"], ["10.0.0.1"])
    server.expect_request("/start").respond_with_data("", status=302, headers={"Location": "/n"})
    server.expect_request("/n").respond_with_data(FEED)
    # Werkzeug closes each connection, so the redirect hop needs a fresh connection and lookup.
    assert_fetch_error(
        "blocked_address", fetch, f"http://rebind.test:{server.port}/start", policy=policy
    )
    assert [entry[0].path for entry in server.log] == ["/start"]


def test_one_private_answer_among_several_blocks_the_host(server, fake_dns, policy):
    fake_dns.add("mixed.test", ["127.0.0.1", "10.1.2.3"])
    assert_fetch_error("blocked_address", fetch, f"http://mixed.test:{server.port}/", policy=policy)
    assert server.log == []


@pytest.mark.parametrize("answer", ["192.168.0.10", "::ffff:127.0.0.1", "fe80::1", "::1"])
def test_names_resolving_to_non_public_addresses_are_blocked(fake_dns, policy, answer):
    fake_dns.add("internal.test", [answer])
    assert_fetch_error("blocked_address", fetch, "http://internal.test/", policy=policy)


def test_host_allowlist_entry_allows_that_name_on_that_port(server, fake_dns):
    fake_dns.add("feeds.internal", ["127.0.0.1"])
    server.expect_request("/feed").respond_with_data(FEED)
    policy = FetchPolicy(
        allowlist=parse_allowlist(f"feeds.internal:{server.port}"), timeout=2, deadline=4
    )
    assert fetch(f"http://FEEDS.Internal:{server.port}/feed", policy=policy).content == FEED
    # the same address under its own name, or the same name on another port: refused
    assert_fetch_error("blocked_address", fetch, f"http://127.0.0.1:{server.port}/", policy=policy)
    assert_fetch_error("blocked_address", fetch, "http://feeds.internal:8081/", policy=policy)


def test_unresolvable_name_is_a_dns_error(fake_dns, policy):
    fake_dns.add("nx.test")
    error = assert_fetch_error("dns", fetch, "http://nx.test/feed", policy=policy)
    assert "nx.test" in str(error)


# --- environment ------------------------------------------------------------------------------


def test_proxy_variables_and_netrc_are_ignored(server, base_url, policy, monkeypatch, tmp_path):
    dead = "http://127.0.0.1:9"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.setenv("all_proxy", dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    server.expect_request("/feed").respond_with_data(FEED)

    assert fetch(f"{base_url}/feed", policy=policy).content == FEED
    assert "Authorization" not in server.log[0][0].headers


# --- status errors ----------------------------------------------------------------------------


def test_429_with_retry_after_seconds(server, base_url, policy):
    server.expect_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "120"}
    )
    error = assert_fetch_error("http_status", fetch, f"{base_url}/feed", policy=policy)
    assert isinstance(error, HTTPStatusError)
    assert error.status == 429
    assert error.retry_after == 120
    assert error.headers["retry-after"] == "120"
    assert "429" in str(error)


def test_503_with_retry_after_http_date(server, base_url, policy):
    now = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
    later = format_datetime(now + dt.timedelta(seconds=90), usegmt=True)
    server.expect_request("/feed").respond_with_data("", status=503, headers={"Retry-After": later})
    with time_machine.travel(now, tick=False):
        error = assert_fetch_error("http_status", fetch, f"{base_url}/feed", policy=policy)
    assert error.status == 503
    assert error.retry_after == 90


@pytest.mark.parametrize("status", [404, 410, 500])
def test_error_statuses_raise_http_status_error(server, base_url, policy, status):
    server.expect_request("/feed").respond_with_data("nope", status=status)
    error = assert_fetch_error("http_status", fetch, f"{base_url}/feed", policy=policy)
    assert error.status == status
    assert error.retry_after is None


def test_status_errors_survive_pickling():
    error = HTTPStatusError(429, "HTTP 429 from x", retry_after=5, headers={"Retry-After": "5"})
    # Celery's result backend pickles exceptions; these are our own bytes, not untrusted input.
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301
    assert (copy.code, copy.status, copy.retry_after, str(copy)) == (
        "http_status",
        429,
        5,
        "HTTP 429 from x",
    )
    assert copy.headers["retry-after"] == "5"
    plain = pickle.loads(pickle.dumps(FetchError("timeout", "too slow")))  # noqa: S301
    assert (plain.code, str(plain)) == ("timeout", "too slow")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120),
        ("0", 0),
        (" 7 ", 7),
        ("Sun, 01 Mar 2026 12:01:30 GMT", 90),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0),
        ("Sun, 01 Mar 2026 12:00:10 -0000", 10),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
        ("99999999999", 365 * 24 * 3600),
    ],
)
def test_parse_retry_after(value, expected):
    now = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.UTC)
    assert parse_retry_after(value, now=now) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=300", 300),
        ("public, max-age=60, must-revalidate", 60),
        ('Max-Age="45"', 45),
        ("s-maxage=10", None),
        ("max-age=soon", None),
        ("no-cache", None),
        (None, None),
    ],
)
def test_parse_max_age(value, expected):
    assert parse_max_age(value) == expected


# --- sanitising -------------------------------------------------------------------------------


def test_control_characters_are_stripped_from_returned_headers(raw_server):
    def evil(conn, stop):
        conn.sendall(
            b'HTTP/1.1 200 OK\r\nETag: "a\x00b"\r\nX-Evil: one\x01two\x7fthree\r\n'
            b"Content-Length: 2\r\nConnection: close\r\n\r\nok"
        )

    srv = raw_server(evil)
    result = fetch(srv.url("/"), policy=make_policy(srv.port))
    assert result.etag == '"ab"'
    assert result.headers["X-Evil"] == "onetwothree"


# --- fetch_json -------------------------------------------------------------------------------


def test_fetch_json_appends_params_and_parses(server, base_url, policy):
    def handler(request: Request) -> Response:
        payload = {"args": request.args.to_dict(flat=False), "accept": request.headers["Accept"]}
        return Response(json.dumps(payload), content_type="application/json")

    server.expect_request("/api/search").respond_with_handler(handler)

    data, result = fetch_json(
        f"{base_url}/api/search?fixed=1",
        params={"q": "a&b c", "limit": 20, "tag": ["x", "y"], "skip": None},
        headers={"Authorization": "Bearer t"},
        policy=policy,
    )

    assert data == {
        "args": {"fixed": ["1"], "q": ["a&b c"], "limit": ["20"], "tag": ["x", "y"]},
        "accept": "application/json",
    }
    assert result.content_type == "application/json"
    assert server.log[0][0].headers["Authorization"] == "Bearer t"


def test_fetch_json_rejects_invalid_json(server, base_url, policy):
    server.expect_request("/api").respond_with_data("<html>oops</html>", content_type="text/html")
    assert_fetch_error("bad_json", fetch_json, f"{base_url}/api", policy=policy)


def test_fetch_json_goes_through_the_same_door(policy):
    assert_fetch_error("blocked_address", fetch_json, "http://169.254.169.254/api", policy=policy)


# --- settings ---------------------------------------------------------------------------------


def test_policy_from_settings_reads_settings_lazily(monkeypatch):
    fake = types.SimpleNamespace(
        SPRINGPLANK_FETCH_ALLOWLIST="127.0.0.1:8000, [fd00::/8]:9000",
        SPRINGPLANK_FETCH_TIMEOUT=3,
        SPRINGPLANK_FETCH_DEADLINE=7,
        SPRINGPLANK_FETCH_MAX_BYTES=1000,
        SPRINGPLANK_FETCH_MAX_REDIRECTS=2,
        SPRINGPLANK_USER_AGENT="UA/2",
    )
    monkeypatch.setattr("django.conf.settings", fake)
    policy = FetchPolicy.from_settings()
    assert (policy.timeout, policy.deadline, policy.max_bytes, policy.max_redirects) == (
        3,
        7,
        1000,
        2,
    )
    assert policy.user_agent == "UA/2"
    assert len(policy.allowlist) == 2

    monkeypatch.setattr("django.conf.settings", types.SimpleNamespace())
    assert FetchPolicy.from_settings() == FetchPolicy()

    monkeypatch.setattr(
        "django.conf.settings", types.SimpleNamespace(SPRINGPLANK_FETCH_ALLOWLIST="::1:80")
    )
    with pytest.raises(ValueError, match="brackets"):
        FetchPolicy.from_settings()


def test_policy_rejects_nonsense_limits():
    with pytest.raises(ValueError):
        FetchPolicy(deadline=0)
    with pytest.raises(TypeError):
        FetchPolicy(allowlist="127.0.0.1:80")  # type: ignore[arg-type]


# --- HTTPS: certificate checked for the hostname while the socket goes to the checked IP ------


@dataclass(frozen=True)
class TLSFiles:
    ca_file: str
    cert_file: str
    key_file: str

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory) -> TLSFiles:
    """A throwaway CA and a certificate for feed.test signed by it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Springplank Test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "feed.test")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("feed.test")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = TLSFiles(
        ca_file=str(directory / "ca.pem"),
        cert_file=str(directory / "cert.pem"),
        key_file=str(directory / "key.pem"),
    )
    Path(files.ca_file).write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    Path(files.cert_file).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    Path(files.key_file).write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture(scope="module")
def tls_server(tls_files):
    srv = HTTPServer(host="127.0.0.1", port=0, ssl_context=tls_files.server_context())
    srv.start()
    srv.ca_file = tls_files.ca_file
    yield srv
    srv.clear()
    srv.stop()


def test_https_verifies_the_hostname_while_connecting_to_the_checked_ip(tls_server, fake_dns):
    fake_dns.add("feed.test", ["127.0.0.1"])
    tls_server.expect_request("/feed").respond_with_data(FEED)
    policy = make_policy(tls_server.port, ca_bundle=tls_server.ca_file)

    result = fetch(f"https://feed.test:{tls_server.port}/feed", policy=policy)

    assert result.content == FEED
    assert fake_dns.calls == ["feed.test"]


def test_https_certificate_for_another_name_fails(tls_server):
    policy = make_policy(tls_server.port, ca_bundle=tls_server.ca_file)
    error = assert_fetch_error("tls", fetch, f"https://127.0.0.1:{tls_server.port}/", policy=policy)
    assert "127.0.0.1" in str(error)


def test_https_untrusted_certificate_fails(tls_server, fake_dns):
    fake_dns.add("feed.test", ["127.0.0.1"])
    policy = make_policy(tls_server.port)  # certifi bundle: the test CA is unknown
    assert_fetch_error("tls", fetch, f"https://feed.test:{tls_server.port}/", policy=policy)


def test_https_slow_drip_is_cut_off_at_the_deadline(raw_server, tls_files, fake_dns):
    def slow(conn, stop):
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        drip(conn, stop, b"x", 0.2)

    srv = raw_server(slow, tls=tls_files.server_context())
    fake_dns.add("feed.test", ["127.0.0.1"])
    policy = make_policy(srv.port, timeout=2.0, deadline=1.0, ca_bundle=tls_files.ca_file)
    started = time.monotonic()
    assert_fetch_error("timeout", fetch, f"https://feed.test:{srv.port}/", policy=policy)
    assert 0.9 < time.monotonic() - started < 3  # the drip lasts 6 s


def test_https_slow_drip_handshake_is_cut_off_at_the_deadline(raw_server, fake_dns):
    def slow_handshake(conn, stop):
        conn.recv(4096)  # the ClientHello
        # A TLS handshake record announcing 16 KiB, then delivered one byte at a time.
        conn.sendall(b"\x16\x03\x03\x40\x00")
        drip(conn, stop, b"\x00", 0.2)

    srv = raw_server(slow_handshake, read_request_first=False)
    fake_dns.add("feed.test", ["127.0.0.1"])
    policy = make_policy(srv.port, timeout=5.0, deadline=1.0)
    started = time.monotonic()
    assert_fetch_error("timeout", fetch, f"https://feed.test:{srv.port}/", policy=policy)
    assert 0.9 < time.monotonic() - started < 3  # the drip lasts 6 s


def test_parallel_fetches_do_not_share_state(server, base_url, policy):
    server.expect_request("/feed").respond_with_data(FEED)
    results: list[bytes] = []

    def worker() -> None:
        results.append(fetch(f"{base_url}/feed", policy=policy).content)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [FEED] * 4
