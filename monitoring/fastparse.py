"""A fast path for plain, well-formed RSS 2.0, Atom 1.0 and RSS 1.0 (RDF) feeds.

feedparser costs about half a millisecond per item: every element goes through the SAX layer,
a chain of ``FeedParserDict`` look-ups and a dozen special cases for formats from 2002. Most
feeds are plain, well-formed RSS 2.0, Atom 1.0 or RDF. This module reads those with expat
directly (one Python call per start tag, end tag and text run) and hands the same raw
structure feedparser would produce to ``monitoring.parsing._build_feed``, so identities,
dates, caps and sanitising stay the careful path's own code.

The promise is narrow and strict: ``parse_fast`` returns either *exactly* the ``ParsedFeed``
that ``parse_feed_careful`` (feedparser) returns for the same input, or ``None`` ("declined"),
after which the caller uses feedparser. It declines whenever it is not sure:

- anything expat does not accept as well-formed XML (feedparser then uses its loose parser);
- any DOCTYPE, entity declaration or external entity: nothing is ever expanded or fetched,
  and the careful path decides whether to refuse the document;
- a root other than ``<rss>``, Atom 1.0 ``<feed>`` or RDF with the RSS 1.0 namespace;
- namespaces feedparser does not know, known ones under an unusual prefix, and a prefix bound
  to two namespaces (feedparser's prefix map is not scoped);
- ``xml:base``, xhtml or base64 content, ``<content src>``, element types feedparser handles
  specially but this module does not model (iTunes, Media RSS groups, GeoRSS, text inputs,
  contributors, Atom ``<source>`` ...), markup nested inside text elements, a second
  ``<channel>``, and the few states where feedparser's bookkeeping turns odd (a second
  ``<description>`` in an item becomes "content", for instance).

Everything it does accept is modelled on feedparser 6.0 (``feedparser/mixin.py`` ``pop``,
``namespaces/_base.py``): whitespace stripping, relative-URI "resolution" against an empty
base, the UTF-8-read-as-Latin-1 repair, the Windows-1252 remapping of C1 controls, the
first-title-wins depth rule, guid-as-permalink, ``&amp;`` repairs in links, author e-mail
splitting (feedparser's own function is called), summary/content bookkeeping and the content
type guess for RSS. Dates in the common RFC 822 and W3CDTF shapes are computed here the way
feedparser's handlers compute them; any other date string is handed to feedparser's own
``_parse_date``. tests/monitoring/test_fastparse.py checks the equivalence on fixtures, the
bench corpus, random documents and hostile input.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.parsers import expat

import feedparser.api
from feedparser.datetimes import _parse_date as _feedparser_parse_date
from feedparser.datetimes.rfc822 import timezone_names as _RFC822_ZONES
from feedparser.encodings import RE_XML_DECLARATION
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.urls import _urljoin
from feedparser.util import FeedParserDict

from monitoring.discovery import looks_like_html
from monitoring.parsing import (
    _FIRST_ELEMENT,
    FeedParseError,
    ParsedFeed,
    _build_feed,
    _strip_invalid_xml,
    decode_feed_bytes,
)

__all__ = ["parse_fast", "parse_fast_decoded"]

log = logging.getLogger(__name__)


class _Decline(Exception):  # a signal, not an error: hence no "Error" suffix
    """Raised inside the expat callbacks: the document is not one the fast path is sure of."""


# --------------------------------------------------------------------------------------------
# Entry points


def parse_fast(
    content: bytes,
    *,
    base_url: str,
    now: datetime,
    max_entries: int = 200,
    content_type: str | None = None,
) -> ParsedFeed | None:
    """Parse a plain RSS 2.0 / Atom 1.0 / RDF body, or decline with ``None``.

    Contract: when the result is not ``None`` it equals, field by field and in order,
    ``parse_feed_careful(content, base_url=..., now=..., content_type=..., max_entries=...)``.
    ``None`` means "use the careful path"; it is also the answer for inputs the careful path
    refuses (empty bodies, HTML pages, JSON, entity declarations) — the careful path raises the
    right error for those. ``content`` is never treated as a URL or path; no entity is ever
    expanded and nothing outside the document is read. Raises ``ValueError`` only for a naive
    ``now``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not content or not content.strip():
        return None
    stripped = decode_feed_bytes(content, content_type).lstrip()
    if stripped[:1] in ("{", "["):
        return None
    if looks_like_html(stripped[:4096].encode("utf-8", "replace"), content_type):
        return None
    return parse_fast_decoded(
        stripped, base_url=base_url, now=now.astimezone(UTC), max_entries=max_entries
    )


