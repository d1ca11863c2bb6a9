"""monitoring.sanitise: untrusted feed HTML/text/URLs in, safe bounded strings out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitoring.sanitise import MAX_URL_LENGTH, clean_html, clean_text, safe_url


# This module is pure Python and its tests also run without Django (pytest -p no:django); the
# suite-wide autouse fixtures of tests/conftest.py need pytest-django, so they are disabled here.
@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None


@pytest.fixture(autouse=True)
def _english() -> None:
    return None


BASE = "https://blog.example.org/2024/05/post.html"
REL = 'rel="noopener noreferrer nofollow"'

# Every way we know to smuggle a script URL past a naive filter.
SCRIPT_HREFS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\tjavascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&#9;script:alert(1)",
    "java&#x0A;script:alert(1)",
    "java&#13;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#0000106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VbScRiPt:msgbox(1)",
    "file:///etc/passwd",
]


class _Balance(HTMLParser):
    """Records whether every opened (non-void) tag is closed in order."""

    VOID = {"br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.ok = False


def is_balanced(fragment: str) -> bool:
    checker = _Balance()
    checker.feed(fragment)
    checker.close()
    return checker.ok and not checker.stack


# -- clean_html ----------------------------------------------------------------------------


def test_keeps_the_allowed_structure():
    html = (
        "<p>Een <em>korte</em> <strong>tekst</strong> met <b>b</b>, <i>i</i> en <code>x</code>."
        "</p><ul><li>één</li></ul><ol><li>twee</li></ol><blockquote>citaat</blockquote>"
        "<pre>pre</pre><br>"
    )
    assert clean_html(html) == html


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<style>body{display:none}</style>",
        "<iframe src='https://evil.example/'>frame text</iframe>",
        "<object data='x.swf'>object text</object>",
        "<embed src='x.swf'>",
        "<svg onload=alert(1)><script>alert(1)</script></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        "<noscript><img src='https://tracker.example/p.gif'></noscript>",
        "<template><script>alert(1)</script></template>",
        "<form action='https://evil.example/'><input name=x><button>send</button></form>",
        "<meta http-equiv='refresh' content='0;url=https://evil.example/'>",
        "<link rel=stylesheet href='https://evil.example/x.css'>",
        "<base href='https://evil.example/'>",
    ],
)
def test_removes_active_content_and_its_text(dangerous):
    out = clean_html(f"<p>voor</p>{dangerous}<p>na</p>")
    assert out.startswith("<p>voor</p>") and out.endswith("<p>na</p>")
    for marker in ("script", "alert", "evil", "iframe", "object", "svg", "style", "frame text"):
        assert marker not in out.lower()


@pytest.mark.parametrize(
    "attribute",
    [
        'onclick="alert(1)"',
        "onmouseover=alert(1)",
        'style="background:url(javascript:alert(1))"',
        'class="x"',
        'id="x"',
        'ONERROR="alert(1)"',
        'title="t"',
        'lang="nl"',
        'dir="rtl"',
    ],
)
def test_strips_event_handlers_and_styling_attributes(attribute):
    assert clean_html(f"<p {attribute}>tekst</p>") == "<p>tekst</p>"


@pytest.mark.parametrize("href", SCRIPT_HREFS)
def test_script_urls_are_removed_in_every_disguise(href):
    out = clean_html(f'<a href="{href}">klik</a>', base_url=BASE)
    assert "href" not in out
    assert "klik" in out


def test_links_get_rel_and_lose_target_and_other_attributes():
    out = clean_html(
        '<a href="https://x.example/" target="_blank" rel="opener" title="t">x</a>', base_url=BASE
    )
    assert out == f'<a href="https://x.example/" {REL}>x</a>'


def test_relative_links_resolve_against_base_url():
    out = clean_html(
        '<a href="/about">a</a><a href="next.html">b</a><a href="//cdn.example/x">c</a>'
        '<a href="?page=2">d</a>',
        base_url=BASE,
    )
    assert 'href="https://blog.example.org/about"' in out
    assert 'href="https://blog.example.org/2024/05/next.html"' in out
    assert 'href="https://cdn.example/x"' in out
    assert 'href="https://blog.example.org/2024/05/post.html?page=2"' in out


def test_relative_links_without_base_keep_text_but_lose_href():
    assert clean_html('<a href="/about">over ons</a>') == f"<a {REL}>over ons</a>"


def test_mailto_is_kept_and_credentials_are_not():
    out = clean_html(
        '<a href="mailto:redactie@example.nl">mail</a>'
        '<a href="https://bank.example@evil.example/">bank</a>'
    )
    assert 'href="mailto:redactie@example.nl"' in out
    assert "evil" not in out


def test_images_are_dropped_so_no_tracking_pixel_reaches_the_inbox():
    out = clean_html('<p>foto <img src="https://tracker.example/p.gif" alt="x"></p>')
    assert out == "<p>foto </p>"


def test_headings_are_pushed_below_the_page_headings():
    out = clean_html("<h1>a</h1><h2>b</h2><h3>c</h3><h5>d</h5>")
    assert out == "<h4>a</h4><h4>b</h4><h4>c</h4><h5>d</h5>"


def test_literal_heading_text_is_not_rewritten():
    assert clean_html("&lt;h1&gt; is a tag") == "&lt;h1&gt; is a tag"


def test_nul_and_control_characters_are_stripped_newlines_and_tabs_kept():
    out = clean_html("<p>a\x00b\x01c\x1bd\x7fe\x85f\u200b\tg\nh\r\ni</p>")
    assert out == "<p>abcdef\u200b\tg\nh\ni</p>"


def test_lone_surrogates_do_not_crash():
    assert clean_html("<p>a\ud800b</p>") == "<p>ab</p>"


def test_dutch_diacritics_survive():
    text = "<p>Coöperatie, geëvalueerd, één, privé, reünie, België, naïef, ideeën</p>"
    assert clean_html(text) == text


def test_unbalanced_input_is_balanced():
    out = clean_html("<p>open <b>vet <em>nadruk")
    assert is_balanced(out)
    assert "nadruk" in out


def test_truncation_is_bounded_balanced_and_marked():
    html = "<p><strong>" + ("woord " * 2000) + "</strong></p>" + "<ul><li>x</li></ul>" * 50
    out = clean_html(html, max_length=500)
    assert len(out) <= 500
    assert is_balanced(out)
    assert "…" in out
    assert out.endswith("</strong></p>")


def test_truncation_never_cuts_inside_a_tag_or_entity():
    html = ('<p>een &amp; <a href="https://example.org/heel/lange/url">link</a></p>') * 200
    for limit in range(50, 400, 7):
        out = clean_html(html, max_length=limit)
        assert len(out) <= limit
        assert is_balanced(out)
        assert "&am…" not in out and "<a…" not in out


def test_absurd_nesting_still_fits():
    out = clean_html("<blockquote>" * 5000 + "diep", max_length=300)
    assert len(out) <= 300


def test_huge_input_is_bounded():
    out = clean_html("<p>" + "x" * 3_000_000 + "</p>", max_length=1000)
    assert len(out) <= 1000


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("<>&\"'=/ abcpish\x00\t\n;:#é")
            + ["<a href=", "javascript:", "<script>", "</p>", "<p>", "&#x09;", "<img src=x>"]
            + ["<strong>", "</strong>", "<li>", "<ul>", "&amp;", "<h1>", "</h1>", "/x"]
        ),
        max_size=120,
    ).map("".join),
    st.integers(min_value=20, max_value=400),
)
def test_any_input_gives_bounded_safe_output(fragment, limit):
    out = clean_html(fragment, base_url=BASE, max_length=limit)
    assert len(out) <= limit
    assert "<script" not in out.lower()
    for href in re.findall(r'href="([^"]*)"', out):
        assert href.startswith(("https://", "http://", "mailto:")), href
    assert "\x00" not in out
    assert clean_html(out, base_url=BASE, max_length=limit) == out


# -- clean_text ----------------------------------------------------------------------------


def test_clean_text_strips_tags_unescapes_and_collapses_whitespace():
    assert clean_text("  <b>Vet</b>&nbsp;en\n\n<i>schuin</i> &amp; meer ", max_length=100) == (
        "Vet en schuin & meer"
    )


def test_clean_text_drops_script_content():
    assert clean_text("Titel<script>alert(1)</script>", max_length=100) == "Titel"


def test_clean_text_separates_block_elements():
    assert clean_text("regel één<br>regel twee<p>alinea</p>", max_length=100) == (
        "regel één regel twee alinea"
    )


@pytest.mark.parametrize(
    "plain", ["x < y en y > z", "AT&T", "a<b", "5 < 6 & 7 > 3", "Tom & Jerry's <3"]
)
def test_clean_text_keeps_plain_text_that_only_looks_like_markup(plain):
    assert clean_text(plain, max_length=100) == plain


def test_clean_text_truncates_on_a_word_with_ellipsis():
    out = clean_text("een twee drie vier vijf zes zeven acht", max_length=20)
    assert out == "een twee drie vier…"
    assert len(out) <= 20


def test_clean_text_strips_controls_including_escaped_ones():
    assert clean_text("a\x00bc&#x1b;d\x85e&#128;", max_length=100) == "abcde€"
    # HTML5 turns a NUL reference into U+FFFD, never into NUL.
    assert clean_text("a&#0;b", max_length=100) == "a\ufffdb"


def test_clean_text_none_and_empty():
    assert clean_text(None, max_length=10) == ""
    assert clean_text("", max_length=10) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500), st.integers(min_value=1, max_value=200))
def test_clean_text_is_bounded_single_line(s, limit):
    out = clean_text(s, max_length=limit)
    assert len(out) <= limit
    assert "\n" not in out and "\x00" not in out
    assert out == out.strip()


# -- safe_url ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=c#d", "https://example.org/a?b=c#d"),
        ("  HTTP://Example.org/x  ", "http://Example.org/x"),
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("https://exa\tmple.org/\n", "https://example.org/"),
        ("http://127.0.0.1:8080/feed", "http://127.0.0.1:8080/feed"),
        ("https://[2001:db8::1]/x", "https://[2001:db8::1]/x"),
        ("https://straße.example/", "https://straße.example/"),
    ],
)
def test_safe_url_accepts_http_urls(url, expected):
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "   ",
        "javascript:alert(1)",
        " JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "mailto:a@example.org",
        "https://user:pass@example.org/",
        "https://example.org@evil.example/",
        "https:///nohost",
        "https://",
        "https://example.org:99999/",
        "https://example.org:port/",
        "https://[::1/",
        "https:\\\\evil.example\\",
        "https://evil.example\\.good.example/",
        "/relative/without/base",
        "https://example.org/" + "a" * MAX_URL_LENGTH,
    ],
)
def test_safe_url_refuses(url):
    assert safe_url(url) is None


_URL_PIECES = st.sampled_from(
    [
        "http",
        "HTTPS",
        "hTtP",
        "://",
        ":",
        "/",
        "//",
        "?",
        "#",
        "@",
        ".",
        "-",
        "\\",
        " ",
        "\t",
        "%",
        "[",
        "]",
        "example.org",
        "a",
        "0",
        "80",
        "99999",
        "é",
        "\x00",
        "'",
        "<",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_URL_PIECES, max_size=12).map("".join), st.sampled_from([None, BASE]))
def test_safe_url_fast_path_agrees_with_the_full_check(url, base_url):
    from monitoring.sanitise import _safe_url_checked

    assert safe_url(url, base_url=base_url) == _safe_url_checked(url, base_url)


@pytest.mark.parametrize(
    "url",
    ["http://example.org", "HTTPS://a-b.example/x?y=1#z", "http://1.2.3.4/", "https://x./a@b"],
)
def test_safe_url_fast_path_agrees_on_plain_urls(url):
    from monitoring.sanitise import _safe_url_checked

    assert safe_url(url) == _safe_url_checked(url, None) is not None


def test_safe_url_resolves_relative_against_base():
    assert safe_url("../x", base_url=BASE) == "https://blog.example.org/2024/x"
    assert safe_url("//cdn.example/y", base_url=BASE) == "https://cdn.example/y"
    assert safe_url("x", base_url="javascript:alert(1)") is None
