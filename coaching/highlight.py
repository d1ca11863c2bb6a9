"""Show why an item matched: the terms that hit, marked in its title and summary.

Terms arrive as the topic query wrote them (``"social media"``, ``recruit*``, ``intitle:zorg``,
``site:example.org``). They are matched the way the keyword language matches them: on word
boundaries, case- and accent-insensitively (``patiënt`` marks "Patient").

Safety: a title is plain text and is escaped piece by piece. A summary is HTML that was
sanitised when it was stored; only its text nodes are touched. Tags are copied exactly as the
sanitiser wrote them, text is unescaped by the parser and escaped again around the ``<mark>``
elements this module adds. Nothing that did not come out of the sanitiser is ever marked safe.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape, unescape

from django.utils.safestring import SafeString, mark_safe

from onboarding.keywords import fold, tokenize

__all__ = ["Pattern", "compile_terms", "highlight_html", "highlight_text"]

_WORD_RE = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Pattern:
    """Folded words in a row; the last one may be a prefix (``recruit*``)."""

    words: tuple[str, ...]
    prefix: bool = False


def compile_terms(terms: Iterable[str]) -> tuple[Pattern, ...]:
    """Patterns for the terms as written in topic queries; ``site:`` terms mark no text."""
    patterns: dict[Pattern, None] = {}
    for raw in terms:
        term = raw.strip()
        if not term or term.lower().startswith("site:"):
            continue
        if term.lower().startswith("intitle:"):
            term = term[len("intitle:") :]
        term = term.strip().strip('"').strip()
        prefix = term.endswith("*")
        words = tuple(tokenize(term.rstrip("*")))
        if words:
            patterns[Pattern(words, prefix)] = None
    return tuple(patterns)


@functools.lru_cache(maxsize=4096)
def _regex(patterns: tuple[Pattern, ...]) -> re.Pattern[str]:
    """One expression for all patterns, to run over folded (lower-cased) text: the words in a
    row separated by anything that is not a letter or digit, on word boundaries."""
    alternatives = []
    # Longest first: at one position, "social media" wins over "social".
    for pattern in sorted(patterns, key=lambda p: -len(p.words)):
        body = r"[\W_]+".join(re.escape(word) for word in pattern.words)
        alternatives.append(body + (r"[^\W_]*" if pattern.prefix else ""))
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _spans(text: str, patterns: tuple[Pattern, ...]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` covered by a pattern, merged and in order."""
    if not patterns or not text:
        return []
    if text.isascii():
        # Folding ASCII is lower-casing: positions stay where they are.
        return [m.span() for m in _regex(patterns).finditer(text.lower())]
    words = [(m.start(), m.end(), fold(m.group())) for m in _WORD_RE.finditer(text)]
    found: list[tuple[int, int]] = []
    for i in range(len(words)):
        for pattern in patterns:
            n = len(pattern.words)
            if i + n > len(words):
                continue
            head_ok = all(words[i + k][2] == pattern.words[k] for k in range(n - 1))
            last = words[i + n - 1][2]
            last_ok = (
                last.startswith(pattern.words[-1]) if pattern.prefix else last == pattern.words[-1]
            )
            if head_ok and last_ok:
                found.append((words[i][0], words[i + n - 1][1]))
    if not found:
        return []
    found.sort()
    merged = [found[0]]
    for start, end in found[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, patterns: tuple[Pattern, ...]) -> str:
    """``text`` escaped, with the hits wrapped in ``<mark>``."""
    spans = _spans(text, patterns)
    if not spans:
        return escape(text, quote=False)
    out: list[str] = []
    position = 0
    for start, end in spans:
        out.append(escape(text[position:start], quote=False))
        out.append(f"<mark>{escape(text[start:end], quote=False)}</mark>")
        position = end
    out.append(escape(text[position:], quote=False))
    return "".join(out)


def highlight_text(text: str, patterns: tuple[Pattern, ...]) -> SafeString:
    """Plain ``text`` as safe HTML with the hits marked."""
    return mark_safe(_marked(text, patterns))  # noqa: S308 - every piece is escaped in _marked


# What the sanitiser writes between text nodes: start and end tags whose attribute values are
# quoted (a quote inside a value is written &quot;), so a ">" inside quotes never ends a tag.
# Comments and declarations are matched separately and dropped. Any other "<" is text (the
# sanitiser writes a text "<" as &lt;, so that only happens in markup it did not write).
_TAG_RE = re.compile(r"""</?[A-Za-z][^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|$)|<[!?][^>]*>", re.DOTALL)
_MARKUP_RE = re.compile(f"{_COMMENT_RE.pattern}|{_TAG_RE.pattern}", re.DOTALL)


def highlight_html(markup: str, patterns: tuple[Pattern, ...]) -> SafeString:
    """Sanitised HTML (an item summary) with the hits in its text marked.

    ``markup`` must be what the monitoring sanitiser stored; comments and declarations are
    dropped, tags are copied as written, text is unescaped and escaped again around the marks.
    """
    if not markup:
        return mark_safe("")
    if not patterns or not _regex(patterns).search(fold(markup)):
        return mark_safe(markup)  # noqa: S308 - stored summaries are sanitised HTML
    out: list[str] = []
    position = 0
    for found in _MARKUP_RE.finditer(markup):
        if found.start() > position:
            out.append(_marked(unescape(markup[position : found.start()]), patterns))
        if found.group()[1] not in "!?":
            out.append(found.group())
        position = found.end()
    if position < len(markup):
        out.append(_marked(unescape(markup[position:]), patterns))
    return mark_safe("".join(out))  # noqa: S308 - sanitised tags plus escaped text
