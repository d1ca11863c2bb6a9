"""A parsed query and :func:`parse`, the way in."""

from __future__ import annotations

from onboarding.keyword_query.errors import (
    E_EMPTY,
    E_NO_WORDS,
    E_ONLY_EXCLUSIONS,
    E_TOO_LONG,
    MAX_QUERY_LENGTH,
    Gettext,
    QueryError,
    untranslated,
)
from onboarding.keyword_query.parser import Parser
from onboarding.keyword_query.text import EMPTY_DOCUMENT, Document
from onboarding.keyword_query.tree import Anchor, And, Hit, Node, Not, Term


class Query:
    """A parsed query. Immutable; safe to share between threads and documents."""

    __slots__ = ("source", "_root", "_static_hits")

    def __init__(self, source: str, root: Node) -> None:
        self.source = source
        self._root = root
        static = _static_hits(root)
        self._static_hits = _ordered_unique(static) if static is not None else None

    def __repr__(self) -> str:
        return f"<Query {self.source!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Query) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __reduce__(self) -> tuple[object, ...]:
        # The tree holds closures, which do not pickle; the source is the whole query.
        return (parse, (self.source,))

    @property
    def root(self) -> Node:
        """The parsed tree (``onboarding.keyword_query.tree``), e.g. to translate it to a search."""
        return self._root

    def matches(self, *, title: str = "", text: str = "", url: str = "") -> bool:
        """Whether an item with this title, text (plain or HTML) and URL matches."""
        return self._root.test(Document(title=title, text=text, url=url))

    def matches_document(self, doc: Document) -> bool:
        """``matches`` for an already normalised item."""
        return self._root.test(doc)

    def hits(self, *, title: str = "", text: str = "", url: str = "") -> list[str]:
        """The positive terms that hit, in query order, as written; [] when it doesn't match.

        Terms inside an exclusion are never listed, and neither is a term whose alternative
        failed as a whole (``a OR (b c)`` with only b present lists nothing).
        """
        return self.hits_document(Document(title=title, text=text, url=url))

    def hits_document(self, doc: Document) -> list[str]:
        """``hits`` for an already normalised item."""
        found = self._collect(doc)
        return found if found is not None else []

    def _collect(self, doc: Document) -> list[str] | None:
        """None if the query does not match, else its hits (possibly empty, as for -(-a))."""
        if self._static_hits is not None:
            return list(self._static_hits) if self._root.test(doc) else None
        out: list[Hit] = []
        if not self._root.collect(doc, out):
            return None
        return _ordered_unique(out)

    def hits_of_match(self, doc: Document) -> list[str]:
        """The hits, given that ``doc`` is already known to match."""
        if self._static_hits is not None:
            return list(self._static_hits)
        out: list[Hit] = []
        self._root.collect(doc, out)
        return _ordered_unique(out)

    def describe(self, gettext: Gettext = untranslated) -> str:
        """What the query means in plain words, each fixed fragment passed through gettext.

        ``"social media" recruit* -jobs`` reads ``all of: "social media", recruit… (any word
        starting with "recruit"); none of: "jobs"``.
        """
        return self._root.describe(gettext)

    def anchors(self) -> frozenset[Anchor] | None:
        """Terms at least one of which occurs in every matching item; None if no such set."""
        found = self._root.anchors()
        return found[1] if found is not None else None


def _static_hits(node: Node) -> list[Hit] | None:
    """The hits a node reports whenever it matches, if they do not depend on the item.

    True of terms, exclusions and ANDs of those (every child of a matching AND matched); an
    OR reports whichever alternatives hit, so it has none. Most topics are static, and for
    them hits cost nothing once the predicate holds.
    """
    if isinstance(node, Term):
        return [(node.start, node.display)]
    if isinstance(node, Not):
        return []
    if isinstance(node, And):
        hits: list[Hit] = []
        for child in node.children:
            found = _static_hits(child)
            if found is None:
                return None
            hits += found
        return hits
    return None


def _ordered_unique(hits: list[Hit]) -> list[str]:
    """Displays in query order, each once."""
    if len(hits) <= 1:
        return [display for _, display in hits]
    hits = sorted(hits, key=lambda hit: hit[0])
    return list(dict.fromkeys(display for _, display in hits))


def parse(query: str) -> Query:
    """Parse ``query``; raises :class:`QueryError` (and nothing else) when it cannot be used."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(E_TOO_LONG, MAX_QUERY_LENGTH, length=len(query), limit=MAX_QUERY_LENGTH)
    if not query.strip():
        raise QueryError(E_EMPTY, 0)
    root = Parser(query).parse()
    if root is None:
        raise QueryError(E_NO_WORDS, 0)
    if root.test(EMPTY_DOCUMENT):
        # Matching an item with no words at all means it only excludes: it would flood the
        # review queue with everything.
        first = next((node.start for node in root.walk() if isinstance(node, Not)), 0)
        raise QueryError(E_ONLY_EXCLUSIONS, first)
    return Query(query, root)
