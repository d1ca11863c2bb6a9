"""Properties of the keyword language, checked on generated queries and documents."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from onboarding.keywords import QueryError, compile_queries, fold, parse, tokenize

MODERATE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)

# A small vocabulary, so generated queries and documents share words often enough to match.
VOCABULARY = [
    "social",
    "media",
    "recruit",
    "recruiter",
    "recruitment",
    "patiënt",
    "patiënten",
    "coöperatie",
    "België",
    "ideeën",
    "Straße",
    "jobs",
    "vacature",
    "e-mail",
    "covid-19",
    "de",
]
# The same words as people also type them: without accents, in capitals.
DOCUMENT_WORDS = VOCABULARY + [
    "PATIENT",
    "patienten",
    "cooperatie",
    "BELGIE",
    "ideeen",
    "strasse",
    "Social",
    "e mail",
    "recruiting",
]
HOSTS = ["example.com", "example.com/blog", "x.nl"]
URLS = [
    "",
    "https://example.com/blog/post",
    "https://www.example.com/",
    "https://notexample.com/blog",
    "https://example.com.evil.net/",
    "https://x.nl/a",
    "not a url",
]

# Letters, marks and punctuation from Latin, Greek and Cyrillic. Left out: <, > and & (an
# upper-cased entity is another entity), and the Greek ypogegrammeni, which is an accent that
# upper-cases to a letter, so no folding can be both case- and accent-blind for it.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="<>&"),
    st.characters(min_codepoint=0xA0, max_codepoint=0x24F),
    st.characters(min_codepoint=0x300, max_codepoint=0x36F, exclude_characters="\u0345"),
    st.characters(min_codepoint=0x384, max_codepoint=0x3FF),
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF),
)


def _prefix(word: str) -> str:
    stem = word[:4].rstrip("-")
    return stem + "*"


def _phrase(words: list[str]) -> str:
    return '"' + " ".join(words) + '"'


vocabulary_word = st.sampled_from(VOCABULARY).flatmap(
    lambda word: st.sampled_from([word, word.upper()])
)
terms = st.one_of(
    vocabulary_word,
    vocabulary_word.map(_prefix),
    st.lists(vocabulary_word, min_size=1, max_size=3).map(_phrase),
    vocabulary_word.map(lambda word: "intitle:" + word),
    st.sampled_from(HOSTS).map(lambda host: "site:" + host),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, min_size=2, max_size=3).map(" ".join),
        st.lists(children, min_size=2, max_size=3).map(" OR ".join),
        st.lists(children, min_size=2, max_size=3).map(" | ".join),
        children.map(lambda child: f"({child})"),
        children.map(lambda child: f"intitle:({child})" if "site:" not in child else child),
        st.tuples(children, children).map(lambda pair: f"{pair[0]} -({pair[1]})"),
        st.tuples(children, vocabulary_word).map(lambda pair: f"{pair[0]} -{pair[1]}"),
    )


query_sources = st.recursive(terms, _combine, max_leaves=6)

document_words = st.one_of(
    st.sampled_from(DOCUMENT_WORDS), st.text(alphabet=ALPHABET, min_size=1, max_size=6)
)
separators = st.sampled_from([" ", " ", " ", ", ", "-", ". ", " <b>", "</b> ", "<p>", "\n"])
texts = st.lists(st.tuples(document_words, separators), max_size=12).map(
    lambda parts: "".join(word + separator for word, separator in parts)
)
documents = st.fixed_dictionaries(
    {"title": texts, "text": texts, "url": st.sampled_from(URLS)},
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def parsed_or_reject(source: str):
    try:
        return parse(source)
    except QueryError:
        assume(False)  # e.g. a generated query of only exclusions: refused, as it should be
        raise


# -- parsing never crashes -------------------------------------------------------------------

QUERY_PIECES = [
    "a",
    "bé",
    "OR",
    "AND",
    "|",
    "-",
    "(",
    ")",
    '"',
    "“",
    "*",
    "a*",
    "-a",
    "intitle:",
    "site:",
    "site:x.nl",
    "site:x.nl/a",
    "INTITLE:b",
    " ",
    "  ",
    "!",
    "e-mail",
]


@MODERATE
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(QUERY_PIECES), max_size=20).map("".join),
        st.lists(st.sampled_from(QUERY_PIECES), max_size=20).map(" ".join),
    ),
    documents,
)
def test_parse_raises_only_query_error(source, doc):
    try:
        query = parse(source)
    except QueryError as error:
        assert 0 <= error.position <= len(source)
        assert error.message and str(error) == error.message
        return
    # A usable query never matches an empty item, describes itself and evaluates any item.
    assert not query.matches()
    assert query.describe()
    assert query.matches(**doc) or query.hits(**doc) == []


# -- matching ignores case and accents of the document ---------------------------------------


@MODERATE
@given(query_sources, documents)
def test_matching_is_invariant_under_case_and_accents(source, doc):
    query = parsed_or_reject(source)
    expected = query.matches(**doc)
    hits = query.hits(**doc)
    for change in (str.upper, str.lower, str.swapcase, strip_accents):
        changed = {"title": change(doc["title"]), "text": change(doc["text"]), "url": doc["url"]}
        assert query.matches(**changed) is expected, change
        assert query.hits(**changed) == hits, change


@MODERATE
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_fold_is_idempotent_and_blind_to_case_and_accents(text):
    folded = fold(text)
    assert fold(folded) == folded
    words = folded.split()
    assert fold(text.upper()).split() == words
    assert fold(strip_accents(text)).split() == words


@MODERATE
@given(query_sources, documents)
def test_hits_are_positive_terms_of_a_match(source, doc):
    query = parsed_or_reject(source)
    hits = query.hits(**doc)
    if not query.matches(**doc):
        assert hits == []
    for hit in hits:
        assert hit.removeprefix("intitle:") in source


# -- compiled matching equals one-by-one matching --------------------------------------------


@MODERATE
@given(st.lists(query_sources, min_size=1, max_size=8), st.lists(documents, max_size=4))
def test_compiled_matching_equals_one_by_one(sources, docs):
    queries = {}
    for number, source in enumerate(sources):
        try:
            queries[number] = parse(source)
        except QueryError:
            continue
    assume(queries)
    compiled = compile_queries(queries)
    for doc in docs:
        expected = {key: q.hits(**doc) for key, q in queries.items() if q.matches(**doc)}
        assert compiled.match(**doc) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.text(alphabet=ALPHABET, max_size=60))
def test_tokenize_equals_the_words_of_the_folded_text(text):
    # tokenize cuts the text before folding and remembers folded pieces; neither may change
    # the words (any Unicode: ligatures, fractions, combining marks, dotted capital I).
    expected = re.findall(r"[^\W_]+", fold(text))
    assert tokenize(text) == expected
    assert tokenize(text) == expected  # the second time from the remembered pieces