def parse_fast_decoded(
    text: str, *, base_url: str, now: datetime, max_entries: int
) -> ParsedFeed | None:
    """``parse_fast`` for a body ``parse_feed`` has already decoded, left-stripped and screened
    (not empty, not JSON, not HTML); ``now`` is aware and in UTC. Same contract."""
    if not text.startswith("<"):
        return None
    text = _strip_invalid_xml(text)
    # The careful path refuses or filters entity declarations in the document head; rather
    # than mirror that, leave every document with a DOCTYPE or ENTITY up front to it.
    first = _FIRST_ELEMENT.search(text)
    head = text[: first.start()] if first else text
    if "<!" in head and _DECLARATIONS.search(head):
        return None
    # feedparser (convert_to_utf8) replaces the XML declaration by a UTF-8 one or adds one;
    # doing the same keeps a stray second declaration an error in both paths.
    if RE_XML_DECLARATION.search(text):
        document = RE_XML_DECLARATION.sub(_UTF8_DECLARATION, text)
    else:
        document = _UTF8_DECLARATION + "\n" + text
    raw = _FastFeedParser().parse(document)
    if raw is None:
        return None
    try:
        return _build_feed(raw, base_url=base_url, now=now, max_entries=max_entries)
    except FeedParseError:
        return None  # cannot happen for an accepted root; the careful path has the message


_DECLARATIONS = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_UTF8_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


# --------------------------------------------------------------------------------------------
# Element vocabulary (feedparser's view: tag names lower-cased, namespaced ones prefixed with
# feedparser's own prefix for the namespace URI; handler names join them with "_").

_MATCH_NAMESPACES: dict[str, str] = {
    uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()
}
_STANDARD_PREFIXES = frozenset(p for p in _MATCH_NAMESPACES.values() if p)
_RSS10_NS = "http://purl.org/rss/1.0/"
_ATOM10_NS = "http://www.w3.org/2005/atom"
_RSS090_NS = "http://my.netscape.com/rdf/simple/0.9/"
# Namespaces we accept a declaration of: every one feedparser knows, except the pre-standard
# "core" namespaces it reads as RSS/Atom (they come with other element semantics) and XLink
# (feedparser turns its declaration into an attribute of the next element).
_ACCEPTED_NAMESPACES = frozenset(
    uri
    for uri, prefix in _MATCH_NAMESPACES.items()
    if (prefix or uri in (_RSS10_NS, _ATOM10_NS)) and uri != "http://www.w3.org/1999/xlink"
)

# Kinds of element.
(
    _ROOT_RSS,
    _ROOT_ATOM,
    _ROOT_RDF,
    _CHANNEL,
    _ITEM,
    _TITLE,
    _LINK,
    _GUID,
    _DESCRIPTION,
    _SUMMARY,
    _CONTENT,
    _CONTENT_ENCODED,
    _DATE,
    _AUTHOR,
    _AUTHOR_PART,
    _URI,
    _IMAGE,
    _IMAGE_SIZE,
    _SOURCE,
    _TTL,
    _INERT,
    _GENERIC,
    _DOCUMENT,
) = range(23)

