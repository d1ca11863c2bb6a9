"""OPML import and export: moving a list of followed feeds between readers.

``parse_opml`` reads a user-uploaded file, so it is hostile input: it goes through defusedxml
(no entity declarations, no external references), is bounded in size of the result, and
reports the outlines it skipped, with line numbers, instead of failing the whole import.
``build_opml`` writes OPML 2.0 that ``parse_opml`` reads back unchanged.
"""

from __future__ import annotations

import io
import re
import xml.sax
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from monitoring.parsing import decode_feed_bytes
from monitoring.sanitise import clean_text, safe_url, strip_control_chars

__all__ = [
    "MAX_OUTLINES",
    "OpmlDocument",
    "OpmlError",
    "OpmlOutline",
    "OpmlProblem",
    "build_opml",
    "parse_opml",
]

MAX_OUTLINES = 5_000
MAX_PROBLEMS = 200
TITLE_MAX = 500
CATEGORY_MAX = 500
CATEGORY_SEPARATOR = " / "


class OpmlError(ValueError):
    """The file is not OPML we can read; ``str(error)`` is meant for the person uploading it."""


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One feed: its title, feed URL, site URL and folder path ("News / Local", or "")."""

    title: str
    xml_url: str
    html_url: str | None = None
    category: str = ""


@dataclass(frozen=True, slots=True)
class OpmlProblem:
    """An outline that was skipped, and why; ``line`` is 1-based when known."""

    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class OpmlDocument:
    """What an OPML file yielded: its title, the feeds to import and what was skipped."""

    title: str
    outlines: list[OpmlOutline] = field(default_factory=list)
    problems: list[OpmlProblem] = field(default_factory=list)


def parse_opml(content: bytes) -> OpmlDocument:
    """Read the feeds of an OPML 1.0/2.0 file.

    Contract:
    - every ``<outline>`` with an ``xmlUrl`` (attribute names in any case) is a feed; outlines
      without one are folders, and the titles of the enclosing folders form ``category``
      (joined with " / "); nesting of any depth is flattened;
    - titles are plain text (``clean_text``, ≤ 500 chars; ``text`` is used when ``title`` is
      missing, then the URL); URLs are absolute http(s) (``safe_url``);
    - an outline whose feed URL is missing, not http(s), or already listed is skipped and
      reported in ``problems`` with its line number; so is everything past 5,000 feeds;
    - the file's encoding comes from its XML declaration (UTF-8 by default).
    Raises ``OpmlError`` for empty input, malformed XML, a document whose root is not
    ``<opml>``, and for any DTD entity declaration or external reference (entity expansion
    and external-entity attacks are refused before anything is expanded).
    """
    if not content or not content.strip():
        raise OpmlError("the file is empty")
    content = _as_utf8(content)
    handler = _OpmlHandler()
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    parser.setErrorHandler(handler)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(content))
    try:
        parser.parse(source)
    except DefusedXmlException as exc:
        raise OpmlError(
            "the file declares XML entities or external references; refused for safety"
        ) from exc
    except _NotOpml as exc:
        raise OpmlError(str(exc)) from exc
    except xml.sax.SAXParseException as exc:
        raise OpmlError(
            f"the file is not valid XML (line {exc.getLineNumber()}: {exc.getMessage()})"
        ) from exc
    if not handler.saw_root:
        raise OpmlError("the file contains no OPML document")
    return OpmlDocument(title=handler.title, outlines=handler.outlines, problems=handler.problems)


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,300}\?>")
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _as_utf8(content: bytes) -> bytes:
    """Re-encode as UTF-8 with a matching declaration, after the same forgiving decoding as
    feeds get (BOMs, UTF-16, Latin-1 exported as "UTF-8"), minus characters XML forbids."""
    text = _INVALID_XML_CHARS.sub("", decode_feed_bytes(content))
    declaration = _XML_DECLARATION.match(text)
    if declaration:
        # Keep the line count, so that problems point at the lines the user sees.
        text = "\n" * declaration.group(0).count("\n") + text[declaration.end() :]
    return ('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8")


class _NotOpml(Exception):
    pass


class _OpmlHandler(xml.sax.handler.ContentHandler, xml.sax.handler.ErrorHandler):
    """Streaming SAX handler: memory stays proportional to the feeds kept, not the file."""

    def __init__(self) -> None:
        super().__init__()
        self.saw_root = False
        self.title = ""
        self.outlines: list[OpmlOutline] = []
        self.problems: list[OpmlProblem] = []
        self._folders: list[str | None] = []  # one entry per open <outline>; None = a feed
        self._seen_urls: set[str] = set()
        self._in_head_title = False
        self._title_parts: list[str] = []
        self._depth = 0
        self._parent = ""  # the current child of <opml>: "head" or "body"
        self._locator: xml.sax.xmlreader.Locator | None = None

    # -- SAX plumbing --------------------------------------------------------------------

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:  # noqa: N802
        self._locator = locator

    def error(self, exception: BaseException) -> None:
        raise exception

    def fatalError(self, exception: BaseException) -> None:  # noqa: N802
        raise exception

    def warning(self, exception: BaseException) -> None:
        pass

    # -- elements -----------------------------------------------------------------------

    def startElement(self, name: str, attrs: xml.sax.xmlreader.AttributesImpl) -> None:  # noqa: N802
        self._depth += 1
        local = name.rsplit(":", 1)[-1].lower()
        if self._depth == 2:
            self._parent = local
        if self._depth == 1:
            if local != "opml":
                raise _NotOpml(_not_opml_message(local))
            self.saw_root = True
        elif local == "title" and self._depth == 3 and self._parent == "head":
            self._in_head_title = True
        elif local == "outline":
            self._start_outline({key.lower(): value for key, value in attrs.items()})

    def endElement(self, name: str) -> None:  # noqa: N802
        self._depth -= 1
        local = name.rsplit(":", 1)[-1].lower()
        if local == "outline" and self._folders:
            self._folders.pop()
        elif local == "title" and self._in_head_title:
            self._in_head_title = False
            if not self.title:
                self.title = clean_text("".join(self._title_parts), max_length=TITLE_MAX)

    def characters(self, content: str) -> None:
        if self._in_head_title and sum(map(len, self._title_parts)) < TITLE_MAX * 4:
            self._title_parts.append(content)

    def _start_outline(self, attrs: dict[str, str]) -> None:
        label = clean_text(attrs.get("title") or attrs.get("text"), max_length=TITLE_MAX)
        raw_url = attrs.get("xmlurl")
        if raw_url is None:
            self._folders.append(label)
            return
        self._folders.append(None)
        xml_url = safe_url(raw_url)
        if xml_url is None:
            shown = clean_text(raw_url, max_length=100) or "(empty)"
            self._problem(f"skipped “{label or shown}”: feed URL {shown} is not an http(s) URL")
        elif xml_url in self._seen_urls:
            self._problem(f"skipped “{label or xml_url}”: {xml_url} is listed more than once")
        elif len(self.outlines) >= MAX_OUTLINES:
            self._problem(f"skipped {xml_url}: only the first {MAX_OUTLINES} feeds are imported")
        else:
            self._seen_urls.add(xml_url)
            self.outlines.append(
                OpmlOutline(
                    title=label or xml_url[:TITLE_MAX],
                    xml_url=xml_url,
                    html_url=safe_url(attrs.get("htmlurl")),
                    category=self._category(),
                )
            )

    def _category(self) -> str:
        # Folders are the enclosing outlines without xmlUrl; a feed outline that (oddly) has
        # children does not become a folder name.
        names = [name for name in self._folders[:-1] if name]
        return clean_text(CATEGORY_SEPARATOR.join(names), max_length=CATEGORY_MAX)

    def _problem(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            line = self._locator.getLineNumber() if self._locator is not None else None
            self.problems.append(OpmlProblem(line=line, message=message))


def _not_opml_message(root: str) -> str:
    if root in ("rss", "feed", "rdf"):
        return "this is a feed, not an OPML file — add it as a source instead"
    if root == "html":
        return "this is a web page, not an OPML file"
    return f"this is not an OPML file (its root element is <{root[:40]}>, expected <opml>)"


def build_opml(title: str, outlines: Iterable[OpmlOutline]) -> bytes:
    """Serialise feeds as an OPML 2.0 document (UTF-8 bytes with an XML declaration).

    Each distinct ``category`` becomes one folder outline whose title is the category string,
    in order of first appearance; feeds without a category sit at the top level. All text is
    escaped by ElementTree and stripped of characters XML cannot carry. Round trip: for
    outlines that ``parse_opml`` could itself have produced, ``parse_opml`` of the result gives
    the same outlines, grouped by category (so the same list when the input was grouped).
    """
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_safe(title)
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    for outline in outlines:
        parent = body
        if outline.category:
            parent = folders.get(outline.category)
            if parent is None:
                name = _xml_safe(outline.category)
                parent = ET.SubElement(body, "outline", text=name, title=name)
                folders[outline.category] = parent
        attributes = {
            "type": "rss",
            "text": _xml_safe(outline.title),
            "title": _xml_safe(outline.title),
            "xmlUrl": _xml_safe(outline.xml_url),
        }
        if outline.html_url:
            attributes["htmlUrl"] = _xml_safe(outline.html_url)
        ET.SubElement(parent, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_safe(value: str) -> str:
    """Drop characters XML 1.0 cannot represent even escaped (NUL, most C0 controls)."""
    return strip_control_chars(value)
