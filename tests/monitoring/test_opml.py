"""monitoring.opml: importing hostile OPML safely, exporting OPML that reads back the same."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.opml import (
    MAX_OUTLINES,
    OpmlError,
    OpmlOutline,
    build_opml,
    parse_opml,
)
from monitoring.sanitise import clean_text

FEEDS = Path(__file__).parent / "feeds"


# This module is pure Python and its tests also run without Django (pytest -p no:django); the
# suite-wide autouse fixtures of tests/conftest.py need pytest-django, so they are disabled here.
@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None


@pytest.fixture(autouse=True)
def _english() -> None:
    return None


def opml(body: str, *, head: str = "<head><title>T</title></head>", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<opml version="2.0">{head}'
        f"<body>{body}</body></opml>"
    ).encode()


def test_nested_fixture_is_flattened_with_category_paths_and_problems():
    doc = parse_opml((FEEDS / "nested.opml").read_bytes())
    assert doc.title == "Mijn abonnementen"
    assert doc.outlines == [
        OpmlOutline(
            "Omroep Utrecht",
            "https://omroep.example.nl/rss",
            "https://omroep.example.nl/",
            "Nieuws / Regio",
        ),
        OpmlOutline("Krant & Co", "https://krant.example.nl/feed.xml", None, "Nieuws"),
        OpmlOutline("Losse blog", "http://blog.example.org/atom", None, ""),
    ]
    assert [(p.line, p.message.split(":")[0]) for p in doc.problems] == [
        (10, "skipped “Ongeldig”"),
        (15, "skipped “Dubbel”"),
        (16, "skipped “Geen URL”"),
    ]
    assert "more than once" in doc.problems[1].message


def test_title_falls_back_to_text_then_url_and_is_plain_text():
    doc = parse_opml(
        opml(
            '<outline text="&lt;b&gt;Vet&lt;/b&gt; nieuws" xmlUrl="https://a.example/rss"/>'
            '<outline xmlUrl="https://b.example/rss"/>'
        )
    )
    assert [o.title for o in doc.outlines] == ["Vet nieuws", "https://b.example/rss"]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/xml,<rss/>",
        "feed://example.org/rss",
        "https://user:pw@example.org/rss",
        "/relative.xml",
    ],
)
def test_unsafe_feed_urls_are_skipped_and_reported(url):
    doc = parse_opml(opml(f'<outline text="x" xmlUrl="{url.replace("<", "&lt;")}"/>'))
    assert doc.outlines == []
    assert len(doc.problems) == 1 and doc.problems[0].line == 1


def test_unsafe_html_url_is_dropped_but_the_feed_kept():
    doc = parse_opml(
        opml('<outline text="x" xmlUrl="https://a.example/rss" htmlUrl="javascript:x()"/>')
    )
    assert doc.outlines == [OpmlOutline("x", "https://a.example/rss", None, "")]


def test_too_many_outlines_are_capped_and_reported():
    body = "".join(f'<outline text="f" xmlUrl="https://e.example/{i}"/>' for i in range(5_010))
    doc = parse_opml(opml(body))
    assert len(doc.outlines) == MAX_OUTLINES
    assert len(doc.problems) == 10


def test_latin1_file_labelled_utf8_is_read():
    content = opml('<outline text="Café België" xmlUrl="https://a.example/rss"/>')
    doc = parse_opml(content.decode().encode("latin-1"))
    assert doc.outlines[0].title == "Café België"


def test_utf16_file_is_read():
    content = opml('<outline text="één" xmlUrl="https://a.example/rss"/>').decode()
    content = content.replace('encoding="utf-8"', 'encoding="utf-16"')
    assert parse_opml(content.encode("utf-16")).outlines[0].title == "één"


# -- refused input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"<opml><body><outline", "not valid XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not valid XML"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "feed, not an OPML"),
        (b'<feed xmlns="http://www.w3.org/2005/Atom"/>', "feed, not an OPML"),
        (b"<html><body>x</body></html>", "web page"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "not valid XML|web page"),
        (b"<outlines><outline/></outlines>", "root element is <outlines>"),
    ],
)
def test_not_opml_is_refused_with_a_clear_message(content, message):
    with pytest.raises(OpmlError, match=message):
        parse_opml(content)


HOSTILE = {
    "billion laughs": opml(
        "<outline text='&lol3;' xmlUrl='https://a.example/'/>",
        prolog=(
            '<!DOCTYPE opml [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">'
            '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;">]>'
        ),
    ),
    "quadratic": opml(
        "<outline text='" + "&a;" * 10_000 + "' xmlUrl='https://a.example/'/>",
        prolog=f'<!DOCTYPE opml [<!ENTITY a "{"A" * 100_000}">]>',
    ),
    "external entity": opml(
        "<outline text='&xxe;' xmlUrl='https://a.example/'/>",
        prolog='<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ),
    "parameter entity": opml(
        "<outline text='x' xmlUrl='https://a.example/'/>",
        prolog='<!DOCTYPE opml [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>',
    ),
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_entity_tricks_are_refused_fast(content):
    started = time.perf_counter()
    with pytest.raises(OpmlError, match="entities"):
        parse_opml(content)
    assert time.perf_counter() - started < 2


def test_a_doctype_without_entities_is_fine_an_external_dtd_is_not():
    outline = "<outline text='x' xmlUrl='https://a.example/'/>"
    assert len(parse_opml(opml(outline, prolog="<!DOCTYPE opml>")).outlines) == 1
    with pytest.raises(OpmlError, match="external references"):
        parse_opml(opml(outline, prolog='<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">'))


def test_problem_line_numbers_match_the_file():
    content = (
        b'\n\n<?xml version="1.0"?>\n<opml>\n<body>\n\n<outline xmlUrl="ftp://x"/></body></opml>'
    )
    assert [p.line for p in parse_opml(content).problems] == [7]


# -- build_opml ----------------------------------------------------------------------------


def test_build_escapes_and_round_trips():
    outlines = [
        OpmlOutline('A & B <"quoted">', "https://a.example/rss?x=1&y=2", None, "Map & co"),
        OpmlOutline("Twee", "https://b.example/rss", "https://b.example/", "Map & co"),
        OpmlOutline("Zonder map", "https://c.example/rss", None, ""),
        OpmlOutline("Diep", "https://d.example/rss", None, "Nieuws / Regio"),
    ]
    content = build_opml("Export van Springplank & co", outlines)
    assert content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert b'<opml version="2.0">' in content
    assert b"A &amp; B &lt;&quot;quoted&quot;&gt;" in content
    doc = parse_opml(content)
    assert doc.title == "Export van Springplank & co"
    assert doc.outlines == outlines
    assert doc.problems == []


def test_build_strips_characters_xml_cannot_carry():
    content = build_opml("t\x00", [OpmlOutline("a\x01b", "https://a.example/", None, "")])
    assert parse_opml(content).outlines[0].title == "ab"


def test_build_groups_interleaved_categories():
    outlines = [
        OpmlOutline("1", "https://e.example/1", None, "X"),
        OpmlOutline("2", "https://e.example/2", None, ""),
        OpmlOutline("3", "https://e.example/3", None, "X"),
    ]
    assert parse_opml(build_opml("t", outlines)).outlines == [
        outlines[0],
        outlines[2],
        outlines[1],
    ]


_TEXT = st.text(min_size=1, max_size=40).map(lambda s: clean_text(s, max_length=500))
_HOST = st.from_regex(r"[a-z]{1,10}\.(nl|be|com)", fullmatch=True)
_PATH = st.text(alphabet="abcxyz0189-_/é&?=", max_size=20)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(_TEXT, _HOST, _PATH, st.booleans(), st.sampled_from(["", "A", "A / B", "Ñ&"])),
        max_size=15,
    ),
    _TEXT,
)
def test_round_trip_property(rows, title):
    outlines = []
    seen = set()
    for text, host, path, with_html, category in rows:
        xml_url = f"https://{host}/{path}".replace(" ", "%20")
        if xml_url in seen:
            continue
        seen.add(xml_url)
        html_url = f"https://{host}/" if with_html else None
        outlines.append(OpmlOutline(text or xml_url, xml_url, html_url, category))
    categories = dict.fromkeys(o.category for o in outlines)
    grouped = [o for c in categories for o in outlines if o.category == c]
    doc = parse_opml(build_opml(title, grouped))
    assert doc.outlines == grouped
    assert doc.title == title
