"""Turn untrusted feed text into something safe to store and show.

Everything that comes out of a feed is hostile until it has been through this module:
``clean_html`` for the HTML we render (the item summary), ``clean_text`` for the fields we show
as plain text (titles, authors), ``safe_url`` for every URL we store or link to.

Pure functions on ``str``: no Django, no network. nh3 (ammonia, Rust) does the HTML parsing,
so every decision about what a browser would see as a tag or a URL is made by a real HTML5
tokenizer, not by regular expressions.
"""

from __future__ import annotations

import contextvars
import functools
import html as htmllib
import ipaddress
import re
from urllib.parse import urljoin, urlsplit

import nh3

__all__ = [
    "MAX_URL_LENGTH",
    "clean_html",
    "clean_text",
    "safe_url",
    "strip_control_chars",
]

MAX_URL_LENGTH = 2_000

# Tags a review-queue summary needs: paragraphs, emphasis, lists, quotes, code and links.
# No images: a remote <img> in someone's inbox is a tracking pixel (it tells the publisher who
# read the item and when, which clashes with "privacy by design"), a mixed-content and
# layout hazard, and triage does not need pictures; the link to the original is one click away.
# No tables, no styles, no classes: the app's own CSS decides how summaries look.
_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "br",
        "code",
        "em",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
# Elements whose *content* is dropped too, not just the tags: scripts, styles, embedded
# documents and fallbacks (noscript holds tracking pixels), and a full page's <head>/<title>
# when a publisher pastes a whole document into the description.
_DROP_CONTENT_TAGS = frozenset(
    {
        "applet",
        "audio",
        "button",
        "canvas",
        "embed",
        "frame",
        "frameset",
        "head",
        "iframe",
        "math",
        "noembed",
        "noframes",
        "noscript",
        "object",
        "script",
        "select",
        "style",
        "svg",
        "template",
        "textarea",
        "title",
        "video",
    }
)
_LINK_REL = "noopener noreferrer nofollow"
_HTML_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# Summaries sit inside a page that has its own h1-h3; feed headings are pushed below them
# rather than dropped, so the structure of a long post stays readable.
_HEADING_DOWNGRADE = tuple(
    (f"<{end}h{level}>", f"<{end}h4>") for level in (1, 2, 3) for end in ("", "/")
)

# C0 controls except \t and \n (and \r, which we normalise first), DEL, C1 controls, lone
# surrogates (they cannot be encoded to UTF-8, so PostgreSQL and nh3 would fail on them) and
# the two XML non-characters.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Raw input larger than this multiple of the output budget is cut before sanitising: text past
# it could never reach the output, and nh3's time grows with the input.
_RAW_INPUT_FACTOR = 10
_RAW_INPUT_FLOOR = 200_000

_ELLIPSIS = "…"

# A complete tag of a known element, or a character reference: then the string is HTML and
# must be parsed as such, not shown literally. A lone "<" ("x < y", "a<b") is plain text.
_KNOWN_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|body|br|center|cite|code|dd|del|div|dl|dt|em|embed|"
    r"figcaption|figure|font|h[1-6]|head|hr|html|i|iframe|img|ins|kbd|li|link|mark|math|meta|"
    r"noscript|object|ol|p|pre|q|s|script|small|span|strike|strong|style|sub|sup|svg|table|"
    r"tbody|td|th|thead|title|tr|tt|u|ul|video)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_CHAR_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
# Block-level boundaries become a space before tags are stripped, so "a<br>b" reads "a b".
_BLOCK_BOUNDARY = re.compile(
    r"<(?=/?(?:br|p|div|li|dd|dt|h[1-6]|tr|td|th|blockquote|ul|ol|pre|hr|table)\b)", re.I
)

_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags=set(_DROP_CONTENT_TAGS), attributes={})

_HOST_CHARS = re.compile(r"[^\s\\/<>\"'`{}|^%@:\[\]?#]+")


def strip_control_chars(s: str) -> str:
    """Return ``s`` without NUL, C0/C1 control characters, lone surrogates and non-characters.

    ``\\n`` and ``\\t`` are kept; ``\\r\\n`` and lone ``\\r`` become ``\\n``. Never raises.
    """
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub("", s)


