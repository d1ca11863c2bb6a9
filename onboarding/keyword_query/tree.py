"""The parsed query: a tree of terms and operators, each node with a compiled predicate.

Every node can test a :class:`~onboarding.keyword_query.text.Document`, collect the terms that hit,
name its anchor terms (for compiled sets) and describe itself in words.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator

from onboarding.keyword_query.errors import Gettext, gettext_noop
from onboarding.keyword_query.text import Document

# Quotes people paste: straight, curly and low-9.
QUOTES = '"“”„'

# Very common words make poor anchors: nearly every item would become a candidate.
_STOPWORDS = frozenset(
    """a an and are as at be by de den der des die een en er for from het i in is it met of on
    op or te that the this to van voor was with""".split()
)

Anchor = tuple[str, str]  # ("w", token) | ("p", prefix) | ("s", host)
Anchors = tuple[float, frozenset[Anchor]]  # estimated cost, anchor terms


def _word_cost(token: str) -> float:
    if token in _STOPWORDS:
        return 50.0
    return 1.0 + 10.0 / len(token)


def _prefix_cost(prefix: str) -> float:
    return 2.0 + 30.0 / len(prefix)


Hit = tuple[int, str]  # (position in the query, term as written)


Predicate = Callable[[Document], bool]


class Node(ABC):
    """A node of the parsed query. ``start`` is its position in the query text.

    ``test(doc)`` is a closure built once from the children's (see ``_predicate``): matching is
    the hot path, and closures over local constants avoid most attribute look-ups.
    """

    __slots__ = ("start", "test")

    def __init__(self, start: int) -> None:
        self.start = start

    @abstractmethod
    def _predicate(self) -> Predicate:
        """The node's test, built once at construction."""

    @abstractmethod
    def collect(self, doc: Document, out: list[Hit]) -> bool:
        """Like ``test``; when true, appends the positive terms that made it true to ``out``."""

    @abstractmethod
    def anchors(self) -> Anchors | None:
        """Terms at least one of which must occur for this node to match (None: unknown)."""

    @abstractmethod
    def describe(self, gettext: Gettext) -> str:
        """What the node means in plain words, fixed fragments passed through ``gettext``."""

    def walk(self) -> Iterator[Node]:
        yield self


class Term(Node):
    __slots__ = ("display", "raw", "title_only")

    def __init__(self, start: int, raw: str, title_only: bool) -> None:
        super().__init__(start)
        self.raw = raw
        self.title_only = title_only
        # Hits show the term as written, with its scope: intitle:(a OR b) hits "intitle:a".
        self.display = "intitle:" + raw if title_only else raw

    def collect(self, doc: Document, out: list[Hit]) -> bool:
        if self.test(doc):
            out.append((self.start, self.display))
            return True
        return False

    def _in_title(self, text: str, gettext: Gettext) -> str:
        if self.title_only:
            return gettext(gettext_noop("%(term)s in the title")) % {"term": text}
        return text


class Word(Term):
    __slots__ = ("token",)

    def __init__(self, start: int, raw: str, title_only: bool, token: str) -> None:
        super().__init__(start, raw, title_only)
        self.token = token
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        token = self.token
        if self.title_only:
            return lambda doc: token in doc.title_set
        return lambda doc: token in doc.all_set

    def anchors(self) -> Anchors:
        return _word_cost(self.token), frozenset({("w", self.token)})

    def describe(self, gettext: Gettext) -> str:
        return self._in_title(_quoted(self.raw), gettext)


class Prefix(Term):
    __slots__ = ("prefix",)

    def __init__(self, start: int, raw: str, title_only: bool, prefix: str) -> None:
        super().__init__(start, raw, title_only)
        self.prefix = prefix
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        prefix, title_only = self.prefix, self.title_only
        return lambda doc: doc.has_prefix(prefix, title_only=title_only)

    def anchors(self) -> Anchors:
        return _prefix_cost(self.prefix), frozenset({("p", self.prefix)})

    def describe(self, gettext: Gettext) -> str:
        stem = _unquoted(self.raw)
        text = gettext(gettext_noop('%(stem)s… (any word starting with "%(stem)s")'))
        return self._in_title(text % {"stem": stem}, gettext)


