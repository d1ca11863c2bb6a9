"""The keyword query language that topics are written in, and fast matching of many queries.

Google Alerts-like, so people can paste what they know::

    social media            both words must occur (on word boundaries, anywhere)
    "social media"          the exact phrase
    recruit*                any word starting with "recruit"
    jobs OR vacatures       either (``|`` works too); OR binds tighter than the implicit AND,
                            so ``a b OR c`` means a AND (b OR c), as in Google
    -jobs  -"job fair"      exclusions, also of groups: ``-(a OR b)``
    (a OR b) c              parentheses
    intitle:vacature        the word (or ``intitle:"phrase"``, ``intitle:(a OR b)``) in the title
    site:example.com        items whose URL is on example.com or a subdomain of it;
                            ``site:example.com/blog`` also requires that path prefix

Matching is case- and accent-insensitive (é = e, ß = ss, ø = o) and Unicode-aware: a word is a
run of letters and digits, so "patiënt" matches "PATIENT" but not "patiënten" (use
``patiënt*``). Text given as HTML is matched on its text. A word that contains punctuation
(``e-mail``, ``covid-19``) is matched as the phrase of its parts.

Public face: :func:`parse` → :class:`Query` (``matches``, ``hits``, ``describe``),
:class:`QueryError`, :func:`compile_queries` → :class:`CompiledTopics` (``match``) and
:class:`Document` (one item normalised once, to share between queries and compiled sets).

This module is pure Python on purpose (no Django): the monitoring workers and the benchmark use
it directly. Translatable strings are marked with :func:`gettext_noop` and translated at run
time through the ``gettext`` argument the Django layer passes in.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar
from urllib.parse import unquote, urlsplit

__all__ = [
    "MAX_DEPTH",
    "MAX_QUERY_LENGTH",
    "CompiledTopics",
    "Document",
    "Query",
    "QueryError",
    "compile_queries",
    "fold",
    "gettext_noop",
    "parse",
    "tokenize",
]

MAX_QUERY_LENGTH = 2000
# Deeper nesting is never needed by a person and would let a pasted query exhaust the stack.
MAX_DEPTH = 20

K = TypeVar("K")
Gettext = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction by Django's makemessages; translation happens later."""
    return message


def _identity(message: str) -> str:
    return message


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

E_EMPTY = gettext_noop('Empty query: type at least one word or "phrase" to look for')
E_TOO_LONG = gettext_noop(
    "Query too long: it has %(length)d characters and the limit is %(limit)d; "
    "split it into several topics"
)
E_NO_WORDS = gettext_noop(
    "No words: the query contains no letters or digits to look for (position %(position)d)"
)
E_QUOTE = gettext_noop("Unbalanced quote: the quote at position %(position)d is never closed")
E_OPEN_PAREN = gettext_noop(
    "Unbalanced parenthesis: the ( at position %(position)d is never closed"
)
E_CLOSE_PAREN = gettext_noop(
    "Unbalanced parenthesis: the ) at position %(position)d has no matching ("
)
E_EMPTY_PARENS = gettext_noop(
    "Empty parentheses: the () at position %(position)d contain nothing to look for"
)
E_OP_BEFORE = gettext_noop(
    "Dangling %(operator)s: the %(operator)s at position %(position)d has no term before it"
)
E_OP_AFTER = gettext_noop(
    "Dangling %(operator)s: the %(operator)s at position %(position)d has no term after it"
)
E_LONE_MINUS = gettext_noop(
    "Lone minus: the - at position %(position)d must be directly followed by the word, "
    '"phrase" or (group) to exclude'
)
E_DOUBLE_MINUS = gettext_noop(
    "Double minus: the - at position %(position)d is followed by another -; one - excludes a term"
)
E_EMPTY_OPERATOR = gettext_noop(
    "Empty %(operator)s: the %(operator)s: at position %(position)d must be directly followed "
    "by what to look for, as in %(example)s"
)
E_LONE_STAR = gettext_noop("Lone *: the * at position %(position)d must end a word, as in recruit*")
E_WILDCARD = gettext_noop(
    "Unsupported wildcard: the * at position %(position)d; a * may only end a word, as in recruit*"
)
E_BAD_SITE = gettext_noop('Invalid site: "%(value)s" at position %(position)d is not a domain name')
E_SITE_IN_TITLE = gettext_noop(
    "Misplaced site: the site: at position %(position)d cannot be used inside intitle:"
)
E_TOO_DEEP = gettext_noop(
    "Too deeply nested: at position %(position)d the query nests more than %(limit)d levels"
)
E_ONLY_EXCLUSIONS = gettext_noop(
    "Only exclusions: the query would match every item that lacks the excluded terms "
    '(the first exclusion is at position %(position)d); add a word or "phrase" to look for'
)


