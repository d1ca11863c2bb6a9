"""monitoring.parsing: feed bytes in, sanitised bounded entries out, hostile input refused."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser.api
import pytest

from monitoring.parsing import (
    AUTHOR_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    FeedParseError,
    ParsedFeed,
    decode_feed_bytes,
    parse_feed,
)
from tests.conftest import bench_kit_file

FEEDS = Path(__file__).parent / "feeds"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
BASE = "https://nieuws.example.nl/feed.xml"
# Hostile inputs must be refused quickly; generous for slow CI machines, far below what an
# actual expansion (hundreds of MB) would take.
FAST = 2.0


# This module is pure Python and its tests also run without Django (pytest -p no:django); the
# suite-wide autouse fixtures of tests/conftest.py need pytest-django, so they are disabled here.
@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None


@pytest.fixture(autouse=True)
def _english() -> None:
    return None


def parse(content: bytes, **kwargs: object) -> ParsedFeed:
    options: dict[str, object] = {"base_url": BASE, "now": NOW}
    options.update(kwargs)
    return parse_feed(content, **options)  # type: ignore[arg-type]


def rss(items: str, *, channel: str = "<title>T</title>", prolog: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{prolog}<rss version="2.0"><channel>'
        f"{channel}{items}</channel></rss>"
    ).encode()


def sha(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


# -- the three formats, from fixture files -------------------------------------------------


def test_rss2_fixture():
    feed = parse((FEEDS / "rss2.xml").read_bytes())
    assert feed.title == "Gemeente Nieuws & Achtergronden"
    assert feed.link == "https://nieuws.example.nl/"
    assert feed.ttl_minutes == 30
    assert [e.title for e in feed.entries] == [
        "Coöperatie in België geëvalueerd: “één privé-reünie”",
        "Tweede bericht over de woningmarkt",
        "Zonder guid",
    ]
    first, second, third = feed.entries
    assert first.external_id == sha("nieuws.example.nl#1001")
    assert first.url == "https://nieuws.example.nl/2024/05/cooperatie?utm_source=rss"
    assert first.author == "J. de Vriës"
    assert first.published_at == datetime(2024, 5, 31, 12, 30, tzinfo=UTC)
    # content:encoded is richer than the description, so it wins; it is sanitised.
    assert "<strong>coöperatie</strong>" in first.summary_html
    assert 'href="https://nieuws.example.nl/rapport.pdf"' in first.summary_html
    assert 'href="https://nieuws.example.nl/2024/05/meer"' in first.summary_html
    for banned in ("script", "tracker", "onclick", "javascript", "<img", "<h1"):
        assert banned not in first.summary_html
    assert second.url == "https://nieuws.example.nl/2024/05/woningmarkt"  # relative <link>
    assert second.author == "Redactie"  # "email (Name)" gives the name
    assert second.summary_html == "<p>Huurprijzen <em>stijgen</em> weer.</p>"  # no iframe
    assert third.external_id == sha("https://nieuws.example.nl/2024/05/zonder-guid")


def test_atom_fixture():
    feed = parse((FEEDS / "atom.xml").read_bytes(), base_url="https://blog.example.org/feed")
    assert feed.title == "Het weblog van Müller"
    assert feed.link == "https://blog.example.org/"
    assert feed.ttl_minutes is None
    first, second = feed.entries
    assert first.external_id == sha("tag:blog.example.org,2024:1")
    assert first.url == "https://blog.example.org/weblog/2024/05/eerste"  # xml:base, rel=alternate
    assert first.title == "x < y, en toch"
    assert first.author == "A. Müller"
    assert first.published_at == datetime(2024, 5, 31, 10, 0, tzinfo=UTC)
    assert 'href="https://blog.example.org/weblog/plaatje/zie"' in first.summary_html
    assert "<b>vet</b>" in first.summary_html
    assert "onmouseover" not in first.summary_html and "svg" not in first.summary_html
    assert second.title == "Tweede & laatste"
    assert second.published_at == datetime(2024, 5, 30, 9, 0, tzinfo=UTC)  # <updated> only
    assert second.summary_html == "<p>Samenvatting twee</p>"


def test_atom_plain_text_summary_is_escaped_not_parsed():
    content = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><id>1</id><title>t</title><summary type="text">a &lt;b&gt; c

    tweede alinea</summary></entry></feed>"""
    (entry,) = parse(content).entries
    assert entry.summary_html == "<p>a &lt;b&gt; c</p><p>tweede alinea</p>"