# Handler name (feedparser's "prefix_suffix") → kind, for the elements modelled here.
_KINDS: dict[str, int] = {
    "rss": _ROOT_RSS,
    "feed": _ROOT_ATOM,
    "rdf_rdf": _ROOT_RDF,
    "channel": _CHANNEL,
    "item": _ITEM,
    "entry": _ITEM,
    "title": _TITLE,
    "dc_title": _TITLE,
    "link": _LINK,
    "guid": _GUID,
    "id": _GUID,
    "description": _DESCRIPTION,
    "dc_description": _DESCRIPTION,
    "summary": _SUMMARY,
    "content": _CONTENT,
    "content_encoded": _CONTENT_ENCODED,
    "fullitem": _CONTENT_ENCODED,
    "author": _AUTHOR,
    "managingeditor": _AUTHOR,
    "dc_author": _AUTHOR,
    "dc_creator": _AUTHOR,
    "name": _AUTHOR_PART,
    "email": _AUTHOR_PART,
    "uri": _URI,
    "url": _URI,
    "homepage": _URI,
    "image": _IMAGE,
    "width": _IMAGE_SIZE,
    "height": _IMAGE_SIZE,
    "source": _SOURCE,
    "ttl": _TTL,
    # Elements with a feedparser handler whose effects never reach a field we read (tags,
    # enclosures, the language, generator, rights ...), checked one by one in feedparser 6.0.
    "category": _INERT,
    "keywords": _INERT,
    "dc_subject": _INERT,
    "language": _INERT,
    "dc_language": _INERT,
    "generator": _INERT,
    "cloud": _INERT,
    "webmaster": _INERT,
    "dc_publisher": _INERT,
    "subtitle": _INERT,
    "tagline": _INERT,
    "rights": _INERT,
    "copyright": _INERT,
    "dc_rights": _INERT,
    "enclosure": _INERT,
    "media_content": _INERT,
    "media_thumbnail": _INERT,
}
# The date elements and the key feedparser stores them under.
_DATE_KEYS: dict[str, str] = {
    "pubdate": "published",
    "published": "published",
    "issued": "published",
    "dcterms_issued": "published",
    "updated": "updated",
    "modified": "updated",
    "lastbuilddate": "updated",
    "dc_date": "updated",
    "dcterms_modified": "updated",
    "created": "created",
    "dcterms_created": "created",
    "expirationdate": "expired",
}
_KINDS.update(dict.fromkeys(_DATE_KEYS, _DATE))

_HANDLED_BY_FEEDPARSER = frozenset(
    name.split("_", 2)[2]
    for name in dir(feedparser.api.StrictFeedParser)
    if name.startswith(("_start_", "_end_"))
)
# Keys an element without a feedparser handler must not be stored under (feedparser stores it
# under its own name): fields we read, and structures feedparser's handlers read back.
_RESERVED_KEYS = frozenset(
    {
        "author",
        "authors",
        "cloud",
        "content",
        "created",
        "generator_detail",
        "guidislink",
        "href",
        "id",
        "image",
        "language",
        "link",
        "links",
        "media_content",
        "media_thumbnail",
        "published",
        "publisher",
        "publishers",
        "source",
        "subtitle",
        "summary",
        "tags",
        "textinput",
        "title",
        "ttl",
        "updated",
    }
)

_FEED_CHILDREN = frozenset(
    {_TITLE, _LINK, _DESCRIPTION, _GUID, _DATE, _AUTHOR, _IMAGE, _TTL, _INERT, _GENERIC, _ITEM}
)
_ENTRY_CHILDREN = frozenset(
    {
        _TITLE,
        _LINK,
        _GUID,
        _DESCRIPTION,
        _SUMMARY,
        _CONTENT,
        _CONTENT_ENCODED,
        _DATE,
        _AUTHOR,
        _SOURCE,
        _TTL,
        _INERT,
        _GENERIC,
    }
)
_NO_CHILDREN: frozenset[int] = frozenset()
_CHILDREN: dict[int, frozenset[int]] = {
    _DOCUMENT: frozenset({_ROOT_RSS, _ROOT_ATOM, _ROOT_RDF}),
    _ROOT_RSS: frozenset({_CHANNEL}),
    _ROOT_RDF: frozenset({_CHANNEL, _ITEM, _IMAGE}),
    _ROOT_ATOM: _FEED_CHILDREN,
    _CHANNEL: _FEED_CHILDREN,
    _ITEM: _ENTRY_CHILDREN,
    _AUTHOR: frozenset({_AUTHOR_PART, _URI}),
    # feedparser stops routing an image's children to the image at any unprefixed element
    # outside this list; the tag check is in ``_start``.
    _IMAGE: frozenset({_TITLE, _LINK, _DESCRIPTION, _URI, _IMAGE_SIZE}),
    _GENERIC: frozenset({_GENERIC}),
}
_IMAGE_TAGS = frozenset({"title", "link", "description", "url", "width", "height"})
# Namespaced attributes we read or know to be inert, under feedparser's key.
_NAMESPACED_ATTRIBUTES = {
    "http://www.w3.org/XML/1998/namespace lang": "xml:lang",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns# about": "rdf:about",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns# resource": "rdf:resource",
}
_HTML_TYPES = _FeedParserMixin.html_types
_map_content_type = _FeedParserMixin.map_content_type
_looks_like_html = _FeedParserMixin.looks_like_html
# feedparser's repair of "?a=1&b;=2" in links (mixin.pop).
_ENTITY_LIKE = re.compile("&([A-Za-z0-9_]+);")