class QueryError(ValueError):
    """A query that cannot be used, with the 0-based ``position`` of the problem in it.

    ``message`` (and ``str(err)``) is the English explanation; ``translated(gettext)`` gives it
    in the user's language, since ``template`` is marked for extraction.
    """

    def __init__(self, template: str, position: int, **params: object) -> None:
        self.template = template
        self.position = position
        self.params: dict[str, object] = {"position": position, **params}
        self.message = template % self.params
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def translated(self, gettext: Gettext = _identity) -> str:
        """The message passed through ``gettext`` (e.g. Django's) before formatting."""
        return gettext(self.template) % self.params


# --------------------------------------------------------------------------------------------
# Text normalisation, shared by queries and documents so both sides fold identically
# --------------------------------------------------------------------------------------------

# Letters with a stroke have no Unicode decomposition, yet people type them without it.
# U+0131 (dotless i) is here because its upper case "I" folds to "i": without this entry a
# document would match differently once upper-cased.
_EXTRA_FOLDS = {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe"}


def _strip_marks(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Me"))


def _fold_char(char: str) -> str:
    """Fold one character to its case-less, accent-less form, iterated to a fixed point."""
    result = char
    for _ in range(8):
        folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", result).casefold())
        folded = _strip_marks(folded)
        folded = "".join(_EXTRA_FOLDS.get(c, c) for c in folded)
        if folded == result:
            break
        result = folded
    return result


class _FoldTable(dict[int, "str | int | None"]):
    """A ``str.translate`` table filled on first sight of each character.

    Folding per character (rather than NFKD over the whole string) lets ``translate`` do the
    work in C; for our purposes it is equivalent, because the only thing NFKD's canonical
    reordering moves is combining marks, which are stripped.
    """

    def __missing__(self, codepoint: int) -> str | int | None:
        char = chr(codepoint)
        folded = _fold_char(char)
        value: str | int | None
        if folded == char:
            value = codepoint
        elif folded:
            value = folded
        else:
            value = None
        self[codepoint] = value
        return value


_FOLD_TABLE = _FoldTable()
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")
_WORD_RE = re.compile(r"[^\W_]+")


def _fold_run(match: re.Match[str]) -> str:
    return match.group().translate(_FOLD_TABLE)


def _fold_lowered(text: str) -> str:
    return text if text.isascii() else _NON_ASCII_RE.sub(_fold_run, text)


def fold(text: str) -> str:
    """Case- and accent-fold ``text``: casefold, NFKD, combining marks removed.

    Guarantees ``fold(fold(t)) == fold(t)`` and that upper- or lower-casing ``t`` or stripping
    its accents does not change the words of ``fold(t)``.
    """
    # Feeds are mostly ASCII: lower() is C-fast and agrees with the table on ASCII.
    return _fold_lowered(text.lower())


# Between two of these (ASCII, neither letter nor digit) a word always ends, whatever folding
# does to the characters around them; every other character may fold into part of a word.
_SEGMENT_RE = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
_ASCII_WORD_RE = re.compile(r"[a-z0-9]+")
_SEGMENT_WORDS: dict[str, list[str]] = {}
_SEGMENT_CACHE_SIZE = 50_000


def tokenize(text: str) -> list[str]:
    """The folded words of ``text``: runs of letters and digits (underscore separates).

    Equal to ``_WORD_RE.findall(fold(text))``, computed faster: folding is per character,
    so the text can be cut between ASCII separators first; ASCII pieces are words as they are,
    and the few others (words with accents, curly quotes) are folded once each and remembered.
    """
    lowered = text.lower()
    if lowered.isascii():
        return _ASCII_WORD_RE.findall(lowered)
    words: list[str] = []
    cache = _SEGMENT_WORDS
    for segment in _SEGMENT_RE.findall(lowered):
        if segment.isascii():
            words.append(segment)
            continue
        found = cache.get(segment)
        if found is None:
            if len(cache) >= _SEGMENT_CACHE_SIZE:
                cache.clear()
            found = cache[segment] = _WORD_RE.findall(_fold_lowered(segment))
        words += found
    return words


# Scripts and styles are not text; a tracker snippet must not make "push" match.
_HTML_DROP_RE = re.compile(
    r"<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
# Inline elements may sit inside a word ("wo<b>rd</b>"); block elements separate words.
_TAG_BODY = r"""(?:"[^"]*"|'[^']*'|[^'">])*>"""
_INLINE_TAG_RE = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span"
    r"|strike|strong|sub|sup|time|tt|u|var|wbr)\b" + _TAG_BODY,
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"<[a-zA-Z/!?]" + _TAG_BODY)


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment (tags removed, entities decoded); plain text passes."""
    if "<" in markup:
        markup = _HTML_DROP_RE.sub(" ", markup)
        markup = _INLINE_TAG_RE.sub("", markup)
        markup = _TAG_RE.sub(" ", markup)
    if "&" in markup:
        markup = html.unescape(markup)
    return markup


def _normalise_host(host: str) -> str:
    host = host.strip().lower().strip(".")
    if host.startswith("*."):
        host = host[2:]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # an unencodable name simply stays as typed; it can still compare equal
    return host


def _normalise_path(path: str) -> str:
    return unquote(path).lower()


class Document:
    """One item normalised once, so every query (and every compiled set) can share the work.

    Holds the folded title and text tokens, their sets, the tokens joined with single spaces
    (padded with a space on both ends, so ``" social media "`` in it is a phrase match on word
    boundaries), and the URL's host and path.
    """

    __slots__ = (
        "title_tokens",
        "text_tokens",
        "title_set",
        "all_set",
        "title_joined",
        "text_joined",
        "host",
        "path",
        "_title_sorted",
        "_all_sorted",
        "_host_suffixes",
    )

    def __init__(self, *, title: str = "", text: str = "", url: str = "") -> None:
        self.title_tokens: list[str] = tokenize(html_to_text(title)) if title else []
        self.text_tokens: list[str] = tokenize(html_to_text(text)) if text else []
        self.title_set: frozenset[str] = frozenset(self.title_tokens)
        self.all_set: frozenset[str] = self.title_set.union(self.text_tokens)
        self.title_joined = " " + " ".join(self.title_tokens) + " "
        self.text_joined = " " + " ".join(self.text_tokens) + " "
        self.host, self.path = _split_url(url)
        self._title_sorted: list[str] | None = None
        self._all_sorted: list[str] | None = None
        self._host_suffixes: list[str] | None = None

    def sorted_tokens(self, *, title_only: bool = False) -> list[str]:
        """Distinct tokens in sorted order (built on first use), for prefix look-ups."""
        if title_only:
            if self._title_sorted is None:
                self._title_sorted = sorted(self.title_set)
            return self._title_sorted
        if self._all_sorted is None:
            self._all_sorted = sorted(self.all_set)
        return self._all_sorted

    def has_prefix(self, prefix: str, *, title_only: bool = False) -> bool:
        """Whether any word (of the title, or anywhere) starts with the folded ``prefix``."""
        tokens = self.sorted_tokens(title_only=title_only)
        index = bisect_left(tokens, prefix)
        return index < len(tokens) and tokens[index].startswith(prefix)

    def host_suffixes(self) -> list[str]:
        """``a.b.example.com`` → ``[a.b.example.com, b.example.com, example.com, com]``."""
        if self._host_suffixes is None:
            labels = self.host.split(".") if self.host else []
            self._host_suffixes = [".".join(labels[i:]) for i in range(len(labels))]
        return self._host_suffixes


def _split_url(url: str) -> tuple[str, str]:
    if not url:
        return "", ""
    if "//" not in url:
        url = "//" + url  # "example.com/x" pasted without a scheme
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "", ""
    return _normalise_host(host), _normalise_path(parts.path)


_EMPTY_DOCUMENT = Document()


# --------------------------------------------------------------------------------------------
# The query tree
# --------------------------------------------------------------------------------------------

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


class _Node:
    """A node of the parsed query. ``start`` is its position in the query text.

    ``test(doc)`` is a closure built once from the children's (see ``_predicate``): matching is
    the hot path, and closures over local constants avoid most attribute look-ups.
    """

    __slots__ = ("start", "test")

    def __init__(self, start: int) -> None:
        self.start = start

    def _predicate(self) -> Predicate:
        raise NotImplementedError

    def collect(self, doc: Document, out: list[Hit]) -> bool:
        """Like ``test``; when true, appends the positive terms that made it true to ``out``."""
        raise NotImplementedError

    def anchors(self) -> Anchors | None:
        """Terms at least one of which must occur for this node to match (None: unknown)."""
        raise NotImplementedError

    def describe(self, gettext: Gettext) -> str:
        raise NotImplementedError

    def walk(self) -> Iterator[_Node]:
        yield self


class _Term(_Node):
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


class _Word(_Term):
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


class _Prefix(_Term):
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


class _Phrase(_Term):
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


class _Site(_Term):
    __slots__ = ("host", "path")

    def __init__(self, start: int, raw: str, host: str, path: str) -> None:
        super().__init__(start, raw, False)
        self.host = host
        self.path = path
        self.test = self._matches_site

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
    return raw if raw[:1] in _QUOTES else f'"{raw}"'


def _unquoted(raw: str) -> str:
    return raw.strip(_QUOTES).rstrip("*")


class _And(_Node):
    __slots__ = ("children",)

    def __init__(self, start: int, children: list[_Node]) -> None:
        super().__init__(start)
        # Cheap set look-ups first, so a missing word spares the substring searches.
        self.children = sorted(children, key=_evaluation_cost)
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        checks = _word_set_checks(self.children, all_required=True)
        checks += [child.test for child in self.children if not isinstance(child, _Word)]
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
        positives = [c for c in ordered if not isinstance(c, _Not)]
        negatives = [c.child for c in ordered if isinstance(c, _Not)]
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

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in sorted(self.children, key=lambda child: child.start):
            yield from child.walk()


class _Or(_Node):
    __slots__ = ("children",)

    def __init__(self, start: int, children: list[_Node]) -> None:
        super().__init__(start)
        self.children = children
        self.test = self._predicate()

    def _predicate(self) -> Predicate:
        checks = _word_set_checks(self.children, all_required=False)
        checks += [child.test for child in self.children if not isinstance(child, _Word)]
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

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            yield from child.walk()


class _Not(_Node):
    __slots__ = ("child",)

    def __init__(self, start: int, child: _Node) -> None:
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
        if isinstance(self.child, _Not):
            return self.child.child.anchors()
        return None

    def describe(self, gettext: Gettext) -> str:
        text = gettext(gettext_noop("not %(term)s"))
        return text % {"term": _describe_item(self.child, gettext)}

    def walk(self) -> Iterator[_Node]:
        yield self
        yield from self.child.walk()


def _word_set_checks(children: list[_Node], *, all_required: bool) -> list[Predicate]:
    """One C-level set operation for all the plain words of an AND (subset) or OR (overlap)."""
    checks: list[Predicate] = []
    for title_only in (False, True):
        words = [c for c in children if isinstance(c, _Word) and c.title_only == title_only]
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


def _evaluation_cost(node: _Node) -> int:
    if isinstance(node, _Word):
        return 0
    if isinstance(node, _Site | _Prefix):
        return 1
    if isinstance(node, _Phrase):
        return 2
    return 3


def _describe_item(node: _Node, gettext: Gettext) -> str:
    text = node.describe(gettext)
    return f"({text})" if isinstance(node, _And | _Or) else text


def _describe_list(nodes: list[_Node], gettext: Gettext) -> str:
    return ", ".join(_describe_item(node, gettext) for node in nodes)


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------

_QUOTES = '"“”„'
_DELIMITERS = frozenset("()|" + _QUOTES)
_ENDS_IN_WORD_RE = re.compile(r"[^\W_]\Z")


class _Parser:
    """Recursive descent over the characters of the query.

    Grammar (OR binds tighter than the implicit AND, as in Google)::

        query   := and EOF
        and     := or ( ["AND"] or )*
        or      := unary ( ("OR" | "|") unary )*
        unary   := "-" primary | primary
        primary := "(" and ")" | phrase | "intitle:" unary | "site:" value | word

    A term without letters or digits (``&``, ``"…"``) is dropped, as Google does; the parse
    functions then return None and their callers skip it.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.length = len(source)
        self.pos = 0
        self.depth = 0

    # -- helpers -----------------------------------------------------------------------------

    def _skip_spaces(self) -> None:
        source, pos = self.source, self.pos
        while pos < self.length and source[pos].isspace():
            pos += 1
        self.pos = pos

    def _at_end(self) -> bool:
        return self.pos >= self.length

    def _is_delimiter(self, pos: int) -> bool:
        return pos >= self.length or self.source[pos].isspace() or self.source[pos] in _DELIMITERS

    def _operator(self) -> str | None:
        """The binary operator at the current position, if any: "OR", "|" or "AND"."""
        source, pos = self.source, self.pos
        if pos >= self.length:
            return None
        if source[pos] == "|":
            return "|"
        for keyword in ("OR", "AND"):
            if source.startswith(keyword, pos) and self._is_delimiter(pos + len(keyword)):
                return keyword
        return None

    def _require_term_after(self, operator: str, position: int) -> None:
        self._skip_spaces()
        if self._at_end() or self.source[self.pos] == ")":
            raise QueryError(E_OP_AFTER, position, operator=operator)
        following = self._operator()
        if following is not None:
            raise QueryError(E_OP_BEFORE, self.pos, operator=following)

    # -- grammar -----------------------------------------------------------------------------

    def parse(self) -> _Node | None:
        return self._and(open_paren=None, title_only=False)

    def _and(self, open_paren: int | None, title_only: bool) -> _Node | None:
        start = self.pos
        children: list[_Node] = []
        seen_term = False
        while True:
            self._skip_spaces()
            if self._at_end():
                if open_paren is not None:
                    raise QueryError(E_OPEN_PAREN, open_paren)
                break
            if self.source[self.pos] == ")":
                if open_paren is None:
                    raise QueryError(E_CLOSE_PAREN, self.pos)
                break
            operator = self._operator()
            if operator is not None:
                # An OR here has nothing before it: the _or below consumes those that do.
                if operator != "AND" or not seen_term:
                    raise QueryError(E_OP_BEFORE, self.pos, operator=operator)
                position = self.pos
                self.pos += len(operator)
                self._require_term_after(operator, position)
                continue
            node = self._or(title_only)
            seen_term = True
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else _And(start, children)

    def _or(self, title_only: bool) -> _Node | None:
        start = self.pos
        alternatives = [self._unary(title_only)]
        while True:
            before = self.pos
            self._skip_spaces()
            operator = self._operator()
            if operator is None or operator == "AND":
                self.pos = before
                break
            position = self.pos
            self.pos += len(operator)
            self._require_term_after(operator, position)
            alternatives.append(self._unary(title_only))
        present = [node for node in alternatives if node is not None]
        if not present:
            return None
        return present[0] if len(present) == 1 else _Or(start, present)

    def _unary(self, title_only: bool) -> _Node | None:
        if self.source[self.pos] != "-":
            return self._primary(title_only)
        start = self.pos
        following = self.source[start + 1] if start + 1 < self.length else ""
        if not following or following.isspace() or following in ")|":
            raise QueryError(E_LONE_MINUS, start)
        if following == "-":
            raise QueryError(E_DOUBLE_MINUS, start)
        self.pos += 1
        node = self._primary(title_only)
        return _Not(start, node) if node is not None else None

    def _primary(self, title_only: bool) -> _Node | None:
        start = self.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(E_TOO_DEEP, start, limit=MAX_DEPTH)
        try:
            char = self.source[start]
            if char == "(":
                return self._group(title_only)
            if char in _QUOTES:
                return self._phrase(title_only)
            end = start
            while not self._is_delimiter(end):
                end += 1
            lowered = self.source[start:end].lower()
            if lowered.startswith("intitle:"):
                return self._intitle()
            if lowered.startswith("site:"):
                if title_only:
                    raise QueryError(E_SITE_IN_TITLE, start)
                return self._site(end)
            return self._word(end, title_only)
        finally:
            self.depth -= 1

    def _group(self, title_only: bool) -> _Node | None:
        open_paren = self.pos
        self.pos += 1
        self._skip_spaces()
        if not self._at_end() and self.source[self.pos] == ")":
            raise QueryError(E_EMPTY_PARENS, open_paren)
        node = self._and(open_paren=open_paren, title_only=title_only)
        self.pos += 1  # the ")" that _and stopped at
        return node

    def _intitle(self) -> _Node | None:
        start = self.pos
        self.pos += len("intitle:")
        following = self.source[self.pos] if self.pos < self.length else ""
        if not following or following.isspace() or following in ")|":
            raise QueryError(
                E_EMPTY_OPERATOR, start, operator="intitle", example="intitle:vacature"
            )
        return self._unary(title_only=True)

    def _site(self, end: int) -> _Node:
        start = self.pos
        raw = self.source[start:end]
        self.pos = end
        value = raw[len("site:") :]
        if not value:
            raise QueryError(E_EMPTY_OPERATOR, start, operator="site", example="site:example.com")
        host, path = _parse_site(value)
        if not host:
            raise QueryError(E_BAD_SITE, start, value=value)
        return _Site(start, raw, host, path)

    def _phrase(self, title_only: bool) -> _Node | None:
        start = self.pos
        close = start + 1
        while close < self.length and self.source[close] not in _QUOTES:
            close += 1
        if close >= self.length:
            raise QueryError(E_QUOTE, start)
        self.pos = close + 1
        content, prefix_last = _split_star(self.source[start + 1 : close], start + 1)
        tokens = tokenize(content)
        if not tokens:
            return None
        return _make_term(start, self.source[start : close + 1], title_only, tokens, prefix_last)

    def _word(self, end: int, title_only: bool) -> _Node | None:
        start = self.pos
        self.pos = end
        raw = self.source[start:end]
        content, prefix_last = _split_star(raw, start)
        tokens = tokenize(content)
        if not tokens:
            return None
        return _make_term(start, raw, title_only, tokens, prefix_last)


def _split_star(text: str, offset: int) -> tuple[str, bool]:
    """Split a trailing ``*`` (prefix search) off ``text``; refuse a ``*`` anywhere else."""
    if "*" not in text:
        return text, False
    content = text.rstrip()
    stem = content.rstrip("*")
    inner = stem.find("*")
    if inner >= 0:
        raise QueryError(E_WILDCARD, offset + inner)
    if not _ENDS_IN_WORD_RE.search(fold(stem)):
        raise QueryError(E_LONE_STAR, offset + len(stem))
    return stem, True


def _make_term(
    start: int, raw: str, title_only: bool, tokens: list[str], prefix_last: bool
) -> _Term:
    if len(tokens) > 1:
        return _Phrase(start, raw, title_only, tokens, prefix_last)
    if prefix_last:
        return _Prefix(start, raw, title_only, tokens[0])
    return _Word(start, raw, title_only, tokens[0])


_SITE_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


def _parse_site(value: str) -> tuple[str, str]:
    """``https://www.example.com/blog/`` → ``("www.example.com", "/blog/")``; "" if invalid."""
    value = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", value)
    host, slash, path = value.partition("/")
    host = host.rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host)
    host = _normalise_host(host)
    if not _SITE_HOST_RE.fullmatch(host):
        return "", ""
    path = _normalise_path(slash + path)
    return host, "" if path == "/" else path


# --------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------


class Query:
    """A parsed query. Immutable; safe to share between threads and documents."""

    __slots__ = ("source", "_root", "_static_hits")

    def __init__(self, source: str, root: _Node) -> None:
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

    def _hits_of_match(self, doc: Document) -> list[str]:
        """The hits, given that ``doc`` is already known to match."""
        if self._static_hits is not None:
            return list(self._static_hits)
        out: list[Hit] = []
        self._root.collect(doc, out)
        return _ordered_unique(out)

    def describe(self, gettext: Gettext = _identity) -> str:
        """What the query means in plain words, each fixed fragment passed through gettext.

        ``"social media" recruit* -jobs`` reads ``all of: "social media", recruit… (any word
        starting with "recruit"); none of: "jobs"``.
        """
        return self._root.describe(gettext)

    def anchors(self) -> frozenset[Anchor] | None:
        """Terms at least one of which occurs in every matching item; None if no such set."""
        found = self._root.anchors()
        return found[1] if found is not None else None


def _static_hits(node: _Node) -> list[Hit] | None:
    """The hits a node reports whenever it matches, if they do not depend on the item.

    True of terms, exclusions and ANDs of those (every child of a matching AND matched); an
    OR reports whichever alternatives hit, so it has none. Most topics are static, and for
    them hits cost nothing once the predicate holds.
    """
    if isinstance(node, _Term):
        return [(node.start, node.display)]
    if isinstance(node, _Not):
        return []
    if isinstance(node, _And):
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
    root = _Parser(query).parse()
    if root is None:
        raise QueryError(E_NO_WORDS, 0)
    if root.test(_EMPTY_DOCUMENT):
        # Matching an item with no words at all means it only excludes: it would flood the
        # review queue with everything.
        first = next((node.start for node in root.walk() if isinstance(node, _Not)), 0)
        raise QueryError(E_ONLY_EXCLUSIONS, first)
    return Query(query, root)


# --------------------------------------------------------------------------------------------
# Many queries at once
# --------------------------------------------------------------------------------------------


class CompiledTopics(Generic[K]):
    """Many queries compiled for matching each item once, not once per query.

    Every query is reduced to anchor terms (one required word of an AND, all alternatives of an
    OR, a phrase's rarest-looking word, a prefix, a site); an item's words look up the queries
    they anchor in an inverted index, and only those candidates are evaluated, all against one
    shared :class:`Document`. Results are identical to calling ``hits`` query by query.
    """

    def __init__(self, queries: Mapping[K, Query]) -> None:
        self._keys: list[K] = []
        self._queries: list[Query] = []
        self._words: dict[str, list[int]] = {}
        self._prefixes: dict[str, list[int]] = {}
        self._sites: dict[str, list[int]] = {}
        self._always: list[int] = []  # queries without anchors, evaluated for every item
        for number, (key, query) in enumerate(queries.items()):
            self._keys.append(key)
            self._queries.append(query)
            self._index(number, query.anchors())
        self._tests = [query._root.test for query in self._queries]
        self._word_keys = frozenset(self._words)
        self._prefix_list = sorted(self._prefixes.items())
        self._prefix_keys = frozenset(self._prefixes)
        self._prefix_lengths = sorted({len(prefix) for prefix in self._prefixes})

    def _index(self, number: int, anchors: frozenset[Anchor] | None) -> None:
        if anchors is None:
            self._always.append(number)
            return
        tables = {"w": self._words, "p": self._prefixes, "s": self._sites}
        for kind, term in anchors:
            tables[kind].setdefault(term, []).append(number)

    def __reduce__(self) -> tuple[object, ...]:
        # The predicates are closures; rebuilding from the queries is cheap (e.g. for a cache).
        return (CompiledTopics, (dict(zip(self._keys, self._queries, strict=True)),))

    def __len__(self) -> int:
        return len(self._keys)

    def match(self, *, title: str = "", text: str = "", url: str = "") -> dict[K, list[str]]:
        """The keys of the queries that match, each with its hits (as ``Query.hits``)."""
        return self.match_document(Document(title=title, text=text, url=url))

    def match_document(self, doc: Document) -> dict[K, list[str]]:
        """``match`` for an already normalised item (share one across organisations)."""
        result: dict[K, list[str]] = {}
        tests, queries, keys = self._tests, self._queries, self._keys
        for number in self.candidates(doc):
            # Most candidates fail: the bare predicate is cheaper than collecting hits.
            if tests[number](doc):
                result[keys[number]] = queries[number]._hits_of_match(doc)
        return result

    def _add_prefix_candidates(self, doc: Document, found: set[int]) -> None:
        tokens = doc.all_set
        if len(self._prefix_list) * 4 <= len(tokens) * len(self._prefix_lengths):
            # Few prefixes: binary search for each in the item's sorted words.
            ordered = doc.sorted_tokens()
            size = len(ordered)
            for prefix, numbers in self._prefix_list:
                index = bisect_left(ordered, prefix)
                if index < size and ordered[index].startswith(prefix):
                    found.update(numbers)
            return
        # Many prefixes: cut each word to every prefix length in use and look the cuts up.
        prefixes = self._prefixes
        for length in self._prefix_lengths:
            cuts = {token[:length] for token in tokens if len(token) >= length}
            for prefix in self._prefix_keys.intersection(cuts):
                found.update(prefixes[prefix])

    def candidates(self, doc: Document) -> list[int]:
        """Numbers (in input order) of the queries that may match ``doc``; a superset."""
        found: set[int] = set(self._always)
        words = self._words
        for token in self._word_keys.intersection(doc.all_set):
            found.update(words[token])
        if self._prefix_list and doc.all_set:
            self._add_prefix_candidates(doc, found)
        if self._sites and doc.host:
            for suffix in doc.host_suffixes():
                numbers = self._sites.get(suffix)
                if numbers:
                    found.update(numbers)
        return sorted(found)


def compile_queries(queries: Mapping[K, Query]) -> CompiledTopics[K]:
    """Compile ``queries`` (key → parsed query) for :meth:`CompiledTopics.match`."""
    return CompiledTopics(queries)