def test_rdf_fixture():
    feed = parse((FEEDS / "rdf.xml").read_bytes())
    assert feed.title == "RDF-nieuws uit België"
    assert [e.url for e in feed.entries] == ["https://rdf.example.be/1", "https://rdf.example.be/2"]
    assert feed.entries[0].title == "Naïeve ideeën over efficiënte zorg"
    assert feed.entries[0].author == "M. Janssen"
    assert feed.entries[0].published_at == datetime(2024, 5, 31, 8, 0, tzinfo=UTC)
    assert feed.entries[0].external_id == sha("https://rdf.example.be/1")


def test_json_feed():
    content = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON",
      "home_page_url": "https://j.example/", "items": [
        {"id": 42, "url": "/a", "title": "<b>Hoi</b>", "authors": [{"name": "Ann"}],
         "content_html": "<p>x<script>y</script></p>",
         "date_published": "2024-05-01T10:00:00+02:00"},
        {"id": "42", "title": "duplicate id"},
        {"id": "t", "content_text": "a < b"}]}"""
    feed = parse(content, base_url="https://j.example/feed.json")
    assert feed.title == "JSON" and feed.link == "https://j.example/"
    first, second = feed.entries
    assert first.external_id == sha("42") and first.url == "https://j.example/a"
    assert first.title == "Hoi" and first.author == "Ann"
    assert first.summary_html == "<p>x</p>"
    assert first.published_at == datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
    assert second.summary_html == "<p>a &lt; b</p>"


def test_json_that_is_not_a_feed_is_refused():
    with pytest.raises(FeedParseError, match="not a JSON Feed"):
        parse(b'{"hello": "world"}')
    with pytest.raises(FeedParseError):
        parse(b"[" * 100_000)


# -- hostile XML ---------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><guid>1</guid></item></channel></rss>"""


def quadratic(prolog_extra: str = "", before: str = "") -> bytes:
    """One 100 kB entity referenced 5,000 times: 500 MB if expanded (feedparser's loose parser
    would copy it: it keeps entity declarations without "&" as "safe")."""
    return (
        f'<?xml version="1.0"?>\n{before}<!DOCTYPE rss [{prolog_extra}\n'
        f'<!ENTITY a "{"A" * 100_000}">\n]>\n'
        f'<rss version="2.0"><channel><title>T</title><item><guid>1</guid><title>{"&a;" * 5000}'
        f"</title></item></channel></rss>"
    ).encode()


HOSTILE = {
    "billion laughs": BILLION_LAUGHS,
    "quadratic blow-up": quadratic(),
    "quadratic, declaration hidden after a PI": quadratic("<?pi <x?>"),
    # expat stops at the malformed comment before it sees the DOCTYPE, and feedparser's loose
    # parser would then expand the entity: only the head scan stands in the way.
    "quadratic after an XML error": quadratic(before="<!-- a -- b -->\n"),
    "quadratic, declaration on the DOCTYPE line": quadratic().replace(b"[\n<!ENTITY", b"[<!ENTITY"),
    "external file entity": b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&xxe;</title><item><guid>1</guid><title>&xxe;</title></item>
</channel></rss>""",
    "external http entity": b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY xxe SYSTEM "http://127.0.0.1:9/secret">
]>
<rss version="2.0"><channel><title>&xxe;</title><item><guid>1</guid></item></channel></rss>""",
    "public external entity": b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY xxe PUBLIC "-//x//y" "http://127.0.0.1:9/x">
]>
<rss version="2.0"><channel><title>&xxe;</title><item><guid>1</guid></item></channel></rss>""",
    "parameter entity": b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY % p SYSTEM "http://127.0.0.1:9/evil.dtd">
%p;
]>
<rss version="2.0"><channel><title>T</title><item><guid>1</guid></item></channel></rss>""",
    "entity in a comment before the DOCTYPE": b"""<?xml version="1.0"?>
<!--
<!ENTITY a "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">
-->
<!DOCTYPE rss [
<!ENTITY nbsp "&#160;">
]>
<rss version="2.0"><channel><title>T&a;</title><item><guid>1</guid></item></channel></rss>""",
    "double-escaped entity": b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY amp2 "&#38;#38;">
]>
<rss version="2.0"><channel><title>T&amp2;</title><item><guid>1</guid></item></channel></rss>""",
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_entity_tricks_are_refused_fast_without_expansion(content):
    started = time.perf_counter()
    with pytest.raises(FeedParseError, match="entities"):
        parse(content)
    assert time.perf_counter() - started < FAST


def test_a_declaration_feedparser_cannot_see_is_not_expanded_either():
    # "<a" inside the comment ends feedparser's idea of the head, so it copies no entity; expat
    # reads the comment as a comment. Either way "&a;" must stay unexpanded.
    content = b"""<?xml version="1.0"?>