def safe_url(url: str | None, *, base_url: str | None = None) -> str | None:
    """Return ``url`` as an absolute http(s) URL, or ``None`` when it cannot safely be one.

    Contract:
    - surrounding whitespace and control characters are stripped; tabs and newlines inside
      are removed (as browsers do), other inner spaces are percent-encoded;
    - a relative URL is resolved against ``base_url`` (itself checked the same way); without
      a usable base a relative URL gives ``None``;
    - only ``http`` and ``https`` are accepted (``javascript:``, ``data:``, ``file:``, ... give
      ``None``); the scheme is lower-cased, the rest is kept as written;
    - URLs with credentials (``user:pass@host``), without a host, with a malformed host or port,
      or longer than ``MAX_URL_LENGTH`` characters give ``None``.
    Never raises.
    """
    if not url:
        return None
    if len(url) <= MAX_URL_LENGTH and _PLAIN_ABSOLUTE_URL.fullmatch(url):
        # The common case, decided without parsing: nothing to tidy, an http(s) scheme, a
        # host of letters, digits, dots and hyphens, no port, no credentials.
        return url if url[:4] == "http" else url[:5].lower() + url[5:]
    return _safe_url_checked(url, base_url)


def _safe_url_checked(url: str, base_url: str | None) -> str | None:
    """``safe_url`` without its fast path: tidy, resolve, parse and check."""
    cleaned = _tidy_url(url)
    if not cleaned or len(cleaned) > MAX_URL_LENGTH:
        return None
    if not _has_scheme(cleaned):
        base = _safe_base(base_url)
        if base is None:
            return None
        try:
            cleaned = urljoin(base, cleaned)
        except ValueError:
            return None
        if len(cleaned) > MAX_URL_LENGTH:
            return None
    return _checked_absolute_url(cleaned)


def _tidy_url(url: str) -> str:
    """Strip controls and whitespace the way a browser's URL parser does before parsing."""
    url = strip_control_chars(url).replace("\t", "").replace("\n", "").strip()
    if " " in url:
        url = url.replace(" ", "%20")
    return url


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
# What ``safe_url`` accepts unchanged (but for the scheme's case) after the full check: printable
# ASCII without spaces after an authority that is just a plain host name. Anything else takes
# the full path; tests/monitoring/test_sanitise.py holds the two to agreement.
_PLAIN_ABSOLUTE_URL = re.compile(r"[hH][tT][tT][pP][sS]?://[A-Za-z0-9.\-]+(?:[/?#][!-~]*)?")


def _has_scheme(url: str) -> bool:
    return _SCHEME.match(url) is not None


def _checked_absolute_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65_536
    except ValueError:  # malformed IPv6 literal or a non-numeric port
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not port_ok:
        return None
    if "@" in parts.netloc or not _host_is_plausible(parts.netloc, parts.hostname):
        return None
    if url[: len(scheme)] != scheme:
        url = scheme + url[len(scheme) :]
    return url


def _host_is_plausible(netloc: str, hostname: str | None) -> bool:
    """A host a browser would read the way we do: a name, an IPv4 or a bracketed IPv6."""
    if not hostname:
        return False
    if netloc.startswith("["):
        try:
            ipaddress.IPv6Address(hostname.split("%", 1)[0])
        except ValueError:
            return False
        return True
    # Backslashes, quotes and the like make browsers and Python disagree about the host.
    return _HOST_CHARS.fullmatch(hostname) is not None


def clean_html(html: str, *, base_url: str | None = None, max_length: int = 20_000) -> str:
    """Sanitise an untrusted HTML fragment into the small subset a summary may use.

    Contract:
    - output contains only ``_ALLOWED_TAGS`` (h1-h3 rewritten to h4), no attributes except
      ``href`` on ``<a>``, which is an absolute http(s) URL (``safe_url`` rules, relative links
      resolved against ``base_url``, dropped when there is none) or a ``mailto:``; every link
      carries ``rel="noopener noreferrer nofollow"``;
    - scripts, styles, embedded objects, SVG/MathML, forms and their content are removed;
    - control characters are stripped (``strip_control_chars``);
    - the result is at most ``max_length`` characters and well-formed: a long text is cut on a
      tag/entity/word boundary, "…" appended, and sanitised again so tags stay balanced.
    Never raises for any ``str`` input.
    """
    if not html:
        return ""
    raw_cap = max(max_length * _RAW_INPUT_FACTOR, _RAW_INPUT_FLOOR)
    if len(html) > raw_cap:
        html = html[:raw_cap]
    token = _LINK_BASE.set(_safe_base(base_url))
    try:
        cleaned = _clean_once(_CLEANER, strip_control_chars(html))
        if len(cleaned) <= max_length:
            return cleaned
        return _truncate_html(_CLEANER, cleaned, max_length)
    finally:
        _LINK_BASE.reset(token)


@functools.lru_cache(maxsize=256)
def _safe_base(base_url: str | None) -> str | None:
    # Every entry of a feed shares one base URL: validate it once.
    return safe_url(base_url) if base_url else None


# The base URL relative links of the fragment being cleaned resolve against. One cleaner serves
# every call (building one costs as much as cleaning a summary); its link check reads the base
# of the current call from here.
_LINK_BASE: contextvars.ContextVar[str | None] = contextvars.ContextVar("link_base", default=None)


