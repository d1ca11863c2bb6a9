"""monitoring.discovery: which feeds a web page advertises, and whether a body is a page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.discovery import MAX_FEED_LINKS, find_feed_links, looks_like_html

FEEDS = Path(__file__).parent / "feeds"
PAGE = "https://blog.example.org/index.html"


# This module is pure Python and its tests also run without Django (pytest -p no:django); the
# suite-wide autouse fixtures of tests/conftest.py need pytest-django, so they are disabled here.
@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None


@pytest.fixture(autouse=True)
def _english() -> None:
    return None


def test_messy_page_fixture():
    links = find_feed_links((FEEDS / "page.html").read_bytes(), base_url=PAGE)
    assert links == [
        "https://blog.example.org/blog/feed.xml",  # resolved against <base href="/blog/">
        "https://blog.example.org/atom.xml",  # type with parameters
        "https://blog.example.org/blog/rdf.xml",  # rel with several tokens, any case
        "https://blog.example.org/blog/feed.json",  # unquoted attributes
        "https://blog.example.org/comments/feed?x=1&y=2",  # in <body>, entities decoded
    ]
    # Not included: the commented-out link, the one written by a script, the stylesheet,
    # text/html alternates, javascript: and ftp: hrefs, a link without href, the duplicate.


def test_str_input_and_no_base_element():
    html = '<link rel="alternate" type="application/atom+xml" href="/feed.atom">'
    assert find_feed_links(html, base_url=PAGE) == ["https://blog.example.org/feed.atom"]


def test_only_the_first_base_counts_and_a_bad_base_is_ignored():
    html = (
        '<base href="javascript:alert(1)"><base href="https://other.example/">'
        '<link rel="alternate" type="application/rss+xml" href="rss">'
    )
    assert find_feed_links(html, base_url=PAGE) == ["https://blog.example.org/rss"]


def test_rel_must_contain_alternate_as_a_token():
    html = (
        '<link rel="alternates" type="application/rss+xml" href="/a">'
        '<link rel="feed" type="application/rss+xml" href="/b">'
        '<link rel=" ALTERNATE\tnofollow " type=" Application/Atom+XML " href="/c">'
    )
    assert find_feed_links(html, base_url=PAGE) == ["https://blog.example.org/c"]


def test_at_most_twenty_links():
    html = "".join(
        f'<link rel="alternate" type="application/rss+xml" href="/feed/{i}">' for i in range(100)
    )
    links = find_feed_links(html, base_url=PAGE)
    assert len(links) == MAX_FEED_LINKS
    assert links[0] == "https://blog.example.org/feed/0"
    assert links[-1] == "https://blog.example.org/feed/19"


def test_latin1_page_and_garbage_bytes():
    html = (
        '<title>Café</title><link rel="alternate" type="application/rss+xml" href="/f\xe9ed">'
    ).encode("latin-1") + b"\xff\xfe\x00<<<"
    assert find_feed_links(html, base_url=PAGE) == ["https://blog.example.org/féed"]


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"<",
        b"<link",
        b'<link rel="alternate" type="application/rss+xml" href="',
        b"<!-- unterminated comment <link rel=alternate type=application/rss+xml href=/x>",
        b"<script>",
        b"\x00" * 100,
    ],
)
def test_broken_html_never_raises(html):
    assert find_feed_links(html, base_url=PAGE) == []


def test_large_hostile_page_is_bounded():
    html = ("<div " + "a=" * 50_000 + ">") * 20 + "<p>" * 200_000
    started = time.perf_counter()
    assert find_feed_links(html, base_url=PAGE) == []
    assert time.perf_counter() - started < 10


def test_no_usable_base_url_still_accepts_absolute_links():
    html = (
        '<link rel="alternate" type="application/rss+xml" href="https://a.example/rss">'
        '<link rel="alternate" type="application/rss+xml" href="/relative">'
    )
    assert find_feed_links(html, base_url="not a url") == ["https://a.example/rss"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_http_links_only(text):
    for link in find_feed_links(text, base_url=PAGE):
        assert link.startswith(("http://", "https://"))


# -- looks_like_html -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>x</body></html>",
        b"\xef\xbb\xbf\n  <!doctype HTML>\n<html>",
        b"<html lang=nl>",
        b"<!-- generated --><HTML>",
        b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">',
        b"<head><title>x</title></head>",
        b"<body>hi",
    ],
)
def test_pages_look_like_html_whatever_the_content_type(body):
    assert looks_like_html(body, None)
    assert looks_like_html(body, "application/rss+xml")


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><rss version="2.0">',
        b'<?xml version="1.0"?>\n<?xml-stylesheet href="x.xsl"?>\n<!-- c --><feed xmlns="a">',
        b'<rdf:RDF xmlns:rdf="x">',
        b"<atom:feed>",
        b"\xef\xbb\xbf<rss>",
    ],
)
def test_feeds_are_not_html_even_when_served_as_text_html(body):
    assert not looks_like_html(body, "text/html; charset=utf-8")


def test_content_type_decides_when_the_body_is_unclear():
    assert looks_like_html(b"hello", "text/html")
    assert looks_like_html(b"<div>x</div>", "application/xhtml+xml")
    assert not looks_like_html(b"hello", "application/xml")
    assert not looks_like_html(b"<foo/>", None)


def test_unterminated_prolog_is_handled_in_linear_time():
    body = b"<!--" + b"<!-- x -->" * 100_000
    started = time.perf_counter()
    assert not looks_like_html(body, None)
    assert time.perf_counter() - started < 1