<!-- <a>
<!ENTITY a "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">
-->
<rss version="2.0"><channel><title>T&a;</title><item><guid>1</guid><title>x&a;</title></item>
</channel></rss>"""
    feed = parse(content)
    assert "AAAA" not in feed.title and "AAAA" not in feed.entries[0].title


def test_the_vetted_sax_driver_is_the_one_feedparser_uses():
    # The head scan cannot see a declaration hidden behind "<x" in a processing instruction;
    # only the SAX driver does. If feedparser stopped using it, this case would expand.
    assert feedparser.api.PREFERRED_XML_PARSERS == ["monitoring.parsing"]
    with pytest.raises(FeedParseError, match="entities"):
        parse(quadratic("<?pi <x?>"))


def test_trivial_character_entities_are_allowed():
    content = rss(
        "<item><guid>1</guid><title>a&nbsp;b&copy2;</title></item>",
        prolog='\n<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n<!ENTITY copy2 "(c)">\n]>\n',
    )
    (entry,) = parse(content).entries
    assert entry.title == "a b(c)"  # clean_text collapses the no-break space


def test_an_external_dtd_without_entities_is_fine():
    content = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
 "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Net</title><link>http://n.example/</link>
<item><title>caf&eacute;</title><link>http://n.example/1</link></item></channel></rss>"""
    (entry,) = parse(content).entries
    assert entry.title == "café"


def test_bytes_that_name_a_file_are_not_read(tmp_path):
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(rss("<item><guid>1</guid><title>from disk</title></item>"))
    with pytest.raises(FeedParseError):
        parse(str(feed_file).encode())


def test_a_url_as_body_is_not_fetched():
    with pytest.raises(FeedParseError):
        parse(b"http://127.0.0.1:9/feed.xml")


# -- refusing what is not a feed -----------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"   \n\t  ", b"\r\n"])
def test_empty_body(body):
    with pytest.raises(FeedParseError, match="empty"):
        parse(body)


def test_html_page_is_refused_with_a_hint():
    with pytest.raises(FeedParseError, match="web page, not a feed — try its feed link"):
        parse((FEEDS / "page.html").read_bytes(), content_type="text/html; charset=utf-8")


def test_html_page_without_doctype_served_as_xml():
    with pytest.raises(FeedParseError, match="web page"):
        parse(b"\n  <html><head><title>x</title></head><body>hi</body></html>")


def test_feed_served_as_text_html_is_still_a_feed():
    feed = parse(rss("<item><guid>1</guid></item>"), content_type="text/html")
    assert len(feed.entries) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        b"this is just some text",
        b"<?xml version='1.0'?><config><x>1</x></config>",
        b"<<<<>>>>&&&&;;;;",
    ],
)
def test_garbage_is_refused(body):
    with pytest.raises(FeedParseError, match="not a feed|broken"):
        parse(body)


def test_empty_but_valid_feed_has_no_entries():
    feed = parse(rss(""))
    assert feed.title == "T" and feed.entries == []


def test_malformed_but_recoverable_xml_keeps_what_it_can():
    content = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Kapot</title>'
        b"<item><title>een & twee</title><guid>1</guid></item>"
        b"<item><title>drie<br>vier</title><guid>2</guid><description><p>x</description></item>"
    )  # bare "&", unclosed <br>, <p>, channel and rss
    feed = parse(content)
    assert feed.title == "Kapot"
    assert [e.title for e in feed.entries] == ["een & twee", "drie vier"]


# -- encodings -----------------------------------------------------------------------------

DUTCH = "Reünie in Zürich: “privé” ideeën — één café"


def test_windows_1252_smart_quotes_declared_as_iso_8859_1():
    feed = parse((FEEDS / "latin1.xml").read_bytes())
    assert feed.title == "Café Latin"
    assert feed.entries[0].title == DUTCH
    assert feed.entries[0].summary_html == "Coöperatie &amp; naïef"


