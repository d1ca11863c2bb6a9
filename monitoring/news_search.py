"""Topic queries as search-engine queries, and news search feeds built from them.

A topic's query is written in the keyword language (:mod:`onboarding.keywords`). Search engines
each speak a dialect of roughly the same syntax; :func:`translate` walks the parsed query and
writes it in a :class:`Dialect`, returning what it could not express faithfully so the page can
say so. :func:`google_news_url` and :func:`bing_news_url` turn a translated query into an RSS
search feed in the organisation's language and country; :func:`news_search_for` does both.

The translation never narrows a search silently. A feature the dialect lacks is approximated
(``recruit*`` is searched as ``recruit``) or, for an exclusion the engine cannot express,
dropped so the search brings in more rather than less: the subscription is limited to the
topic, and the pipeline matches every item against the full topic query anyway.

Pure functions: no database, no network. Messages are translated with Django's gettext at call
time, in whatever language is active.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _

# The parse tree is the structure of the keyword language; translating it into another syntax
# means walking it (Query.root), node class by node class.
from onboarding.keyword_query.tree import And, Node, Not, Or, Phrase, Prefix, Site, Word
from onboarding.keywords import Query, parse

__all__ = [
    "BING",
    "GOOGLE",
    "NEWS_PROVIDERS",
    "Dialect",
    "NewsProvider",
    "NewsSearch",
    "Translation",
    "bing_news_url",
    "first_term_words",
    "google_news_url",
    "news_search_for",
    "translate",
]


@dataclass(frozen=True)
class Dialect:
    """What a search engine's query syntax can express.

    ``site_operator`` is the operator written for ``site:`` ("site:" for web search engines,
    "url:" on X), or "" when there is none; ``site_paths`` whether it accepts a path after the
    host; ``negated_groups`` whether ``-(a b)`` and ``-(a OR b)`` work (when they do not,
    ``-(a OR b)`` is still written as ``-a -b``, which means the same).
    """

    name: str
    intitle: bool = True
    site_operator: str = "site:"
    site_paths: bool = True
    negated_phrases: bool = True
    negated_groups: bool = False


GOOGLE = Dialect(name="Google")
BING = Dialect(name="Bing")


@dataclass(frozen=True)
class Translation:
    """A query written in a dialect; ``untranslated`` lists, in words, what could not be."""

    query: str
    untranslated: tuple[str, ...] = ()
    shape: str = "term"  # "term", "and" or "or": whether it needs parentheses to be combined

    @property
    def complete(self) -> bool:
        return not self.untranslated


# A rendered piece and its shape: a single term, an AND of parts, or an OR of alternatives.
_TERM, _ALL, _ANY = "term", "and", "or"
_WORD_RE = re.compile(r"[^\W_]+")
_PHRASE_RE = re.compile(r"[^\W_]+(?:[-'’. ][^\W_]+)*")
_QUOTES = '"“”„'


class _Translator:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.notes: list[str] = []

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def render(self, node: Node, *, negated: bool = False) -> tuple[str, str] | None:
        """``node`` in the dialect as (text, shape), or None when it is left out.

        ``negated`` is true inside an exclusion: there, an approximation that matches *more*
        than the original term would exclude too much, so such a term is left out instead.
        """
        if isinstance(node, Not):
            return self.render_not(node, negated=negated)
        if isinstance(node, And):
            return self.render_group(node.children, _ALL, negated=negated)
        if isinstance(node, Or):
            return self.render_group(node.children, _ANY, negated=negated)
        return self.render_term(node, negated=negated)

    def render_group(
        self, children: list[Node], shape: str, *, negated: bool
    ) -> tuple[str, str] | None:
        rendered = [self.render(child, negated=negated) for child in _in_order(children)]
        kept = [piece for piece in rendered if piece is not None]
        if not kept:
            return None
        if len(kept) == 1:
            return kept[0]  # the parent decides whether it needs parentheses
        parts = []
        for text, child_shape in kept:
            if child_shape == _TERM or (shape == _ALL and child_shape == _ALL):
                parts.append(text)  # a term, or an AND inside an AND: no parentheses needed
            else:
                # Engines disagree on whether AND or OR binds tighter: always group.
                parts.append(f"({text})")
        return (" OR " if shape == _ANY else " ").join(parts), shape

    def render_not(self, node: Not, *, negated: bool) -> tuple[str, str] | None:
        child = node.child
        if isinstance(child, Not):  # -(-x) is x
            return self.render(child.child, negated=negated)
        if isinstance(child, Or | And):
            return self.render_negated_group(node, child, negated=negated)
        return self.render_excluded_term(child, negated=negated)

    def render_excluded_term(self, child: Node, *, negated: bool) -> tuple[str, str] | None:
        raw = _display(child)
        if isinstance(child, Prefix) or (isinstance(child, Phrase) and child.prefix_last):
            self.note(
                _(
                    "-%(term)s: excluding every word that starts with something cannot be "
                    "written in %(engine)s; the exclusion is left out of the search."
                )
                % {"term": raw, "engine": self.dialect.name}
            )
            return None
        if isinstance(child, Phrase) and not self.dialect.negated_phrases:
            self.note(
                _(
                    "-%(term)s: %(engine)s cannot exclude a phrase; the exclusion is left out "
                    "of the search."
                )
                % {"term": raw, "engine": self.dialect.name}
            )
            return None
        rendered = self.render_term(child, negated=not negated)
        if rendered is None:
            return None
        return "-" + rendered[0], _TERM

    def render_negated_group(
        self, node: Not, child: Or | And, *, negated: bool
    ) -> tuple[str, str] | None:
        if self.dialect.negated_groups:
            inner = self.render(child, negated=not negated)
            if inner is None:
                return None
            return f"-({inner[0]})", _TERM
        if isinstance(child, Or) and all(_is_term(c) for c in child.children):
            # -(a OR b) means neither a nor b: -a -b says the same in every dialect.
            parts = [self.render_excluded_term(c, negated=negated) for c in child.children]
            kept = [text for text, _shape in (p for p in parts if p is not None)]
            if not kept:
                return None
            return " ".join(kept), (_ALL if len(kept) > 1 else _TERM)
        self.note(
            _(
                "An exclusion of a group (the - at position %(position)d) cannot be written "
                "in %(engine)s; it is left out of the search."
            )
            % {"position": node.start, "engine": self.dialect.name}
        )
        return None

    def render_term(self, node: Node, *, negated: bool) -> tuple[str, str] | None:
        raw = _display(node)
        if isinstance(node, Site):
            return self.render_site(node, negated=negated)
        if isinstance(node, Prefix):
            stem = _plain_word(node.raw.rstrip("*"), node.prefix)
            self.note(
                _(
                    "%(term)s: %(engine)s has no search for words starting with something; "
                    'it searches the whole word "%(stem)s" instead.'
                )
                % {"term": raw, "engine": self.dialect.name, "stem": stem}
            )
            text = stem
        elif isinstance(node, Phrase):
            inner = " ".join(node.raw.strip(_QUOTES).rstrip("*").split())
            # "covid-19" and "e-mail" stay as written; anything odder becomes its words.
            words = [inner] if _PHRASE_RE.fullmatch(inner) else _WORD_RE.findall(inner)
            if node.prefix_last:
                self.note(
                    _(
                        "%(term)s: %(engine)s cannot search a phrase whose last word is only a "
                        'start; it searches "%(phrase)s" instead.'
                    )
                    % {"term": raw, "engine": self.dialect.name, "phrase": " ".join(words)}
                )
            text = '"' + " ".join(words) + '"'
        elif isinstance(node, Word):
            text = _plain_word(node.raw, node.token)
            if node.raw[:1] in _QUOTES:
                text = f'"{text}"'  # a quoted word asks for that exact word, as in Google
        else:  # pragma: no cover - every term class is handled above
            return None
        if node.title_only:
            if self.dialect.intitle:
                text = "intitle:" + text
            elif negated:
                # Excluding the word everywhere would exclude more than the title.
                self.note(
                    _(
                        "%(term)s: %(engine)s has no titles to search; the exclusion is left "
                        "out of the search."
                    )
                    % {"term": raw, "engine": self.dialect.name}
                )
                return None
            else:
                self.note(
                    _("%(term)s: %(engine)s has no titles; it searches the whole text instead.")
                    % {"term": raw, "engine": self.dialect.name}
                )
        return text, _TERM

    def render_site(self, node: Site, *, negated: bool) -> tuple[str, str] | None:
        operator = self.dialect.site_operator
        if not operator:
            self.note(
                _("%(term)s: %(engine)s cannot limit a search to a site; it is left out.")
                % {"term": node.raw, "engine": self.dialect.name}
            )
            return None
        target = node.host
        if node.path:
            if self.dialect.site_paths:
                target += node.path.rstrip("/")
            elif negated:
                self.note(
                    _(
                        "%(term)s: %(engine)s cannot exclude only part of a site; the exclusion "
                        "is left out of the search."
                    )
                    % {"term": node.raw, "engine": self.dialect.name}
                )
                return None
            else:
                self.note(
                    _("%(term)s: %(engine)s searches the whole site %(host)s.")
                    % {"term": node.raw, "engine": self.dialect.name, "host": node.host}
                )
        return operator + target, _TERM


def _is_term(node: Node) -> bool:
    return not isinstance(node, And | Or | Not)


def _display(node: Node) -> str:
    raw = getattr(node, "raw", "")
    return ("intitle:" + raw) if getattr(node, "title_only", False) else raw


def _plain_word(raw: str, folded: str) -> str:
    """The word as typed (accents and case kept) when it is one clean word, else folded."""
    text = raw.strip(_QUOTES)
    return text if _WORD_RE.fullmatch(text) else folded


def _in_order(nodes: list[Node]) -> list[Node]:
    """As written: an AND keeps its children sorted for evaluation, not in query order."""
    return sorted(nodes, key=lambda node: node.start)


def translate(query: str | Query, dialect: Dialect) -> Translation:
    """``query`` (text or parsed) written in ``dialect``.

    Raises :class:`onboarding.keyword_query.QueryError` for a query that does not parse. The result
    is empty only when nothing positive could be expressed; ``untranslated`` then says why.
    """
    parsed = parse(query) if isinstance(query, str) else query
    translator = _Translator(dialect)
    rendered = translator.render(parsed.root)
    text, shape = rendered if rendered is not None else ("", _TERM)
    if text and all(part.startswith("-") for part in _top_level_parts(text)):
        translator.note(_("Only exclusions are left, and a search needs something to look for."))
        text, shape = "", _TERM
    return Translation(query=text, untranslated=tuple(translator.notes), shape=shape)


def _top_level_parts(text: str) -> list[str]:
    """Split on spaces outside quotes and parentheses."""
    parts: list[str] = []
    depth, quoted, current = 0, False, []
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == " " and not quoted and depth == 0:
            if current:
                parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    return parts


# --------------------------------------------------------------------------------------------
# News search feeds
# --------------------------------------------------------------------------------------------


def _locale(language: str, country: str) -> tuple[str, str]:
    language = (language or "en").split("-")[0].lower() or "en"
    country = (country or "").upper() or "US"
    return language, country


def google_news_url(query: str, *, language: str, country: str) -> str:
    """The Google News RSS search feed for ``query`` (already in Google's syntax)."""
    language, country = _locale(language, country)
    params = {"q": query, "hl": language, "gl": country, "ceid": f"{country}:{language}"}
    return "https://news.google.com/rss/search?" + urlencode(params, safe=":")


def bing_news_url(query: str, *, language: str, country: str) -> str:
    """The Bing News RSS search feed for ``query`` (already in Bing's syntax)."""
    language, country = _locale(language, country)
    params = {"q": query, "format": "rss", "setlang": language, "cc": country}
    return "https://www.bing.com/news/search?" + urlencode(params)


@dataclass(frozen=True)
class NewsProvider:
    key: str
    label: str
    dialect: Dialect
    build_url: Callable[..., str]

    def url(self, query: str, *, language: str, country: str) -> str:
        return self.build_url(query, language=language, country=country)


NEWS_PROVIDERS: dict[str, NewsProvider] = {
    "google_news": NewsProvider("google_news", "Google News", GOOGLE, google_news_url),
    "bing_news": NewsProvider("bing_news", "Bing News", BING, bing_news_url),
}


@dataclass(frozen=True)
class NewsSearch:
    """A topic's query as one provider's news search feed; ``url`` is "" when nothing could be
    searched (``untranslated`` then says why)."""

    provider: NewsProvider
    query: str
    url: str
    untranslated: tuple[str, ...]


def news_search_for(
    query: str | Query, *, provider: str, language: str, country: str
) -> NewsSearch:
    """The news search feed of ``provider`` ("google_news" or "bing_news") for a topic query.

    Raises KeyError for an unknown provider and QueryError for a query that does not parse.
    """
    chosen = NEWS_PROVIDERS[provider]
    translation = translate(query, chosen.dialect)
    url = (
        chosen.url(translation.query, language=language, country=country)
        if translation.query
        else ""
    )
    return NewsSearch(
        provider=chosen, query=translation.query, url=url, untranslated=translation.untranslated
    )


def first_term_words(query: str | Query) -> list[str]:
    """The folded words of the first thing the query looks for (not an exclusion, not a site):
    ``"social media" -jobs`` → ``["social", "media"]``; ``recruit*`` → ``["recruit"]``."""
    parsed = parse(query) if isinstance(query, str) else query

    def first(node: Node) -> list[str]:
        if isinstance(node, Not | Site):
            return []
        if isinstance(node, And | Or):
            for child in _in_order(node.children):
                found = first(child)
                if found:
                    return found
            return []
        if isinstance(node, Phrase):
            return list(node.tokens)
        if isinstance(node, Prefix):
            return [node.prefix]
        if isinstance(node, Word):
            return [node.token]
        return []

    return first(parsed.root)