def _element_info(name: str) -> tuple[int, str]:
    """(kind, feedparser tag) for an expat element name ("uri local" or "local")."""
    uri, _, local = name.rpartition(" ")
    local = local.lower()
    if uri:
        prefix = _MATCH_NAMESPACES.get(uri.lower())
        if prefix is None:
            raise _Decline(name)  # undeclared namespaces are rejected earlier; belt and braces
    else:
        prefix = ""
    tag = f"{prefix}:{local}" if prefix else local
    key = f"{prefix}_{local}" if prefix else local
    kind = _KINDS.get(key)
    if kind is None:
        if key in _HANDLED_BY_FEEDPARSER:
            raise _Decline(name)  # feedparser gives it a meaning we do not model
        stored_as = FeedParserDict.keymap.get(key, key)
        if isinstance(stored_as, list):
            stored_as = stored_as[0]
        if stored_as in _RESERVED_KEYS or stored_as.endswith(("_detail", "_parsed")):
            raise _Decline(name)
        kind = _GENERIC
    return kind, tag


def _finish(raw: str, *, resolve: bool = False) -> str:
    """The text of an element as feedparser's ``pop`` returns it for an element that expects
    text: stripped, URI-fixed when it may be relative (the base is always empty), UTF-8
    mis-read as Latin-1 repaired, C1 controls remapped as Windows-1252."""
    out = raw.strip()
    if resolve and out:
        out = _urljoin("", out)
    if not out.isascii():
        try:
            out = out.encode("iso-8859-1").decode("utf-8")
        except UnicodeError:
            pass
        # translate() with a dict walks every character in Python-level lookups (tens of µs
        # for a post); the table only maps C1 controls, which plain text seldom contains.
        if _C1_CONTROLS.search(out):
            out = out.translate(_cp1252)
    return out


_C1_CONTROLS = re.compile("[\x80-\x9f]")


class _AuthorContext:
    """Lets feedparser's own ``_sync_author_detail`` run on one of our plain dicts."""

    __slots__ = ("context",)

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context

    def _get_context(self) -> dict[str, Any]:
        return self.context


_sync_author_detail = _FeedParserMixin._sync_author_detail


def _save_author(context: dict[str, Any], key: str, value: str) -> None:
    """feedparser's ``_save_author`` (the order of the three steps matters)."""
    context.setdefault("author_detail", {})[key] = value
    _sync_author_detail(_AuthorContext(context))
    context.setdefault("authors", [{}])[-1][key] = value


# --------------------------------------------------------------------------------------------
# The parser