def test_latin1_declared_as_utf8():
    content = rss(f"<item><guid>1</guid><title>{DUTCH}</title></item>").decode()
    (entry,) = parse(content.encode("cp1252")).entries
    assert entry.title == DUTCH


def test_utf8_declared_as_latin1_in_xml_and_in_http_header():
    content = rss(f"<item><guid>1</guid><title>{DUTCH}</title></item>").replace(
        b'encoding="utf-8"', b'encoding="ISO-8859-1"'
    )
    assert parse(content).entries[0].title == DUTCH
    assert parse(content, content_type="text/xml; charset=iso-8859-1").entries[0].title == DUTCH


def test_mixed_utf8_with_a_stray_latin1_byte():
    content = rss(f"<item><guid>1</guid><title>{DUTCH} caf\xe9</title></item>".encode().decode())
    content = content.replace("caf\xe9".encode(), b"caf\xe9")
    assert parse(content).entries[0].title == f"{DUTCH} café"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_byte_order_marks(codec):
    text = rss(f"<item><guid>1</guid><title>{DUTCH}</title></item>").decode()
    text = text.replace('encoding="utf-8"', f'encoding="{codec.removesuffix("-sig")}"')
    assert parse(text.encode(codec)).entries[0].title == DUTCH


def test_declared_cyrillic_encoding_is_honoured():
    text = rss("<item><guid>1</guid><title>Привет</title></item>").decode()
    content = text.replace("utf-8", "windows-1251").encode("windows-1251")
    assert parse(content).entries[0].title == "Привет"


def test_a_false_utf16_label_on_single_byte_text_is_ignored():
    text = rss(f"<item><guid>1</guid><title>{DUTCH}</title></item>").decode()
    content = text.replace("utf-8", "utf-16").encode("cp1252")
    assert parse(content).entries[0].title == DUTCH


def test_decode_never_raises_on_unknown_labels():
    assert decode_feed_bytes(b'<?xml version="1.0" encoding="x-nonsense"?>\xff', None)
    assert decode_feed_bytes(b"abc\xe9", "text/xml; charset=rot13") == "abcé"


# -- NUL and control characters ------------------------------------------------------------


def test_nul_bytes_and_controls_are_stripped_everywhere():
    content = rss(
        "<item><guid>g\x001</guid><title>a\x00b\x01c\x1f</title><author>x\x00y</author>"
        "<description>d\x00e&#0;&#x1;f</description><link>https://e.example/\x00p</link></item>",
        channel="<title>T\x00itel</title>",
    )
    feed = parse(content)
    (entry,) = feed.entries
    assert feed.title == "Titel"
    assert (entry.title, entry.author, entry.summary_html) == ("abc", "xy", "def")
    assert entry.url == "https://e.example/p"
    assert entry.external_id == sha("g1")


# -- identity, duplicates and caps ---------------------------------------------------------


def test_ten_thousand_items_sharing_one_guid_give_one_entry():
    items = "".join(f"<item><guid>same</guid><title>t{i}</title></item>" for i in range(10_000))
    started = time.perf_counter()
    feed = parse(rss(items))
    assert time.perf_counter() - started < 15
    assert len(feed.entries) == 1
    assert feed.entries[0].title == "t0"  # the first wins


def test_five_thousand_distinct_items_are_capped_in_feed_order():
    items = "".join(f"<item><guid>g{i}</guid><title>t{i}</title></item>" for i in range(5_000))
    content = rss(items)
    assert [e.title for e in parse(content).entries] == [f"t{i}" for i in range(200)]
    assert [e.title for e in parse(content, max_entries=7).entries] == [f"t{i}" for i in range(7)]


def test_external_id_falls_back_from_guid_to_link_to_title_and_date():
    content = rss(
        "<item><guid>  urn:x  </guid><link>https://e.example/1</link></item>"
        "<item><link>https://e.example/2</link><title>b</title></item>"
        "<item><title>c</title><pubDate>Fri, 31 May 2024 10:00:00 GMT</pubDate></item>"
        "<item><title>c</title><pubDate>Sat, 01 Jun 2024 10:00:00 GMT</pubDate></item>"
        "<item></item>"
    )
    ids = [e.external_id for e in parse(content).entries]
    assert ids[:2] == [sha("urn:x"), sha("https://e.example/2")]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert all(len(i) == 64 for i in ids)
    assert ids == [e.external_id for e in parse(content).entries]  # stable