def _check_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return _safe_href(value, _LINK_BASE.get())
    return value


def _html_cleaner() -> nh3.Cleaner:
    """The nh3 cleaner of summaries; links are checked by ``_check_attribute``."""
    return nh3.Cleaner(
        tags=set(_ALLOWED_TAGS),
        clean_content_tags=set(_DROP_CONTENT_TAGS),
        # "*" must be given explicitly, or ammonia keeps its default lang/title everywhere.
        attributes={"a": {"href"}, "*": set()},
        attribute_filter=_check_attribute,
        link_rel=_LINK_REL,
        url_schemes=set(_HTML_URL_SCHEMES),
        strip_comments=True,
    )


_CLEANER = _html_cleaner()


def _safe_href(value: str, base_url: str | None) -> str | None:
    # nh3 has already refused every scheme outside _HTML_URL_SCHEMES (after decoding entities
    # and dropping tabs/newlines as a browser would); this adds our own URL rules on top.
    if value[:7].lower() == "mailto:":
        return value if len(value) <= MAX_URL_LENGTH and "\n" not in value else None
    return safe_url(value, base_url=base_url)


def _clean_once(cleaner: nh3.Cleaner, fragment: str) -> str:
    out = cleaner.clean(fragment)
    if "<h" in out or "</h" in out:
        # nh3 output is normalised (no attributes are allowed on headings, text "<" is escaped
        # as &lt;), so these exact strings can only be heading tags.
        for old, new in _HEADING_DOWNGRADE:
            out = out.replace(old, new)
    return out


def _truncate_html(cleaner: nh3.Cleaner, cleaned: str, max_length: int) -> str:
    """Cut sanitised HTML to ``max_length`` and re-sanitise so that open tags are closed."""
    budget = max_length - len(_ELLIPSIS)
    for _ in range(8):
        if budget <= 0:
            break
        cut = _cut_on_boundary(cleaned, budget)
        out = _clean_once(cleaner, cut + _ELLIPSIS)
        if len(out) <= max_length:
            return out
        # Closing tags added by the re-sanitise pushed us over: shrink by the overflow and a
        # margin and try again; a handful of rounds covers any realistic nesting depth.
        budget -= len(out) - max_length + 32
    # Absurd nesting: fall back to plain text, which always fits.
    return htmllib.escape(clean_text(cleaned, max_length=max(max_length // 6, 1)), quote=False)


def _cut_on_boundary(s: str, limit: int) -> str:
    """``s[:limit]`` moved back so it does not end inside a tag, an entity or a word."""
    cut = s[:limit]
    last_open = cut.rfind("<")
    if last_open > cut.rfind(">"):
        cut = cut[:last_open]
    last_amp = cut.rfind("&")
    if last_amp != -1 and ";" not in cut[last_amp:]:
        cut = cut[:last_amp]
    # Prefer ending on a word boundary when one is close; otherwise cut mid-word.
    space = max(cut.rfind(" "), cut.rfind(">"))
    if space >= len(cut) - 40 and space > 0:
        cut = cut[: space + 1] if cut[space] == ">" else cut[:space]
    return cut


def clean_text(s: str | None, *, max_length: int) -> str:
    """Reduce an untrusted string (plain text or HTML) to one line of plain text.

    Contract: HTML tags are stripped (the content of scripts, styles and other
    ``_DROP_CONTENT_TAGS`` is dropped), character references are unescaped, control characters
    are stripped, all whitespace runs become one space, and the result is at most
    ``max_length`` characters, cut on a word boundary when one is near and ending in "…" when
    cut. Text that merely contains "<" or "&" ("x < y", "AT&T") is kept as written. ``None``
    gives "". Never raises.
    """
    if not s:
        return ""
    if len(s) > max_length * _RAW_INPUT_FACTOR + _RAW_INPUT_FLOOR:
        s = s[: max_length * _RAW_INPUT_FACTOR + _RAW_INPUT_FLOOR]
    s = strip_control_chars(s)
    if "<" in s and _KNOWN_TAG.search(s):
        s = _TEXT_CLEANER.clean(_BLOCK_BOUNDARY.sub(" <", s))
        s = htmllib.unescape(s)
    elif "&" in s and _CHAR_REFERENCE.search(s):
        s = htmllib.unescape(s)
    # Unescaping can produce controls again (&#0; &#x1b;), so strip once more.
    s = " ".join(strip_control_chars(s).split())
    return _truncate_text(s, max_length)


def _truncate_text(s: str, max_length: int) -> str:
    if len(s) <= max_length:
        return s
    if max_length <= len(_ELLIPSIS):
        return s[:max_length]
    cut = s[: max_length - len(_ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= len(cut) * 0.8:
        cut = cut[:space]
    return cut.rstrip() + _ELLIPSIS
