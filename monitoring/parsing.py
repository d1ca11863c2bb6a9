"""Feed bytes → plain, sanitised entries: the "parse" step of the monitoring pipeline.

``parse_feed`` takes the body that ``monitoring/http.py`` fetched and returns a ``ParsedFeed``
whose every field is bounded and safe to store: text fields through ``clean_text``, the summary
through ``clean_html``, URLs through ``safe_url``, datetimes UTC-aware and clamped.

feedparser does the format work (RSS 0.9x/1.0/2.0, Atom, RDF, broken XML via its loose
parser). We hand it bytes wrapped in ``BytesIO`` only: given a ``str`` or even ``bytes`` it
treats the value as a URL or a file path and would fetch or read it. Its own HTML sanitiser
and relative-URI rewriting are switched off (we sanitise everything ourselves, and this halves
the parse time).

XML entity attacks are refused before any expansion happens, in two places:
1. a scan of the document head as feedparser sees it (feedparser copies "safe" ENTITY
   declarations from there into its loose parser; a 100 kB entity referenced a thousand
   times would expand to 100 MB);
2. the SAX driver used by feedparser's strict parser (``create_parser`` below): expat reports
   every entity declaration it meets, wherever it hides, and we raise before any reference is
   expanded; external entities and parameter entities are never resolved.
Only trivial declarations (a character reference such as ``<!ENTITY nbsp "&#160;">`` or at
most four plain characters) are allowed; they cannot grow the document.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import html
import io
import json
import re
import time
import xml.sax
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import feedparser.api
from defusedxml.expatreader import DefusedExpatParser

from monitoring.discovery import looks_like_html
from monitoring.sanitise import clean_html, clean_text, safe_url, strip_control_chars

__all__ = [
    "FeedParseError",
    "ParsedEntry",
    "ParsedFeed",
    "create_parser",
    "parse_feed",
    "parse_feed_careful",
]

TITLE_MAX = 500
AUTHOR_MAX = 200
SUMMARY_MAX = 20_000
TTL_MAX_MINUTES = 7 * 24 * 60
EARLIEST_DATE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
MAX_TRIVIAL_ENTITY_LENGTH = 4

_WEB_PAGE_MESSAGE = "this is a web page, not a feed — try its feed link"


class FeedParseError(ValueError):
    """The body is not a feed we can read; ``str(error)`` is meant for the person who added it."""


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One feed item, sanitised and bounded (see ``parse_feed`` for the guarantees)."""

    external_id: str
    url: str | None
    title: str
    summary_html: str
    author: str
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its title, home page link, RSS ``<ttl>`` and entries in feed order."""

    title: str
    link: str | None
    ttl_minutes: int | None
    entries: list[ParsedEntry]


# --------------------------------------------------------------------------------------------
# Entry point


def parse_feed(
    content: bytes,
    *,
    base_url: str,
    now: datetime,
    content_type: str | None = None,
    max_entries: int = 200,
) -> ParsedFeed:
    """Parse an RSS, Atom, RDF or JSON Feed body into sanitised entries.

    Contract:
    - ``content`` is the raw body (any encoding; BOMs, mislabelled Latin-1/UTF-8 and
      Windows-1252 are handled); it is never treated as a URL or path. ``base_url`` is the URL
      the body came from, used to resolve relative links. ``now`` must be timezone-aware.
    - Entries keep the feed's order; entries whose ``external_id`` was already seen are dropped
      (the first wins); at most ``max_entries`` are returned.
    - ``external_id`` is the sha256 hex of the guid/id, else of the link, else of title +
      date, else of the summary; entries with none of these are skipped.
    - ``title`` ≤ 500 chars of plain text, ``author`` ≤ 200, ``summary_html`` is ``clean_html``
      output ≤ 20,000 chars (content preferred over summary when longer), ``url`` is an
      absolute http(s) URL or ``None``. No field contains NUL or other control characters.
    - ``published_at`` is UTC; later than ``now`` + 1 day becomes ``now``; before 1995 or
      unparseable becomes ``None``. ``ttl_minutes`` is the RSS ``<ttl>`` in 1..10080, or None.
    - Malformed XML from which entries can be recovered is parsed as far as possible.

    Raises ``FeedParseError`` (a ``ValueError``) for an empty body, an HTML page (the caller
    may then run autodiscovery), entity declarations that could expand or reach outside the
    document, and anything that yields neither entries nor a feed title.

    Plain, well-formed RSS 2.0 / Atom 1.0 / RDF documents are read by the expat fast path in
    ``monitoring.fastparse``, which yields exactly what ``parse_feed_careful`` (feedparser)
    yields and declines everything it is not sure of; declined documents go to feedparser.
    """
    return _parse(
        content,
        base_url=base_url,
        now=now,
        content_type=content_type,
        max_entries=max_entries,
        fast=True,
    )


def parse_feed_careful(
    content: bytes,
    *,
    base_url: str,
    now: datetime,
    content_type: str | None = None,
    max_entries: int = 200,
) -> ParsedFeed:
    """``parse_feed`` without the fast path: every XML document goes through feedparser.

    Same contract and errors as ``parse_feed``. It is the reference the fast path is checked
    against (tests/monitoring/test_fastparse.py) and a way to rule the fast path out when
    investigating a feed.
    """
    return _parse(
        content,
        base_url=base_url,
        now=now,
        content_type=content_type,
        max_entries=max_entries,
        fast=False,
    )


def _parse(
    content: bytes,
    *,
    base_url: str,
    now: datetime,
    content_type: str | None,
    max_entries: int,
    fast: bool,
) -> ParsedFeed:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    if not content or not content.strip():
        raise FeedParseError("the response body is empty — expected a feed")
    text = decode_feed_bytes(content, content_type)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        return _parse_json_feed(stripped, base_url=base_url, now=now, max_entries=max_entries)
    if looks_like_html(stripped[:4096].encode("utf-8", "replace"), content_type):
        raise FeedParseError(_WEB_PAGE_MESSAGE)
    if fast:
        # Imported here: fastparse builds on this module's helpers, so a module-level import
        # would be circular whichever of the two is imported first.
        from monitoring.fastparse import parse_fast_decoded

        feed = parse_fast_decoded(stripped, base_url=base_url, now=now, max_entries=max_entries)
        if feed is not None:
            return feed
    raw = _feedparser_parse(_prepare_xml(stripped))
    return _build_feed(raw, base_url=base_url, now=now, max_entries=max_entries)


# --------------------------------------------------------------------------------------------
# Decoding


def _decode_byte_by_byte(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode the offending bytes as Windows-1252, else Latin-1."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    chars = []
    for byte in bad:
        try:
            chars.append(bytes((byte,)).decode("cp1252"))
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in cp1252
            chars.append(chr(byte))
    return "".join(chars), error.end


_FALLBACK_HANDLER = "springplank.cp1252-fallback"
codecs.register_error(_FALLBACK_HANDLER, _decode_byte_by_byte)

# Labels that in practice mean "UTF-8 or some Windows-1252 text": browsers read iso-8859-1
# and us-ascii as windows-1252 too, because that is what such documents really contain.
_LATIN_FAMILY = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})
_XML_ENCODING = re.compile(
    rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:\-]{1,40})"""
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:\-]{1,40})""", re.IGNORECASE)
# Longest first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF8, "utf-8"),
)
# "<?" without a BOM in the wide encodings (XML 1.0 appendix F).
_WIDE_PATTERNS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)


def decode_feed_bytes(content: bytes, content_type: str | None = None) -> str:
    """Decode a feed body to ``str`` so that mislabelled text still reads correctly.

    Order: a UTF-16/32 BOM or byte pattern; valid UTF-8 (whatever was declared — a document
    that decodes as UTF-8 almost certainly is UTF-8); the charset from ``content_type`` or the
    XML declaration (ISO-8859-1/ASCII read as Windows-1252, as browsers do); otherwise UTF-8
    with each invalid byte read as Windows-1252, which also rescues documents that mix both.
    The result has no BOM. Never raises.
    """
    for bom, codec in _BOMS:
        if content.startswith(bom):
            content = content[len(bom) :]
            if codec != "utf-8":
                return content.decode(codec, "replace")
            break
    else:
        for pattern, codec in _WIDE_PATTERNS:
            if content.startswith(pattern):
                return content.decode(codec, "replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for label in _declared_charsets(content, content_type):
        codec = _text_codec(label)
        # A wide encoding would have shown in the first bytes (sniffed above): a declaration
        # of one on ASCII-compatible bytes is a lie, like a UTF-8 label on invalid UTF-8.
        if codec is None or codec.startswith(("utf-8", "utf-16", "utf-32")):
            continue
        if codec in _LATIN_FAMILY:
            return content.decode("cp1252", _FALLBACK_HANDLER)
        return content.decode(codec, "replace")
    return content.decode("utf-8", _FALLBACK_HANDLER)


def _declared_charsets(content: bytes, content_type: str | None) -> Iterable[str]:
    if content_type:
        match = _CHARSET_PARAM.search(content_type)
        if match:
            yield match.group(1)
    match = _XML_ENCODING.match(content[:300])
    if match:
        yield match.group(1).decode("ascii")


def _text_codec(label: str) -> str | None:
    """The Python codec name for a charset label, or None if unknown or not a text codec."""
    label = label.strip().lower()
    if label in ("gb2312", "gbk"):
        label = "gb18030"  # superset; documents labelled gb2312 routinely use GBK characters
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


# --------------------------------------------------------------------------------------------
# XML preparation and entity defence

# XML 1.0 forbids these characters even as references; expat stops at the first one and
# feedparser then falls back to its slow, less exact loose parser. Removing them keeps the
# strict parser on the job.
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_INVALID_XML_CHAR_REFS = re.compile(
    r"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));"
)
# feedparser's idea of where the document head ends (``sanitizer.replace_doctype``).
_FIRST_ELEMENT = re.compile(r"<[A-Za-z0-9_]")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_ENTITY_VALUE = (
    r"(?:&\#[0-9]{1,7};|&\#x[0-9A-Fa-f]{1,6};|[^\"'&<%>]{0," + str(MAX_TRIVIAL_ENTITY_LENGTH) + "})"
)
_TRIVIAL_ENTITY = re.compile(
    r"<!ENTITY\s+[A-Za-z_][A-Za-z0-9_]*\s+"
    + (r"(?:\"" + _ENTITY_VALUE + r"\"|'" + _ENTITY_VALUE + r"')\s*>"),
    re.IGNORECASE,
)


class _EntityRefused(ValueError):
    """Raised from inside the SAX driver; deliberately not a SAXException so that feedparser
    does not swallow it and retry with its loose parser."""


def _prepare_xml(text: str) -> bytes:
    """Remove characters XML forbids, refuse dangerous entity declarations, encode as UTF-8."""
    text = _strip_invalid_xml(text)
    _refuse_entities_in_head(text)
    return text.encode("utf-8")


def _strip_invalid_xml(text: str) -> str:
    """``text`` without the characters and character references XML 1.0 forbids.

    Shared with the fast path so that both parse exactly the same document.
    """
    if _INVALID_XML_CHARS.search(text):
        text = _INVALID_XML_CHARS.sub("", text)
    if "&#" in text and _INVALID_XML_CHAR_REFS.search(text):
        text = _INVALID_XML_CHAR_REFS.sub("", text)
    return text


def _refuse_entities_in_head(text: str) -> None:
    first = _FIRST_ELEMENT.search(text)
    head = text[: first.start()] if first else text
    if "<!" not in head:
        return
    for match in _ENTITY_DECLARATION.finditer(head):
        if not _TRIVIAL_ENTITY.match(text, match.start()):
            raise FeedParseError(_entities_message())


def _entities_message() -> str:
    return (
        "the feed declares XML entities (nested, large, external or parameter entities); "
        "refused because expanding them could exhaust memory or read local files"
    )


class _FeedSaxParser(DefusedExpatParser):
    """expat, with entity declarations vetted and character data delivered in large chunks.

    ``buffer_text`` makes expat join adjacent text (it otherwise calls back for every escaped
    character, e.g. each ``&lt;`` of an HTML description), which saves feedparser ~15 %.
    """

    def __init__(self) -> None:
        super().__init__(forbid_dtd=False, forbid_entities=True, forbid_external=True)

    def defused_entity_decl(
        self,
        name: str,
        is_parameter_entity: bool,
        value: str | None,
        base: str | None,
        sysid: str | None,
        pubid: str | None,
        notation_name: str | None,
    ) -> None:
        # ``value`` is None for external entities; for internal ones it is the replacement
        # text with character references already resolved, so "&#160;" arrives as one char.
        if (
            is_parameter_entity
            or value is None
            or len(value) > MAX_TRIVIAL_ENTITY_LENGTH
            or "&" in value
            or "<" in value
            or "%" in value
        ):
            raise _EntityRefused(name)

    def defused_unparsed_entity_decl(
        self, name: str, base: str | None, sysid: str | None, pubid: str | None, notation: str
    ) -> None:
        raise _EntityRefused(name)

    def defused_external_entity_ref_handler(
        self, context: str | None, base: str | None, sysid: str | None, pubid: str | None
    ) -> int:
        raise _EntityRefused(sysid or "")

    def reset(self) -> None:
        super().reset()
        self._parser.buffer_text = True
        self._parser.buffer_size = 1 << 16


def create_parser(*args: Any, **kwargs: Any) -> xml.sax.xmlreader.XMLReader:
    """SAX driver entry point: ``xml.sax.make_parser`` calls this for feedparser (see below)."""
    return _FeedSaxParser()


# feedparser builds its strict parser with ``xml.sax.make_parser(PREFERRED_XML_PARSERS)``,
# trying each named driver module's ``create_parser()`` before the stdlib's expat driver.
# Naming this module makes every feedparser parse in the process use the vetted driver above.
feedparser.api.PREFERRED_XML_PARSERS = [__name__]


def _feedparser_parse(data: bytes) -> Any:
    # No content-location: feedparser would resolve every relative URL against it, including
    # a guid it takes for a permalink ("<guid>1234</guid>" → "<feed URL>/1234"), which would make
    # external ids depend on the URL the feed was fetched from. We resolve links ourselves.
    headers = {"content-type": "application/xml; charset=utf-8"}
    try:
        return feedparser.parse(
            io.BytesIO(data),
            sanitize_html=False,
            resolve_relative_uris=False,
            response_headers=headers,
        )
    except _EntityRefused as exc:
        raise FeedParseError(_entities_message()) from exc
    except RecursionError as exc:  # absurdly deep nesting in the loose parser
        raise FeedParseError("the feed is nested too deeply to parse") from exc


# --------------------------------------------------------------------------------------------
# Building the result


def _build_feed(raw: Any, *, base_url: str, now: datetime, max_entries: int) -> ParsedFeed:
    feed = _get(raw, "feed") or {}
    title = clean_text(_get(feed, "title"), max_length=TITLE_MAX)
    raw_entries = _get(raw, "entries") or []
    if not raw_entries:
        _refuse_empty(raw, has_title=bool(title))
    entries = _collect_entries(
        (_feedparser_entry(e, base_url=base_url, now=now) for e in raw_entries), max_entries
    )
    return ParsedFeed(
        title=title,
        link=safe_url(_get(feed, "link"), base_url=base_url),
        ttl_minutes=_ttl_minutes(_get(feed, "ttl")),
        entries=entries,
    )


def _refuse_empty(raw: Any, *, has_title: bool) -> None:
    """No entries: a legitimate empty feed has a recognised format and a title or no errors."""
    version = _get(raw, "version") or ""
    if _get(raw, "bozo") and not has_title:
        problem = _get(raw, "bozo_exception")
        detail = f" ({_short(str(problem))})" if problem else ""
        if not version:
            raise FeedParseError(f"this is not a feed: it is not valid RSS, Atom or RDF{detail}")
        raise FeedParseError(f"the feed is broken and nothing could be read from it{detail}")
    if not version:
        raise FeedParseError("this is not a feed: no RSS, Atom or RDF content was found")


def _short(s: str, limit: int = 200) -> str:
    return clean_text(s, max_length=limit)


def _collect_entries(
    candidates: Iterable[_Candidate | None], max_entries: int
) -> list[ParsedEntry]:
    """Deduplicate on external id (first wins) and cap, building only entries that are kept."""
    seen: set[str] = set()
    entries: list[ParsedEntry] = []
    for candidate in candidates:
        if len(entries) >= max_entries:
            break
        if candidate is None or candidate.external_id in seen:
            continue
        seen.add(candidate.external_id)
        entries.append(candidate.build())
    return entries


@dataclass(slots=True)
class _Candidate:
    """An entry whose identity is known but whose (costly) sanitising has not run yet."""

    external_id: str
    url: str | None
    title: str | None
    summary: str
    summary_base: str | None
    author: str | None
    published_at: datetime | None

    def build(self) -> ParsedEntry:
        return ParsedEntry(
            external_id=self.external_id,
            url=self.url,
            title=clean_text(self.title, max_length=TITLE_MAX),
            summary_html=_clean_summary(self.summary, self.summary_base),
            author=clean_text(self.author, max_length=AUTHOR_MAX),
            published_at=self.published_at,
        )


# The characters nh3 does not give back unchanged in text (it escapes the first four and drops
# a leading byte-order mark); checked for every code point in tests/monitoring/test_fastparse.py.
_NOT_PLAIN_TEXT = re.compile("[&<>\u00a0\ufeff]")


def _clean_summary(summary: str, base_url: str | None) -> str:
    """``clean_html(summary, base_url=base_url, max_length=SUMMARY_MAX)``, without the nh3
    round trip when it would be the identity.

    A plain-text summary (no markup, no references, nothing nh3 escapes) parses to a single
    text node that serialises to itself; skipping nh3 then also skips building a cleaner for
    this item's base URL, which is most of the cost for short texts.
    """
    # Stripping control characters neither adds nor removes any of _NOT_PLAIN_TEXT, so the
    # raw text can be tested (an HTML body fails at its first "<", almost for free).
    if len(summary) <= SUMMARY_MAX and not _NOT_PLAIN_TEXT.search(summary):
        return strip_control_chars(summary)
    return clean_html(summary, base_url=base_url, max_length=SUMMARY_MAX)


def _get(mapping: Any, key: str) -> Any:
    """Read a feedparser result by its canonical key.

    ``FeedParserDict`` item access goes through an alias table and, for ``updated``, a
    deprecation shim that warns and answers with ``published``; plain ``dict.get`` avoids both
    and is several times faster on this hot path.
    """
    return dict.get(mapping, key) if isinstance(mapping, dict) else None


def _feedparser_entry(entry: Any, *, base_url: str, now: datetime) -> _Candidate | None:
    link = _get(entry, "link")
    guid = _get(entry, "id")
    if _get(entry, "guidislink") and link == guid and not _is_absolute(link):
        # RSS says a guid is a permalink unless isPermaLink="false", so feedparser turns
        # <guid>1234</guid> into the link "1234": not a URL of anything.
        link = None
    summary, summary_base = _richest_body(entry)
    published_struct = (
        _get(entry, "published_parsed")
        or _get(entry, "updated_parsed")
        or _get(entry, "created_parsed")
    )
    published_raw = _get(entry, "published") or _get(entry, "updated") or ""
    title = _get(entry, "title")
    external_id = _external_id(guid, link, title, published_raw, summary)
    if external_id is None:
        return None
    url = safe_url(link, base_url=base_url)
    return _Candidate(
        external_id=external_id,
        url=url,
        title=title,
        summary=summary,
        # xml:base when the feed sets one; else the item's own page, which is what relative
        # links in a post body were written against; else the feed URL.
        summary_base=safe_url(summary_base, base_url=base_url) or url or base_url,
        author=_get(_get(entry, "author_detail"), "name") or _get(entry, "author"),
        published_at=_clamp_date(_struct_to_datetime(published_struct), now),
    )


def _is_absolute(value: Any) -> bool:
    return isinstance(value, str) and value.strip()[:8].lower().startswith(("http://", "https://"))


def _richest_body(entry: Any) -> tuple[str, str | None]:
    """The longest of the entry's content blocks and summary, as HTML, with its xml:base."""
    best_value, best_type, best_base = "", "text/html", None
    candidates = list(_get(entry, "content") or [])
    summary_detail = _get(entry, "summary_detail")
    if summary_detail is not None:
        candidates.append(summary_detail)
    elif _get(entry, "summary"):
        candidates.append({"value": _get(entry, "summary"), "type": "text/html"})
    for block in candidates:
        value = _get(block, "value") or ""
        if isinstance(value, str) and len(value) > len(best_value):
            best_value = value
            best_type = _get(block, "type") or "text/html"
            best_base = _get(block, "base")
    if best_type == "text/plain":
        best_value = _text_to_html(best_value)
    return best_value, best_base