class _FastFeedParser:
    """One document: expat callbacks that mirror feedparser's state machine on a whitelist."""

    def __init__(self) -> None:
        self.version = ""
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.entry: dict[str, Any] = {}
        self.image: dict[str, Any] = {}
        self.infeed = False
        self.inentry = False
        self.inimage = False
        self.insource = False
        self.inauthor = False
        self.has_content = False
        self.channels = 0
        self.depth = 0
        self.title_depth = -1
        self.prefixes: dict[str | None, str] = {}
        self.names: dict[str, tuple[int, str]] = {}
        self.text: list[str] = []
        # (kind, tag, index of its first text piece, per-kind state)
        self.stack: list[tuple[int, str, int, Any]] = [(_DOCUMENT, "", 0, None)]
        self.starts = {
            _ROOT_RSS: self._start_rss,
            _ROOT_ATOM: self._start_atom,
            _ROOT_RDF: self._start_rdf,
            _CHANNEL: self._start_channel,
            _ITEM: self._start_item,
            _TITLE: self._start_title,
            _LINK: self._start_link,
            _GUID: self._start_guid,
            _DESCRIPTION: self._start_description,
            _SUMMARY: self._start_summary,
            _CONTENT: self._start_content,
            _CONTENT_ENCODED: self._start_content_encoded,
            _AUTHOR: self._start_author,
            _IMAGE: self._start_image,
            _SOURCE: self._start_source,
            _TTL: self._start_ttl,
        }
        self.ends = {
            _ROOT_ATOM: self._end_feed,
            _CHANNEL: self._end_feed,
            _ITEM: self._end_item,
            _TITLE: self._end_title,
            _LINK: self._end_link,
            _GUID: self._end_guid,
            _DESCRIPTION: self._end_description,
            _SUMMARY: self._end_description,
            _CONTENT: self._end_content,
            _CONTENT_ENCODED: self._end_content,
            _DATE: self._end_date,
            _AUTHOR: self._end_author,
            _AUTHOR_PART: self._end_author_part,
            _URI: self._end_uri,
            _IMAGE: self._end_image,
            _SOURCE: self._end_source,
            _TTL: self._end_ttl,
        }

    def parse(self, document: str) -> dict[str, Any] | None:
        """feedparser's raw result shape (``feed``, ``entries``, ``version``) or None."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartNamespaceDeclHandler = self._namespace
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self.text.append
        # No DTD, no entity, nothing external: the document is the careful path's business.
        parser.StartDoctypeDeclHandler = _refuse
        parser.EntityDeclHandler = _refuse
        parser.UnparsedEntityDeclHandler = _refuse
        parser.NotationDeclHandler = _refuse
        parser.ExternalEntityRefHandler = _refuse
        parser.SkippedEntityHandler = _refuse
        try:
            parser.Parse(document, True)
        except (_Decline, expat.ExpatError, RecursionError):
            return None
        except Exception:
            # A bug here must not cost a feed: feedparser can always read it.
            log.warning("fast feed parser failed, using feedparser", exc_info=True)
            return None
        return {"feed": self.feed, "entries": self.entries, "version": self.version, "bozo": 0}

    # -- expat callbacks -------------------------------------------------------------------

    def _namespace(self, prefix: str | None, uri: str) -> None:
        lower = (uri or "").lower()
        if lower not in _ACCEPTED_NAMESPACES:
            raise _Decline(uri)
        standard = _MATCH_NAMESPACES[lower]
        if prefix is None:
            if standard:
                raise _Decline(uri)  # e.g. Dublin Core as the default namespace
        elif standard != prefix and (standard or prefix in _STANDARD_PREFIXES):
            raise _Decline(uri)  # feedparser would remap the prefix of other elements
        if self.prefixes.setdefault(prefix, uri) != uri:
            raise _Decline(uri)
        if not self.version:  # feedparser's track_namespace
            if prefix is None and lower == _RSS090_NS:
                self.version = "rss090"
            elif lower == _RSS10_NS:
                self.version = "rss10"
            elif lower == _ATOM10_NS:
                self.version = "atom10"

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        info = self.names.get(name)
        if info is None:
            info = self.names[name] = _element_info(name)
        kind, tag = info
        parent = self.stack[-1][0]
        if kind not in _CHILDREN.get(parent, _NO_CHILDREN):
            raise _Decline(tag)
        if parent == _IMAGE and tag not in _IMAGE_TAGS:
            raise _Decline(tag)
        self.depth += 1
        attrs = _normalise_attributes(attributes) if attributes else _NO_ATTRIBUTES
        start = self.starts.get(kind)
        state = start(attrs, tag) if start is not None else None
        self.stack.append((kind, tag, len(self.text), state))

    def _end(self, name: str) -> None:
        kind, tag, first, state = self.stack.pop()
        text = self.text
        if len(text) > first:
            raw = "".join(text[first:])
            del text[first:]
        else:
            raw = ""
        end = self.ends.get(kind)
        if end is not None:
            end(raw, state, tag)
        self.depth -= 1

    # -- roots and containers --------------------------------------------------------------

    def _start_rss(self, attrs: dict[str, str], tag: str) -> None:
        if not self.version.startswith("rss"):
            version = attrs.get("version", "")
            known = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
            if version in known:
                self.version = known[version]
            elif version.startswith("2."):
                self.version = "rss20"
            else:
                self.version = "rss"

    def _start_atom(self, attrs: dict[str, str], tag: str) -> None:
        if self.version != "atom10":
            raise _Decline("Atom without the Atom 1.0 namespace")
        self.infeed = True

    def _start_rdf(self, attrs: dict[str, str], tag: str) -> None:
        if self.version != "rss10":
            raise _Decline("RDF without the RSS 1.0 namespace")

    def _start_channel(self, attrs: dict[str, str], tag: str) -> None:
        self.channels += 1
        if self.channels > 1 or "lastmod" in attrs or "href" in attrs:
            raise _Decline(tag)
        self.infeed = True

    def _end_feed(self, raw: str, state: Any, tag: str) -> None:
        self.infeed = False

    def _start_item(self, attrs: dict[str, str], tag: str) -> None:
        if "lastmod" in attrs or "href" in attrs:
            raise _Decline(tag)  # feedparser's CDF attributes
        self.entry = {}
        self.entries.append(self.entry)
        self.inentry = True
        self.title_depth = -1
        about = attrs.get("rdf:about")
        if about:
            self.entry["id"] = about  # an RDF item's identity, as written

    def _end_item(self, raw: str, state: Any, tag: str) -> None:
        self.inentry = False
        self.has_content = False

    def _start_image(self, attrs: dict[str, str], tag: str) -> None:
        self.image = self.feed.setdefault("image", {})
        self.inimage = True
        self.title_depth = -1

    def _end_image(self, raw: str, state: Any, tag: str) -> None:
        self.inimage = False

    def _start_source(self, attrs: dict[str, str], tag: str) -> None:
        self.insource = True
        self.title_depth = -1

    def _end_source(self, raw: str, state: Any, tag: str) -> None:
        self.insource = False

    # -- where a value goes ----------------------------------------------------------------

    def _expecting_text(self) -> bool:
        return self.infeed or self.inentry or self.insource

    def _context(self) -> dict[str, Any]:
        """feedparser's ``_get_context`` (a source is a leaf here, a text input declined)."""
        if self.inimage:
            return self.image
        if self.inentry:
            return self.entry
        return self.feed

    # -- text elements ---------------------------------------------------------------------

    def _start_title(self, attrs: dict[str, str], tag: str) -> bool:
        _content_type(attrs, "text/plain")
        return self._expecting_text()

    def _end_title(self, raw: str, expecting: bool, tag: str) -> None:
        value = raw.strip()
        if expecting:
            value = _finish(value)
            # feedparser keeps the first non-empty title of an item or feed.
            if not -1 < self.title_depth <= self.depth:
                if self.inentry:
                    self.entry["title"] = value
                else:
                    self._context()["title"] = value
        if value:
            self.title_depth = self.depth

    def _start_link(self, attrs: dict[str, str], tag: str) -> bool | None:
        """feedparser's ``_start_link``: an ``href`` link is stored now, a text link at the end
        (the state is then whether the text is wanted; None means nothing to do)."""
        attrs = dict(attrs)
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href", None)))
        if href:
            attrs["href"] = href
        if "href" not in attrs:
            return self._expecting_text()
        if attrs["rel"] == "alternate" and _map_content_type(attrs["type"]) in _HTML_TYPES:
            self._context()["link"] = _urljoin("", attrs["href"])
        return None

    def _end_link(self, raw: str, expecting: bool | None, tag: str) -> None:
        if not expecting:
            return
        value = _finish(raw, resolve=True)
        if self.inentry:
            value = value.replace("&amp;", "&")
            self.entry["link"] = _ENTITY_LIKE.sub(r"&\g<1>", value)
        else:
            self._context()["link"] = _ENTITY_LIKE.sub(r"&\g<1>", value)

    def _start_guid(self, attrs: dict[str, str], tag: str) -> bool:
        return attrs.get("ispermalink", "true") == "true"

    def _end_guid(self, raw: str, is_link: bool, tag: str) -> None:
        value = _finish(raw, resolve=is_link)
        context = self.entry if self.inentry else self.feed
        context["id"] = value
        context.setdefault("guidislink", is_link and "link" not in context)
        if is_link:
            context.setdefault("link", value)

    def _start_description(self, attrs: dict[str, str], tag: str) -> tuple[str, bool]:
        if self.inentry:
            self._check_summary_slot()
        return _content_type(attrs, "text/html"), self._expecting_text()

    def _start_summary(self, attrs: dict[str, str], tag: str) -> tuple[str, bool]:
        if not self.inentry:
            raise _Decline(tag)  # a feed-level summary changes how a later description is read
        self._check_summary_slot()
        return _content_type(attrs, "text/plain"), True

    def _check_summary_slot(self) -> None:
        # feedparser reads a second summary/description of an item as content.
        if "summary" in self.entry and not self.has_content:
            raise _Decline("second summary")

    def _end_description(self, raw: str, state: tuple[str, bool], tag: str) -> None:
        content_type, expecting = state
        if not expecting or not self.inentry:
            return  # feed and image descriptions are not read
        value, content_type = self._content_value(raw, content_type)
        self.entry["summary"] = value
        self.entry["summary_detail"] = {"type": content_type, "base": "", "value": value}

    def _start_content(self, attrs: dict[str, str], tag: str) -> str:
        if not self.inentry or attrs.get("src"):
            raise _Decline(tag)
        self.has_content = True
        return _content_type(attrs, "text/plain")

    def _start_content_encoded(self, attrs: dict[str, str], tag: str) -> str:
        if not self.inentry:
            raise _Decline(tag)
        self.has_content = True
        return _content_type(attrs, "text/html")

    def _end_content(self, raw: str, content_type: str, tag: str) -> None:
        value, content_type = self._content_value(raw, content_type)
        self.entry.setdefault("content", []).append(
            {"type": content_type, "base": "", "value": value}
        )
        self.entry.setdefault("summary", value)

    def _content_value(self, raw: str, content_type: str) -> tuple[str, str]:
        value = raw.strip()
        # RSS leaves it to readers to guess whether "text" is HTML; Atom says what it is.
        if (
            content_type == "text/plain"
            and not self.version.startswith("atom")
            and _looks_like_html(value)
        ):
            content_type = "text/html"
        return _finish(value), content_type

    # -- dates, authors, the rest ----------------------------------------------------------

    def _end_date(self, raw: str, state: Any, tag: str) -> None:
        value = _finish(raw)
        # feedparser parses every date, even ones nobody reads; its parser can raise for
        # odd strings, and then so must the careful path: leave those to it.
        try:
            parsed = _parse_date(value)
        except Exception as exc:  # any failure is a reason to decline
            raise _Decline(value) from exc
        if self.inentry:
            key = _DATE_KEYS[tag.replace(":", "_")]
            if key != "expired":
                self.entry[key] = value
                self.entry[key + "_parsed"] = parsed

    def _start_author(self, attrs: dict[str, str], tag: str) -> dict[str, Any]:
        self.inauthor = True
        context = self._context()
        context.setdefault("authors", []).append({})
        return context

    def _end_author(self, raw: str, context: dict[str, Any], tag: str) -> None:
        if self.inentry or self.infeed:
            context["author"] = _finish(raw)
        self.inauthor = False
        _sync_author_detail(_AuthorContext(context))

    def _end_author_part(self, raw: str, state: Any, tag: str) -> None:
        # <name> and <email> do not expect text in feedparser: stripped, nothing repaired.
        if self.inauthor:
            _save_author(self.stack[-1][3], tag, raw.strip())

    def _end_uri(self, raw: str, state: Any, tag: str) -> None:
        if self.inauthor:
            _save_author(self.stack[-1][3], "href", _finish(raw, resolve=True))

    def _start_ttl(self, attrs: dict[str, str], tag: str) -> None:
        if attrs:
            raise _Decline(tag)  # feedparser would store the attributes as the ttl

    def _end_ttl(self, raw: str, state: Any, tag: str) -> None:
        if self.infeed and not self.inentry:
            self.feed["ttl"] = _finish(raw)


