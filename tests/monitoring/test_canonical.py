"""monitoring.canonical: one story, one URL — and never two different pages merged."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from monitoring.canonical import canonical_url, unwrap_redirect

ARTICLE = "https://www.example.nl/nieuws/artikel-1?id=7"


# This module is pure Python and its tests also run without Django (pytest -p no:django); the
# suite-wide autouse fixtures of tests/conftest.py need pytest-django, so they are disabled here.
@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    return None


@pytest.fixture(autouse=True)
def _english() -> None:
    return None


def bing_ck(target: str) -> str:
    encoded = base64.urlsafe_b64encode(target.encode()).decode().rstrip("=")
    return f"https://www.bing.com/ck/a?!&&p=abc&ptn=3&u=a1{encoded}&ntb=1"


# -- unwrap_redirect -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "wrapper",
    [
        # Google Alerts feeds link through google.com/url with the target in url=.
        "https://www.google.com/url?rct=j&sa=t&url="
        + quote(ARTICLE, safe="")
        + "&ct=ga&cd=CAIyGjA&usg=AOvVaw1",
        "https://www.google.com/url?q=" + quote(ARTICLE, safe="") + "&sa=U&ved=2ah",
        "http://google.nl/url?url=" + quote(ARTICLE, safe=""),
        "https://www.google.co.uk/url?q=" + quote(ARTICLE, safe=""),
        "HTTPS://WWW.GOOGLE.COM:443/url?url=" + quote(ARTICLE, safe=""),
        "https://l.facebook.com/l.php?u=" + quote(ARTICLE, safe="") + "&h=AT0x",
        "https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url="
        + quote(ARTICLE, safe="")
        + "&c=123",
        bing_ck(ARTICLE),
        "https://duckduckgo.com/l/?uddg=" + quote(ARTICLE, safe="") + "&rut=abc",
        "https://eur01.safelinks.protection.outlook.com/?url="
        + quote(ARTICLE, safe="")
        + "&data=05",
    ],
)
def test_known_wrappers_are_unwrapped(wrapper):
    assert unwrap_redirect(wrapper) == ARTICLE


def test_nested_wrappers_are_unwrapped():
    inner = "https://l.facebook.com/l.php?u=" + quote(ARTICLE, safe="")
    outer = "https://www.google.com/url?url=" + quote(inner, safe="")
    assert unwrap_redirect(outer) == ARTICLE


@pytest.mark.parametrize(
    "url",
    [
        ARTICLE,
        "https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vZXhhbXBsZS5ubC8?oc=5",
        "https://t.co/abc123",
        "https://lnkd.in/dXyZ",
        "https://www.google.com/search?q=https%3A%2F%2Fexample.nl%2F",
        "https://www.google.com/url?url=javascript%3Aalert(1)",
        "https://www.google.com/url?q=%2Frelative",
        "https://www.google.com/url?url=https%3A%2F%2Fuser%3Apw%40evil.example%2F",
        "https://notgoogle.com/url?url=" + quote(ARTICLE, safe=""),
        "https://www.bing.com/ck/a?u=a1!!!not-base64",
        "not a url at all",
        "",
    ],
)
def test_everything_else_is_left_alone(url):
    assert unwrap_redirect(url) == url


# -- canonical_url -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.NL/Pad/Naar?b=2&a=1", "https://www.example.nl/Pad/Naar?a=1&b=2"),
        ("https://example.nl", "https://example.nl/"),
        ("http://example.nl:80/x", "http://example.nl/x"),
        ("https://example.nl:443/x", "https://example.nl/x"),
        ("https://example.nl:8443/x", "https://example.nl:8443/x"),
        ("https://example.nl/x#reacties", "https://example.nl/x"),
        ("https://example.nl/#!/artikel/1", "https://example.nl/#!/artikel/1"),
        ("https://user:pw@example.nl/x", "https://example.nl/x"),
        ("https://example.nl./x", "https://example.nl/x"),
        (
            "https://example.nl/x?utm_source=rss&utm_medium=feed&UTM_Campaign=y&id=3&fbclid=abc"
            "&gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&igshid=6&_hsenc=7&_hsmi=8&ref=hn"
            "&ref_src=twsrc&yclid=9&spm=a.b",
            "https://example.nl/x?id=3",
        ),
        ("https://example.nl/x?utm_source=rss", "https://example.nl/x"),
        ("https://example.nl/a/", "https://example.nl/a/"),  # trailing slash kept
        ("https://example.nl/a", "https://example.nl/a"),
        ("https://www.example.nl/", "https://www.example.nl/"),  # www kept
        ("https://example.nl/café", "https://example.nl/caf%C3%A9"),
        ("https://example.nl/caf%c3%a9", "https://example.nl/caf%C3%A9"),
        ("https://example.nl/a b?q=x y", "https://example.nl/a%20b?q=x%20y"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://faß.de/", "https://xn--fa-hia.de/"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
        ("https://example.nl/?b=2&a=1&b=1", "https://example.nl/?a=1&b=2&b=1"),  # stable sort
        ("https://example.nl/?flag&a=1", "https://example.nl/?a=1&flag"),
        ("  https://example.nl/x  ", "https://example.nl/x"),
        (
            "https://www.google.com/url?url="
            + quote("https://Example.nl/y?utm_source=alert&b=1#top", safe=""),
            "https://example.nl/y?b=1",
        ),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url", ["mailto:a@example.nl", "javascript:alert(1)", "ftp://example.nl/x", "", "  x  "]
)
def test_non_http_input_is_returned_stripped(url):
    assert canonical_url(url) == url.strip()


def test_the_same_story_via_different_sources_gets_one_key():
    direct = "https://www.example.nl/nieuws/artikel-1?id=7"
    via_alert = (
        "https://www.google.com/url?rct=j&sa=t&url="
        + quote(direct + "&utm_source=alert", safe="")
        + "&ct=ga"
    )
    via_facebook = "https://l.facebook.com/l.php?u=" + quote(direct + "#comments", safe="")
    assert canonical_url(via_alert) == canonical_url(via_facebook) == canonical_url(direct)


# Hypothesis: idempotence on generated URLs plus the shapes that are hard for it to find.
_EXTRA = st.sampled_from(
    [
        "?utm_source=x&b=2&a=1",
        "?a=%2f&A=1&a=%2F",
        "#frag",
        "#!/x y",
        "?q=caf\u00e9&x",
        "/p\u00e4th/%7e?",
        "?&&=&a==b",
        ":443/x",
        "/../a/./b",
        "?fbclid=1",
        "",
    ]
)


@settings(max_examples=300, deadline=None)
@given(urls(), _EXTRA)
def test_canonical_url_is_idempotent(url, extra):
    for candidate in (url, url + extra):
        once = canonical_url(candidate)
        assert canonical_url(once) == once


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_canonical_url_never_raises_and_is_idempotent_on_any_text(text):
    once = canonical_url(text)
    assert canonical_url(once) == once


@settings(max_examples=200, deadline=None)
@given(urls())
def test_wrapped_urls_canonicalise_like_their_target(url):
    wrapped = "https://www.google.com/url?url=" + quote(url, safe="")
    assert canonical_url(wrapped) == canonical_url(url)
