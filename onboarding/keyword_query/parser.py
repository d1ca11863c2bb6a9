"""The parser: query text to a tree, or a :class:`QueryError` naming the problem and where."""

from __future__ import annotations

import re

from onboarding.keyword_query.errors import (
    E_BAD_SITE,
    E_CLOSE_PAREN,
    E_DOUBLE_MINUS,
    E_EMPTY_OPERATOR,
    E_EMPTY_PARENS,
    E_LONE_MINUS,
    E_LONE_STAR,
    E_OP_AFTER,
    E_OP_BEFORE,
    E_OPEN_PAREN,
    E_QUOTE,
    E_SITE_IN_TITLE,
    E_TOO_DEEP,
    E_WILDCARD,
    MAX_DEPTH,
    QueryError,
)
from onboarding.keyword_query.text import fold, normalise_host, normalise_path, tokenize
from onboarding.keyword_query.tree import (
    QUOTES,
    And,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Site,
    Term,
    Word,
)

_DELIMITERS = frozenset("()|" + QUOTES)
_ENDS_IN_WORD_RE = re.compile(r"[^\W_]\Z")


class Parser:
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

    def parse(self) -> Node | None:
        return self._and(open_paren=None, title_only=False)

    def _and(self, open_paren: int | None, title_only: bool) -> Node | None:
        start = self.pos
        children: list[Node] = []
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
        return children[0] if len(children) == 1 else And(start, children)

    def _or(self, title_only: bool) -> Node | None:
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
        return present[0] if len(present) == 1 else Or(start, present)

    def _unary(self, title_only: bool) -> Node | None:
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
        return Not(start, node) if node is not None else None

    def _primary(self, title_only: bool) -> Node | None:
        start = self.pos
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(E_TOO_DEEP, start, limit=MAX_DEPTH)
        try:
            char = self.source[start]
            if char == "(":
                return self._group(title_only)
            if char in QUOTES:
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

    def _group(self, title_only: bool) -> Node | None:
        open_paren = self.pos
        self.pos += 1
        self._skip_spaces()
        if not self._at_end() and self.source[self.pos] == ")":
            raise QueryError(E_EMPTY_PARENS, open_paren)
        node = self._and(open_paren=open_paren, title_only=title_only)
        self.pos += 1  # the ")" that _and stopped at
        return node

    def _intitle(self) -> Node | None:
        start = self.pos
        self.pos += len("intitle:")
        following = self.source[self.pos] if self.pos < self.length else ""
        if not following or following.isspace() or following in ")|":
            raise QueryError(
                E_EMPTY_OPERATOR, start, operator="intitle", example="intitle:vacature"
            )
        return self._unary(title_only=True)

    def _site(self, end: int) -> Node:
        start = self.pos
        raw = self.source[start:end]
        self.pos = end
        value = raw[len("site:") :]
        if not value:
            raise QueryError(E_EMPTY_OPERATOR, start, operator="site", example="site:example.com")
        host, path = _parse_site(value)
        if not host:
            raise QueryError(E_BAD_SITE, start, value=value)
        return Site(start, raw, host, path)

    def _phrase(self, title_only: bool) -> Node | None:
        start = self.pos
        close = start + 1
        while close < self.length and self.source[close] not in QUOTES:
            close += 1
        if close >= self.length:
            raise QueryError(E_QUOTE, start)
        self.pos = close + 1
        content, prefix_last = _split_star(self.source[start + 1 : close], start + 1)
        tokens = tokenize(content)
        if not tokens:
            return None
        return _make_term(start, self.source[start : close + 1], title_only, tokens, prefix_last)

    def _word(self, end: int, title_only: bool) -> Node | None:
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
) -> Term:
    if len(tokens) > 1:
        return Phrase(start, raw, title_only, tokens, prefix_last)
    if prefix_last:
        return Prefix(start, raw, title_only, tokens[0])
    return Word(start, raw, title_only, tokens[0])


_SITE_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


def _parse_site(value: str) -> tuple[str, str]:
    """``https://www.example.com/blog/`` → ``("www.example.com", "/blog/")``; "" if invalid."""
    value = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", value)
    host, slash, path = value.partition("/")
    host = host.rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host)
    host = normalise_host(host)
    if not _SITE_HOST_RE.fullmatch(host):
        return "", ""
    path = normalise_path(slash + path)
    return host, "" if path == "/" else path
