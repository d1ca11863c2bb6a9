"""Text normalisation, shared by queries and documents so both sides fold identically."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from urllib.parse import unquote, urlsplit

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


def normalise_host(host: str) -> str:
    host = host.strip().lower().strip(".")
    if host.startswith("*."):
        host = host[2:]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # an unencodable name simply stays as typed; it can still compare equal
    return host


def normalise_path(path: str) -> str:
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
    return normalise_host(host), normalise_path(parts.path)


EMPTY_DOCUMENT = Document()
