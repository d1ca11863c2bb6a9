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

This module and its package are pure Python on purpose (no Django): the monitoring workers
and the benchmark use it directly. Translatable strings are marked with :func:`gettext_noop`
and translated at run time through the ``gettext`` argument the Django layer passes in.

This module is the language's public face; the implementation lives in
``onboarding/keyword_query/``: ``errors`` (QueryError and its messages), ``text`` (folding,
tokenising, HTML to text, Document), ``tree`` (the parsed query's nodes), ``parser``, ``query``
(Query and parse) and ``compiled`` (CompiledTopics).
"""

from onboarding.keyword_query.compiled import CompiledTopics, compile_queries
from onboarding.keyword_query.errors import MAX_DEPTH, MAX_QUERY_LENGTH, QueryError, gettext_noop
from onboarding.keyword_query.query import Query, parse
from onboarding.keyword_query.text import Document, fold, html_to_text, tokenize

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
    "html_to_text",
    "parse",
    "tokenize",
]
