"""Many queries compiled for matching each item once, not once per query."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Generic, TypeVar

from onboarding.keyword_query.query import Query
from onboarding.keyword_query.text import Document
from onboarding.keyword_query.tree import Anchor

K = TypeVar("K")


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
        self._tests = [query.root.test for query in self._queries]
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
                result[keys[number]] = queries[number].hits_of_match(doc)
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