class Phrase(Term):
    __slots__ = ("needle", "tokens", "prefix_last")

    def __init__(
        self, start: int, raw: str, title_only: bool, tokens: list[str], prefix_last: bool
    ) -> None:
        super().__init__(start, raw, title_only)
        self.tokens = tokens
        self.prefix_last = prefix_last
        # Documents are joined with single spaces and padded, so a padded needle is a
        # word-boundary match; without the trailing space the last word may continue.
        self.needle = " " + " ".join(tokens) + ("" if prefix_last else " ")
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        needle = self.needle
        if self.title_only:
            return lambda doc: needle in doc.title_joined
        return lambda doc: needle in doc.title_joined or needle in doc.text_joined

    def anchors(self) -> Anchors:
        options: list[Anchors] = [
            (_word_cost(token), frozenset({("w", token)})) for token in self.tokens[:-1]
        ]
        last = self.tokens[-1]
        if self.prefix_last:
            options.append((_prefix_cost(last), frozenset({("p", last)})))
        else:
            options.append((_word_cost(last), frozenset({("w", last)})))
        return min(options, key=lambda option: option[0])

    def describe(self, gettext: Gettext) -> str:
        if self.prefix_last:
            text = gettext(gettext_noop('"%(stem)s…" (any phrase starting with "%(stem)s")'))
            return self._in_title(text % {"stem": _unquoted(self.raw)}, gettext)
        return self._in_title(_quoted(self.raw), gettext)


class Site(Term):
    __slots__ = ("host", "path")

    def __init__(self, start: int, raw: str, host: str, path: str) -> None:
        super().__init__(start, raw, False)
        self.host = host
        self.path = path
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        return self._matches_site

    def _matches_site(self, doc: Document) -> bool:
        host = doc.host
        if not (host == self.host or host.endswith("." + self.host)):
            return False
        if not self.path:
            return True
        if self.path.endswith("/"):
            return doc.path.startswith(self.path)
        # A path prefix ends at a segment: site:x.com/blog is not x.com/blogger.
        return doc.path == self.path or doc.path.startswith(self.path + "/")

    def anchors(self) -> Anchors:
        return 0.5, frozenset({("s", self.host)})

    def describe(self, gettext: Gettext) -> str:
        if self.path:
            text = gettext(gettext_noop("pages on %(site)s under %(path)s"))
            return text % {"site": self.host, "path": self.path}
        return gettext(gettext_noop("pages on %(site)s")) % {"site": self.host}


def _quoted(raw: str) -> str:
    """The term in quotes, as a phrase is written (a quoted term keeps its own quotes)."""
    return raw if raw[:1] in QUOTES else f'"{raw}"'


def _unquoted(raw: str) -> str:
    return raw.strip(QUOTES).rstrip("*")


class And(Node):
    __slots__ = ("children",)

    def __init__(self, start: int, children: list[Node]) -> None:
        super().__init__(start)
        # Cheap set look-ups first, so a missing word spares the substring searches.
        self.children = sorted(children, key=_evaluation_cost)
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        checks = _word_set_checks(self.children, all_required=True)
        checks += [child.test for child in self.children if not isinstance(child, Word)]
        return _all_of(checks)

    def collect(self, doc: Document, out: list[Hit]) -> bool:
        mark = len(out)
        for child in self.children:
            if not child.collect(doc, out):
                del out[mark:]
                return False
        return True

    def anchors(self) -> Anchors | None:
        options = [a for a in (child.anchors() for child in self.children) if a is not None]
        return min(options, key=lambda option: option[0]) if options else None

    def describe(self, gettext: Gettext) -> str:
        ordered = sorted(self.children, key=lambda child: child.start)
        positives = [c for c in ordered if not isinstance(c, Not)]
        negatives = [c.child for c in ordered if isinstance(c, Not)]
        if len(positives) == 1 and not negatives:
            return positives[0].describe(gettext)
        parts = []
        if positives:
            text = gettext(gettext_noop("all of: %(items)s"))
            parts.append(text % {"items": _describe_list(positives, gettext)})
        if negatives:
            text = gettext(gettext_noop("none of: %(items)s"))
            parts.append(text % {"items": _describe_list(negatives, gettext)})
        return "; ".join(parts)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in sorted(self.children, key=lambda child: child.start):
            yield from child.walk()


