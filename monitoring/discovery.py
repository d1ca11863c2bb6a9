"""Feed autodiscovery: from a web page to the feeds it advertises.

When someone pastes a site's address instead of its feed, the fetch returns HTML;
``looks_like_html`` tells the pipeline so, and ``find_feed_links`` lists the feeds the page
announces with ``<link rel="alternate" type="application/rss+xml" href="...">``.

stdlib ``html.parser`` is used because it never gives up on broken markup and never fetches
anything; it also treats ``<script>``/``<style>`` content and comments as opaque, so a
``<link>`` written inside them is not picked up.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from monitoring.sanitise import safe_url

__all__ = ["FEED_TYPES", "MAX_FEED_LINKS", "find_feed_links", "looks_like_html"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
MAX_FEED_LINKS = 20
# Feed links live in <head>; a page's first 2 MB is more than any real head and bounds the
# time spent on a hostile multi-megabyte page.
MAX_HTML_CHARS = 2_000_000
_CHUNK = 64 * 1024

_NAME = re.compile(rb"[!A-Za-z][^\s>/]{0,40}")
_FEED_ROOTS = frozenset({b"rss", b"feed", b"rdf:rdf", b"rdf", b"channel", b"opml"})
_HTML_ROOTS = frozenset({b"html", b"head", b"body", b"meta", b"title", b"script", b"div", b"p"})
_HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")


def looks_like_html(content: bytes, content_type: str | None) -> bool:
    """True when ``content`` is a web page rather than a feed.

    The body decides first: a document whose first element is ``<rss>``, ``<feed>`` or
    ``<rdf:RDF>`` is a feed whatever the server calls it (feeds served as text/html are
    common), and one that starts with ``<!DOCTYPE html>``, ``<html>``, ``<head>`` or
    ``<body>`` is a page. Otherwise a text/html or XHTML ``content_type`` decides.
    Reads at most the first few kilobytes. Never raises.
    """
    head = content[:8192]
    first, after = _first_markup(head)
    if first is not None:
        local = first.rsplit(b":", 1)[-1]
        if first in _FEED_ROOTS or local in (b"rdf", b"feed", b"rss"):
            return False
        if first == b"!doctype":
            if head[after : after + 40].lstrip().lower().startswith(b"html"):
                return True
        elif first in _HTML_ROOTS:
            return True
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in _HTML_MEDIA_TYPES


def _first_markup(head: bytes) -> tuple[bytes | None, int]:
    """Lower-cased name of the first tag or declaration after the XML prolog's declaration,
    comments and processing instructions, and the offset just past it. Linear time."""
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while pos < len(head) and head[pos] in b" \t\r\n":
            pos += 1
        if head.startswith(b"<?", pos):
            end = head.find(b">", pos)
        elif head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos + 4)
            end = end + 2 if end != -1 else -1
        elif head.startswith(b"<", pos):
            match = _NAME.match(head, pos + 1)
            return (match.group(0).lower(), match.end()) if match else (None, pos)
        else:
            return None, pos
        if end == -1:
            return None, pos
        pos = end + 1


def find_feed_links(html: bytes | str, *, base_url: str) -> list[str]:
    """Feed URLs a page advertises, absolute, in document order, deduplicated, at most 20.

    Recognises ``<link>`` elements whose ``rel`` tokens include ``alternate`` (any case, any
    other tokens) and whose ``type`` (parameters ignored) is RSS, Atom, RDF or JSON Feed.
    Relative hrefs are resolved against the first ``<base href>`` (itself resolved against
    ``base_url``) or ``base_url``; anything that is not then an http(s) URL is skipped.
    Never raises on malformed HTML.
    """
    text = _to_text(html)[:MAX_HTML_CHARS]
    collector = _FeedLinkCollector(base_url)
    for start in range(0, len(text), _CHUNK):
        collector.feed(text[start : start + _CHUNK])
        if collector.full:
            break
    collector.close()
    return collector.links


def _to_text(html: bytes | str) -> str:
    if isinstance(html, str):
        return html
    # URLs in <head> are ASCII in practice; a page that is not UTF-8 still yields them.
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        return html.decode("cp1252", "replace")


class _FeedLinkCollector(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self._page_url = safe_url(base_url)
        self._base = self._page_url
        self._base_seen = False
        self.links: list[str] = []
        self._seen: set[str] = set()

    @property
    def full(self) -> bool:
        return len(self.links) >= MAX_FEED_LINKS

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base":
            self._handle_base(attrs)
        elif tag == "link" and not self.full:
            self._handle_link(attrs)

    handle_startendtag = handle_starttag

    def _handle_base(self, attrs: list[tuple[str, str | None]]) -> None:
        # Only the first <base href> counts (HTML spec); one that is not http(s) is ignored.
        href = _attr(attrs, "href")
        if self._base_seen or href is None:
            return
        self._base_seen = True
        base = safe_url(href, base_url=self._page_url)
        if base is not None:
            self._base = base

    def _handle_link(self, attrs: list[tuple[str, str | None]]) -> None:
        rel_tokens = (_attr(attrs, "rel") or "").lower().split()
        media_type = (_attr(attrs, "type") or "").split(";", 1)[0].strip().lower()
        if "alternate" not in rel_tokens or media_type not in FEED_TYPES:
            return
        url = safe_url(_attr(attrs, "href"), base_url=self._base)
        if url is not None and url not in self._seen:
            self._seen.add(url)
            self.links.append(url)


def _attr(attrs: list[tuple[str, str | None]], name: str) -> str | None:
    """The first value of attribute ``name`` (html.parser lower-cases names for us)."""
    for key, value in attrs:
        if key == name:
            return value
    return None