_NO_ATTRIBUTES: dict[str, str] = {}


def _refuse(*args: Any) -> None:
    raise _Decline("DTD or entity")


def _normalise_attributes(attributes: dict[str, str]) -> dict[str, str]:
    """feedparser's attribute dict: keys lower-cased, ``rel`` and ``type`` values too."""
    attrs: dict[str, str] = {}
    for name, value in attributes.items():
        if " " in name:
            key = _NAMESPACED_ATTRIBUTES.get(name)
            if key is None:
                raise _Decline(name)  # xml:base among others
        else:
            key = name.lower()
            if key == "base":
                raise _Decline(name)  # feedparser reads a plain base="" as xml:base too
        if key in ("rel", "type"):
            value = value.lower() or value
        attrs[key] = value
    return attrs


def _content_type(attrs: dict[str, str], default: str) -> str:
    """The content type feedparser gives a text element; decline the ones whose value it
    transforms (xhtml is re-serialised, other non-text types are base64-decoded)."""
    if attrs.get("mode", "") == "base64":
        raise _Decline("base64")
    content_type = _map_content_type(attrs.get("type", default))
    if content_type not in ("text/plain", "text/html"):
        raise _Decline(content_type)
    return content_type


# --------------------------------------------------------------------------------------------
# Dates: feedparser's ``_parse_date`` tries its W3CDTF handler first, then RFC 822, then a
# handful of rarer ones. The two common shapes are computed here exactly as those first two
# handlers compute them; the W3CDTF handler rejects every string the RFC 822 pattern accepts
# (their first token is never four digits). Anything else goes to feedparser itself.