class Or(Node):
    __slots__ = ("children",)

    def __init__(self, start: int, children: list[Node]) -> None:
        super().__init__(start)
        self.children = children
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        checks = _word_set_checks(self.children, all_required=False)
        checks += [child.test for child in self.children if not isinstance(child, Word)]
        return _any_of(checks)

    def collect(self, doc: Document, out: list[Hit]) -> bool:
        # No short cut: every alternative that hits is reported.
        matched = False
        for child in self.children:
            if child.collect(doc, out):
                matched = True
        return matched

    def anchors(self) -> Anchors | None:
        cost = 0.0
        terms: set[Anchor] = set()
        for child in self.children:
            anchors = child.anchors()
            if anchors is None:
                return None
            cost += anchors[0]
            terms |= anchors[1]
        return cost, frozenset(terms)

    def describe(self, gettext: Gettext) -> str:
        text = gettext(gettext_noop("any of: %(items)s"))
        return text % {"items": _describe_list(self.children, gettext)}

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


class Not(Node):
    __slots__ = ("child",)

    def __init__(self, start: int, child: Node) -> None:
        super().__init__(start)
        self.child = child
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        child = self.child.test
        return lambda doc: not child(doc)

    def collect(self, doc: Document, out: list[Hit]) -> bool:
        # Hits are the positive terms only; an exclusion that holds contributes none.
        return not self.child.test(doc)

    def anchors(self) -> Anchors | None:
        # -(-x) needs x; any other exclusion can hold without any particular word present.
        if isinstance(self.child, Not):
            return self.child.child.anchors()
        return None

    def describe(self, gettext: Gettext) -> str:
        text = gettext(gettext_noop("not %(term)s"))
        return text % {"term": _describe_item(self.child, gettext)}

    def walk(self) -> Iterator[Node]:
        yield self
        yield from self.child.walk()


def _word_set_checks(children: list[Node], *, all_required: bool) -> list[Predicate]:
    """One C-level set operation for all the plain words of an AND (subset) or OR (overlap)."""
    checks: list[Predicate] = []
    for title_only in (False, True):
        words = [c for c in children if isinstance(c, Word) and c.title_only == title_only]
        if len(words) == 1:
            checks.append(words[0].test)
        elif words:
            tokens = frozenset(word.token for word in words)
            checks.append(_set_check(tokens, title_only=title_only, all_required=all_required))
    return checks


def _set_check(tokens: frozenset[str], *, title_only: bool, all_required: bool) -> Predicate:
    if title_only:
        if all_required:
            return lambda doc: tokens <= doc.title_set
        return lambda doc: not tokens.isdisjoint(doc.title_set)
    if all_required:
        return lambda doc: tokens <= doc.all_set
    return lambda doc: not tokens.isdisjoint(doc.all_set)


def _all_of(checks: list[Predicate]) -> Predicate:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda doc: first(doc) and second(doc)

    def all_of(doc: Document) -> bool:
        return all(check(doc) for check in checks)

    return all_of


def _any_of(checks: list[Predicate]) -> Predicate:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda doc: first(doc) or second(doc)

    def any_of(doc: Document) -> bool:
        return any(check(doc) for check in checks)

    return any_of


def _evaluation_cost(node: Node) -> int:
    if isinstance(node, Word):
        return 0
    if isinstance(node, Site | Prefix):
        return 1
    if isinstance(node, Phrase):
        return 2
    return 3


def _describe_item(node: Node, gettext: Gettext) -> str:
    text = node.describe(gettext)
    return f"({text})" if isinstance(node, And | Or) else text


def _describe_list(nodes: list[Node], gettext: Gettext) -> str:
    return ", ".join(_describe_item(node, gettext) for node in nodes)