def test_external_id_does_not_depend_on_the_fetch_url():
    content = rss("<item><guid>1234</guid><title>t</title></item>")
    one = parse(content, base_url="http://a.example/feed").entries[0]
    two = parse(content, base_url="https://b.example/rss").entries[0]
    assert one.external_id == two.external_id == sha("1234")
    # <guid>1234</guid> is nominally a permalink, but not a URL: no invented link.
    assert one.url is None


def test_guid_permalink_becomes_the_url():
    (entry,) = parse(rss("<item><guid>https://e.example/p</guid></item>")).entries
    assert entry.url == "https://e.example/p"


# -- field caps and URLs -------------------------------------------------------------------


def test_fields_are_capped():
    content = rss(
        f"<item><guid>1</guid><title>{'titel ' * 500}&lt;b&gt;x&lt;/b&gt;</title>"
        f"<author>{'a' * 1000}</author><description>{'&lt;p&gt;woord ' * 10_000}"
        "</description></item>"
    )
    (entry,) = parse(content).entries
    assert len(entry.title) <= TITLE_MAX and entry.title.endswith("…")
    assert "<" not in entry.title
    assert len(entry.author) <= AUTHOR_MAX
    assert len(entry.summary_html) <= SUMMARY_MAX


def test_script_links_are_dropped():
    content = rss(
        "<item><guid>1</guid><link>javascript:alert(1)</link></item>"
        "<item><guid>2</guid><link> JAVASCRIPT:alert(1)</link></item>"
        "<item><guid>3</guid><link>data:text/html,x</link></item>",
        channel="<title>T</title><link>javascript:alert(2)</link>",
    )
    feed = parse(content)
    assert feed.link is None
    assert [e.url for e in feed.entries] == [None, None, None]


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Fri, 31 Dec 9999 23:59:59 GMT", NOW),
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),
        ("Sun, 31 Dec 1994 23:59:59 GMT", None),
        ("Sun, 01 Jan 1995 00:00:00 GMT", datetime(1995, 1, 1, tzinfo=UTC)),
        ("yesterday-ish", None),
        ("", None),
        ("Fri, 31 May 2024 14:30:00 +0200", datetime(2024, 5, 31, 12, 30, tzinfo=UTC)),
        ("2024-05-31T23:30:00-05:00", datetime(2024, 6, 1, 4, 30, tzinfo=UTC)),
        ("Sat, 01 Jun 2024 22:00:00 GMT", datetime(2024, 6, 1, 22, 0, tzinfo=UTC)),  # < 1 day
        ("Mon, 03 Jun 2024 12:00:00 GMT", NOW),  # > 1 day ahead
    ],
)
def test_dates_are_utc_and_clamped(raw, expected):
    (entry,) = parse(rss(f"<item><guid>1</guid><pubDate>{raw}</pubDate></item>")).entries
    assert entry.published_at == expected
    if entry.published_at is not None:
        assert entry.published_at.tzinfo is not None
        assert entry.published_at.utcoffset() == timedelta(0)


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        parse_feed(rss(""), base_url=BASE, now=datetime(2024, 6, 1))  # noqa: DTZ001


# -- ttl -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("60", 60), (" 15 ", 15), ("0", None), ("-5", None), ("abc", None), ("99999999", 10080)],
)
def test_ttl_is_bounded(raw, expected):
    assert parse(rss("", channel=f"<title>T</title><ttl>{raw}</ttl>")).ttl_minutes == expected


# -- the bench corpus ----------------------------------------------------------------------

MAKE_CORPUS = bench_kit_file("make_corpus.py")


@pytest.mark.skipif(not MAKE_CORPUS.is_file(), reason="shared/bench is not beside the project")
def test_bench_corpus_parses_completely(tmp_path):
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), "--n", "30", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    for feed_info in manifest["feeds"]:
        content = (tmp_path / feed_info["file"]).read_bytes()
        feed = parse(content, base_url=f"http://127.0.0.1:18080/{feed_info['file']}")
        assert len(feed.entries) == min(feed_info["items"], 200), feed_info
        for entry in feed.entries:
            assert entry.title and entry.published_at and entry.url
            assert "<script" not in entry.summary_html and "<img" not in entry.summary_html