def _text_to_html(text: str) -> str:
    """Plain text (Atom ``type="text"``) as HTML: escaped, blank lines become paragraphs."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _external_id(guid: Any, link: Any, title: Any, published: Any, summary: str) -> str | None:
    """sha256 hex of the first usable identity: guid/id, else link, else title + date, else
    (an item with only a body, which RSS allows) the summary. None when there is nothing."""
    for key in (guid, link):
        if isinstance(key, str):
            key = strip_control_chars(key).strip()
            if key:
                return _sha256(key)
    title_date = "\n".join(
        strip_control_chars(part).strip() for part in (title, published) if isinstance(part, str)
    )
    if title_date.strip():
        return _sha256(title_date)
    body = strip_control_chars(summary).strip()
    return _sha256(body) if body else None


def _sha256(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        # feedparser's *_parsed values are UTC; timegm avoids the local-time trap of mktime.
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _clamp_date(value: datetime | None, now: datetime) -> datetime | None:
    """Future dates beyond tomorrow become ``now``; pre-1995 (epoch zero, typos) become None."""
    if value is None or value < EARLIEST_DATE:
        return None
    if value > now + FUTURE_TOLERANCE:
        return now
    return value


_TTL = re.compile(r"\s*(\d{1,9})\s*(?:min(?:utes?)?)?\s*$", re.IGNORECASE)


def _ttl_minutes(value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    match = _TTL.match(value)
    if not match:
        return None
    minutes = int(match.group(1))
    if minutes <= 0:
        return None
    return min(minutes, TTL_MAX_MINUTES)


# --------------------------------------------------------------------------------------------
# JSON Feed (https://jsonfeed.org/version/1.1): discovery finds application/feed+json links, so
# we read them too. Same guarantees as for XML feeds.


def _parse_json_feed(text: str, *, base_url: str, now: datetime, max_entries: int) -> ParsedFeed:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FeedParseError("this is not a feed: the body is not valid XML or JSON") from exc
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise FeedParseError("this is JSON, but not a JSON Feed")
    items = doc.get("items")
    items = items if isinstance(items, list) else []
    title = clean_text(_json_str(doc.get("title")), max_length=TITLE_MAX)
    if not items and not title:
        raise FeedParseError("the JSON Feed has neither a title nor items")
    entries = _collect_entries(
        (_json_entry(item, base_url=base_url, now=now) for item in items), max_entries
    )
    return ParsedFeed(
        title=title,
        link=safe_url(_json_str(doc.get("home_page_url")), base_url=base_url),
        ttl_minutes=None,
        entries=entries,
    )


def _json_str(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _json_entry(item: Any, *, base_url: str, now: datetime) -> _Candidate | None:
    if not isinstance(item, dict):
        return None
    link = _json_str(item.get("url")) or _json_str(item.get("external_url"))
    body = _json_str(item.get("content_html"))
    if body is None:
        text = _json_str(item.get("content_text")) or _json_str(item.get("summary"))
        body = _text_to_html(text or "")
    published_raw = _json_str(item.get("date_published")) or _json_str(item.get("date_modified"))
    external_id = _external_id(
        _json_str(item.get("id")), link, _json_str(item.get("title")), published_raw or "", body
    )
    if external_id is None:
        return None
    return _Candidate(
        external_id=external_id,
        url=safe_url(link, base_url=base_url),
        title=_json_str(item.get("title")),
        summary=body,
        summary_base=safe_url(link) or base_url,
        author=_json_author(item),
        published_at=_clamp_date(_iso_datetime(published_raw), now),
    )


def _json_author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    for author in candidates:
        if isinstance(author, dict) and _json_str(author.get("name")):
            return _json_str(author.get("name"))
    return None


def _iso_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