_W3CDTF = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,9})?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_RFC822 = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun), )?([0-9]{1,2}) "
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2})(?::([0-9]{2}))? ([+-][0-9]{4}|[a-z]{1,5})",
    re.IGNORECASE | re.ASCII,
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _parse_date(value: str) -> time.struct_time | None:
    """``feedparser.datetimes._parse_date(value)``, faster for the common shapes.

    Returns the same UTC struct_time (or None) and raises whatever feedparser would raise.
    """
    if not value:
        return None
    parsed = _parse_w3cdtf(value) or _parse_rfc822(value)
    return parsed if parsed is not None else _feedparser_parse_date(value)


def _parse_w3cdtf(value: str) -> time.struct_time | None:
    match = _W3CDTF.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, zone = match.groups()
    zone_hours = zone_minutes = 0
    if zone and zone[0] in "+-":
        # feedparser reads the minutes from the fifth character on: right for "+05:30",
        # "0" for "+0530". Mirrored, not fixed.
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:])
        if zone[0] == "-":
            zone_hours, zone_minutes = -zone_hours, -zone_minutes
    return _utc_struct(
        int(year),
        int(month),
        int(day),
        int(hour or 0),
        int(minute or 0),
        int(second or 0),
        zone_hours,
        zone_minutes,
    )


def _parse_rfc822(value: str) -> time.struct_time | None:
    match = _RFC822.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute, second, zone = match.groups()
    zone = zone.lower()
    if zone[0] in "+-":
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[3:])
        if zone[0] == "-":
            zone_hours, zone_minutes = -zone_hours, -zone_minutes
    elif zone.startswith("gmt") and zone != "gmt":
        return None  # "GMT+2"-like spellings: feedparser rewrites them first
    else:
        zone_hours, zone_minutes = _RFC822_ZONES.get(zone, 0), 0
    return _utc_struct(
        int(year),
        _MONTHS[month.lower()],
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        zone_hours,
        zone_minutes,
    )


def _utc_struct(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    zone_hours: int,
    zone_minutes: int,
) -> time.struct_time | None:
    """What both feedparser handlers return: ``(local - offset).utctimetuple()``; None when
    they would fail (then the remaining handlers are feedparser's to try)."""
    try:
        stamp = datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - naive by design
        return (stamp - timedelta(hours=zone_hours, minutes=zone_minutes)).utctimetuple()
    except (ValueError, OverflowError):
        return None
