"""The keyword query language: operators, folding, errors, descriptions, hits, compiled sets."""

from __future__ import annotations

import pickle

import pytest

from onboarding.keywords import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    CompiledTopics,
    Document,
    Query,
    QueryError,
    compile_queries,
    fold,
    gettext_noop,
    parse,
    tokenize,
)


def matches(query: str, text: str = "", *, title: str = "", url: str = "") -> bool:
    return parse(query).matches(title=title, text=text, url=url)


# -- words, phrases, AND ---------------------------------------------------------------------


def test_all_words_must_occur_in_any_order():
    assert matches("social media", "Media are social.")
    assert not matches("social media", "social life")


def test_words_match_in_title_or_text():
    assert matches("social media", "about media", title="Social life")


def test_explicit_and_is_the_same_as_juxtaposition():
    assert matches("social AND media", "media social")
    assert not matches("social AND media", "social")


def test_phrase_needs_the_words_adjacent_and_in_order():
    assert matches('"social media"', "We love SOCIAL media!")
    assert not matches('"social media"', "media social")
    assert not matches('"social media"', "social and media")


def test_phrase_ignores_punctuation_between_its_words():
    assert matches('"social media"', "social, media")


def test_phrase_does_not_span_title_and_text():
    assert not matches('"social media"', "media is everywhere", title="Going social")


def test_curly_quotes_make_a_phrase():
    assert matches("“social media”", "social media")
    assert not matches("“social media”", "media social")


def test_word_with_punctuation_is_the_phrase_of_its_parts():
    assert matches("e-mail", "Send an E-mail")
    assert matches("e-mail", "send an e mail")
    assert not matches("e-mail", "mail e")
    assert matches("covid-19", "COVID-19 cijfers")
    assert not matches("covid-19", "covid 20 19")


def test_symbols_without_letters_are_ignored():
    assert matches("Procter & Gamble", "procter gamble")
    assert matches('"Procter & Gamble"', "Procter &amp; Gamble")


def test_lowercase_or_is_an_ordinary_word():
    assert matches("cats or dogs", "cats or dogs")
    assert not matches("cats or dogs", "cats and dogs")


# -- word boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the cat sat", True),
        ("concatenate", False),
        ("cats", False),
        ("cat's toy", True),
        ("cat_food", True),  # underscore separates words, as in URLs and hashtags
        ("cat9", False),
        ("(cat)", True),
    ],
)
def test_words_match_on_word_boundaries(text, expected):
    assert matches("cat", text) is expected


def test_digits_are_part_of_words():
    assert matches("2024", "in 2024 we")
    assert not matches("2024", "in 20245 we")


# -- OR and precedence -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["jobs OR vacatures", "jobs | vacatures", "jobs|vacatures"])
def test_or_needs_either(query):
    assert matches(query, "nieuwe vacatures")
    assert matches(query, "new jobs")
    assert not matches(query, "werk")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a c", True), ("a b", True), ("b c", False), ("a", False), ("c", False)],
)
def test_or_binds_tighter_than_and(text, expected):
    assert matches("a b OR c", text) is expected  # a AND (b OR c), as in Google


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a c", True), ("b c", True), ("a b", False), ("c", False)],
)
def test_or_on_the_left_of_and(text, expected):
    assert matches("a OR b c", text) is expected  # (a OR b) AND c


def test_chained_or():
    assert matches("a OR b OR c", "c")
    assert not matches("a OR b OR c", "d")


def test_parentheses_group():
    query = "(social OR sociale) (media OR netwerken)"
    assert matches(query, "sociale netwerken")
    assert matches(query, "social media")
    assert not matches(query, "sociale zaken")


def test_parentheses_override_precedence():
    assert matches("(a b) OR c", "c")
    assert not matches("a b OR c", "c")


# -- exclusions ------------------------------------------------------------------------------


def test_exclude_a_word():
    assert matches("vacature -stage", "vacature marketing")
    assert not matches("vacature -stage", "vacature stage marketing")
    assert matches("vacature -stage", "vacature stagebureau")  # on word boundaries


def test_exclude_a_phrase():
    assert matches('recruitment -"job fair"', "recruitment fair job")
    assert not matches('recruitment -"job fair"', "recruitment at the job fair")


def test_exclude_a_group():
    query = "recruitment -(stage OR bijbaan)"
    assert matches(query, "recruitment")
    assert not matches(query, "recruitment stage")
    assert not matches(query, "recruitment bijbaan")


def test_exclusion_applies_to_title_too():
    assert not matches("vacature -stage", "vacature", title="Stage")


def test_hyphen_inside_a_word_is_not_an_exclusion():
    assert matches("e-mail marketing", "e-mail marketing")


def test_double_negation_in_parentheses_requires_the_term():
    assert matches("-(-a)", "a")
    assert not matches("-(-a)", "b")


# -- prefix ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recruit", True),
        ("Recruiter", True),
        ("recruitment", True),
        ("prerecruitment", False),
        ("recruting", False),
    ],
)
def test_prefix(text, expected):
    assert matches("recruit*", text) is expected


def test_prefix_with_accents():
    assert matches("patiënt*", "patienten")
    assert matches("patient*", "PATIËNTEN")


def test_prefix_at_the_end_of_a_phrase():
    assert matches('"social recruit*"', "social recruiters")
    assert not matches('"social recruit*"', "social media recruiters")


def test_prefix_after_punctuation_in_a_word():
    assert matches("e-recruit*", "e-recruitment")
    assert not matches("e-recruit*", "recruitment")


# -- accents and case ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ('"coöperatie"', "cooperatie"),
        ("cooperatie", "Coöperatie"),
        ("financiële", "FINANCIELE"),
        ("financiele", "financiële"),
        ("ideeën", "ideeen"),
        ("ideeen", "IDEEËN"),
        ("België", "belgie"),
        ("belgie", "BELGIË"),
        ("Straße", "strasse"),
        ("STRASSE", "straße"),
        ("café", "CAFE"),
        ("Søren", "soren"),
        ("łódź", "Lodz"),
        ("patiënt", "PATIËNT"),
        ("naïef", "naief"),
        ("ﬁnance", "finance"),  # ligature
    ],
)
def test_case_and_accent_insensitive(query, text):
    assert matches(query, text)


def test_decomposed_accents_in_the_document():
    assert matches("patiënt", "patie\u0308nt")
    assert matches("patie\u0308nt", "patiënt")


def test_accents_do_not_break_word_boundaries():
    assert matches("patiënt", "de patiënt")
    assert not matches("patiënt", "de patiënten")
    assert not matches("patient", "patiënten")


def test_non_latin_words():
    assert matches("Москва", "в москве и МОСКВА")
    assert matches("αθήνα", "ΑΘΗΝΑ")


def test_fold_and_tokenize():
    assert fold("Coöperatie ÉÉN Straße") == "cooperatie een strasse"
    assert tokenize("Hallo, wereld! E-mail_adres 2024") == [
        "hallo",
        "wereld",
        "e",
        "mail",
        "adres",
        "2024",
    ]


# -- HTML ------------------------------------------------------------------------------------


def test_html_tags_are_not_text():
    text = '<p class="social">Over <a href="https://media.example/">netwerken</a></p>'
    assert matches("netwerken", text)
    assert not matches("social", text)
    assert not matches("media", text)


def test_html_entities_are_decoded():
    assert matches("coöperatie", "co&ouml;peratie &amp; zo")
    assert matches('"r&d"', "R&amp;D afdeling")


def test_inline_tags_inside_a_word_keep_it_whole():
    assert matches("recruiter", "<p>een <b>recruit</b>er</p>")


def test_block_tags_separate_words():
    assert matches('"eind begin"', "<p>eind</p><p>begin</p>")
    assert not matches("eindbegin", "<p>eind</p><p>begin</p>")


def test_scripts_and_styles_are_not_text():
    text = '<p>hallo</p><script>tracker.push({"id": 1})</script><style>p{color:red}</style>'
    assert matches("hallo", text)
    assert not matches("tracker", text)
    assert not matches("color", text)


def test_plain_text_with_angle_brackets_survives():
    assert matches("kleiner", "3 < 4 is kleiner")


# -- intitle ---------------------------------------------------------------------------------


def test_intitle_only_looks_at_the_title():
    assert matches("intitle:vacature", title="Vacature: recruiter")
    assert not matches("intitle:vacature", "vacature", title="Nieuws")


def test_intitle_phrase_group_and_prefix():
    assert matches('intitle:"social media"', title="Social media nu")
    assert not matches('intitle:"social media"', "social media", title="nu")
    assert matches("intitle:(vacature OR baan)", title="Nieuwe baan")
    assert not matches("intitle:(vacature OR baan)", "baan", title="nieuws")
    assert matches("intitle:recruit*", title="Recruiters gezocht")


def test_intitle_is_case_insensitive_and_can_be_excluded():
    assert matches("INTITLE:vacature", title="vacature")
    assert matches("recruiter -intitle:stage", "stage recruiter", title="Vacature")
    assert not matches("recruiter -intitle:stage", "recruiter", title="Stage")


def test_intitle_with_a_minus_excludes_from_the_title():
    assert matches("recruiter intitle:-stage", "recruiter stage", title="baan")
    assert not matches("recruiter intitle:-stage", "recruiter", title="stage")


# -- site ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", True),
        ("http://EXAMPLE.com", True),
        ("https://www.example.com/x", True),
        ("https://blog.news.example.com/x", True),
        ("https://example.com:8443/x", True),
        ("https://notexample.com/", False),
        ("https://example.com.evil.net/", False),
        ("https://evil.net/example.com", False),
        ("https://evil.net/?u=https://example.com/", False),
        ("https://example.co/", False),
        ("", False),
        ("not a url", False),
    ],
)
def test_site_matches_host_and_subdomains_only(url, expected):
    assert matches("site:example.com", url=url) is expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/blog", True),
        ("https://example.com/blog/", True),
        ("https://www.example.com/Blog/post-1", True),
        ("https://example.com/blogger", False),
        ("https://example.com/news/blog", False),
        ("https://example.com/", False),
    ],
)
def test_site_with_a_path_prefix(url, expected):
    assert matches("site:example.com/blog", url=url) is expected


@pytest.mark.parametrize(
    "query",
    [
        "site:https://example.com/",
        "site:EXAMPLE.COM",
        "site:*.example.com",
        "site:example.com.",
    ],
)
def test_site_as_pasted(query):
    assert matches(query, url="https://news.example.com/x")
    assert not matches(query, url="https://notexample.com/x")


def test_site_with_international_domain_name():
    assert matches("site:bücher.de", url="https://www.xn--bcher-kva.de/")
    assert matches("site:xn--bcher-kva.de", url="https://bücher.de/")


def test_site_combined_with_words_and_exclusions():
    query = "recruiter site:example.com -site:jobs.example.com"
    assert matches(query, "recruiter", url="https://www.example.com/")
    assert not matches(query, "recruiter", url="https://jobs.example.com/")
    assert not matches(query, "recruiter", url="https://other.com/")
    assert not matches(query, "stage", url="https://www.example.com/")


def test_site_alternatives():
    query = "(site:a.nl OR site:b.nl) klimaat"
    assert matches(query, "klimaat", url="https://b.nl/x")
    assert not matches(query, "klimaat", url="https://c.nl/x")


def test_unknown_operators_are_words():
    assert matches("inurl:vacature", "inurl vacature")
    assert not matches("inurl:vacature", "vacature", url="https://x.nl/vacature")


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("", 0, 'Empty query: type at least one word or "phrase" to look for'),
        ("   \n", 0, 'Empty query: type at least one word or "phrase" to look for'),
        (
            '"social media',
            0,
            "Unbalanced quote: the quote at position 0 is never closed",
        ),
        (
            'recruit "social media',
            8,
            "Unbalanced quote: the quote at position 8 is never closed",
        ),
        (
            "(a OR b",
            0,
            "Unbalanced parenthesis: the ( at position 0 is never closed",
        ),
        (
            "a (b (c) d",
            2,
            "Unbalanced parenthesis: the ( at position 2 is never closed",
        ),
        (
            "a OR b)",
            6,
            "Unbalanced parenthesis: the ) at position 6 has no matching (",
        ),
        (")a(", 0, "Unbalanced parenthesis: the ) at position 0 has no matching ("),
        (
            "a ( ) b",
            2,
            "Empty parentheses: the () at position 2 contain nothing to look for",
        ),
        ("OR a", 0, "Dangling OR: the OR at position 0 has no term before it"),
        ("a OR", 2, "Dangling OR: the OR at position 2 has no term after it"),
        ("a OR OR b", 5, "Dangling OR: the OR at position 5 has no term before it"),
        ("(a OR) b", 3, "Dangling OR: the OR at position 3 has no term after it"),
        ("a (OR b)", 3, "Dangling OR: the OR at position 3 has no term before it"),
        ("| a", 0, "Dangling |: the | at position 0 has no term before it"),
        ("a |", 2, "Dangling |: the | at position 2 has no term after it"),
        ("a AND", 2, "Dangling AND: the AND at position 2 has no term after it"),
        ("a OR AND b", 5, "Dangling AND: the AND at position 5 has no term before it"),
        (
            "-",
            0,
            'Lone minus: the - at position 0 must be directly followed by the word, "phrase" '
            "or (group) to exclude",
        ),
        (
            "a - b",
            2,
            'Lone minus: the - at position 2 must be directly followed by the word, "phrase" '
            "or (group) to exclude",
        ),
        (
            "a --b",
            2,
            "Double minus: the - at position 2 is followed by another -; one - excludes a term",
        ),
        (
            "intitle:",
            0,
            "Empty intitle: the intitle: at position 0 must be directly followed by what to "
            "look for, as in intitle:vacature",
        ),
        (
            "a intitle: b",
            2,
            "Empty intitle: the intitle: at position 2 must be directly followed by what to "
            "look for, as in intitle:vacature",
        ),
        (
            "a site:",
            2,
            "Empty site: the site: at position 2 must be directly followed by what to "
            "look for, as in site:example.com",
        ),
        (
            "a site:exa$mple.com",
            2,
            'Invalid site: "exa$mple.com" at position 2 is not a domain name',
        ),
        (
            "intitle:site:example.com",
            8,
            "Misplaced site: the site: at position 8 cannot be used inside intitle:",
        ),
        ("*", 0, "Lone *: the * at position 0 must end a word, as in recruit*"),
        ("a -*", 3, "Lone *: the * at position 3 must end a word, as in recruit*"),
        ('"social *"', 8, "Lone *: the * at position 8 must end a word, as in recruit*"),
        (
            "re*cruit",
            2,
            "Unsupported wildcard: the * at position 2; a * may only end a word, as in recruit*",
        ),
        (
            '"social * media"',
            8,
            "Unsupported wildcard: the * at position 8; a * may only end a word, as in recruit*",
        ),
        (
            "-jobs",
            0,
            "Only exclusions: the query would match every item that lacks the excluded terms "
            '(the first exclusion is at position 0); add a word or "phrase" to look for',
        ),
        (
            '-jobs -"job fair" -(a OR b)',
            0,
            "Only exclusions: the query would match every item that lacks the excluded terms "
            '(the first exclusion is at position 0); add a word or "phrase" to look for',
        ),
        (
            "a OR -b",
            5,
            "Only exclusions: the query would match every item that lacks the excluded terms "
            '(the first exclusion is at position 5); add a word or "phrase" to look for',
        ),
        (
            "-site:example.com",
            0,
            "Only exclusions: the query would match every item that lacks the excluded terms "
            '(the first exclusion is at position 0); add a word or "phrase" to look for',
        ),
        (
            "!!! ...",
            0,
            "No words: the query contains no letters or digits to look for (position 0)",
        ),
    ],
)
def test_malformed_queries_are_refused_with_position_and_message(query, position, message):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == position
    assert caught.value.message == message
    assert str(caught.value) == message


def test_query_error_is_a_value_error():
    with pytest.raises(ValueError, match="Unbalanced quote"):
        parse('"open')


def test_very_long_query_is_refused():
    assert parse(("ab " * MAX_QUERY_LENGTH)[:MAX_QUERY_LENGTH])
    with pytest.raises(QueryError) as caught:
        parse("a" * (MAX_QUERY_LENGTH + 1))
    assert caught.value.position == MAX_QUERY_LENGTH
    assert str(caught.value) == (
        "Query too long: it has 2001 characters and the limit is 2000; split it into several topics"
    )


def test_deep_nesting_is_refused_not_a_crash():
    assert parse("(" * (MAX_DEPTH - 1) + "a" + ")" * (MAX_DEPTH - 1))
    with pytest.raises(QueryError, match="Too deeply nested"):
        parse("(" * 600 + "a" + ")" * 600)
    with pytest.raises(QueryError, match="Too deeply nested"):
        parse("intitle:" * 200 + "a")


def test_query_error_translates_through_gettext():
    dutch = {
        "Unbalanced quote: the quote at position %(position)d is never closed": (
            "Ontbrekend aanhalingsteken: het aanhalingsteken op positie %(position)d "
            "wordt nooit gesloten"
        )
    }
    with pytest.raises(QueryError) as caught:
        parse('a "b')
    assert caught.value.translated(lambda s: dutch.get(s, s)) == (
        "Ontbrekend aanhalingsteken: het aanhalingsteken op positie 2 wordt nooit gesloten"
    )


def test_operator_words_are_words_when_quoted_or_excluded():
    assert matches('"OR" gate', "or gate")
    assert matches("logic -OR", "logic and")
    assert not matches("logic -OR", "logic or")


# -- describe --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "description"),
    [
        (
            '"social media" recruit* -jobs',
            'all of: "social media", recruit… (any word starting with "recruit"); none of: "jobs"',
        ),
        ("recruiter", '"recruiter"'),
        ('"jobs"', '"jobs"'),
        ("a b OR c", 'all of: "a", (any of: "b", "c")'),
        ("jobs | vacatures", 'any of: "jobs", "vacatures"'),
        ("intitle:vacature", '"vacature" in the title'),
        ('intitle:"social media"', '"social media" in the title'),
        (
            "intitle:(vacature OR baan) -stage",
            'all of: (any of: "vacature" in the title, "baan" in the title); none of: "stage"',
        ),
        ("site:example.com", "pages on example.com"),
        ("site:www.Example.com/blog", "pages on www.example.com under /blog"),
        ("e-mail", '"e-mail"'),
        ('"social recruit*"', '"social recruit…" (any phrase starting with "social recruit")'),
        ("a -(b OR c)", 'all of: "a"; none of: (any of: "b", "c")'),
        ("a OR (b -c)", 'any of: "a", (all of: "b"; none of: "c")'),
        ("patiënt*", 'patiënt… (any word starting with "patiënt")'),
    ],
)
def test_describe(query, description):
    assert parse(query).describe() == description


def test_describe_passes_every_fragment_through_gettext():
    dutch = {
        "all of: %(items)s": "alle: %(items)s",
        "none of: %(items)s": "geen van: %(items)s",
        "any of: %(items)s": "een van: %(items)s",
        '%(stem)s… (any word starting with "%(stem)s")': (
            '%(stem)s… (elk woord dat begint met "%(stem)s")'
        ),
        "%(term)s in the title": "%(term)s in de titel",
        "pages on %(site)s": "pagina's op %(site)s",
    }
    asked: list[str] = []

    def gettext(message: str) -> str:
        asked.append(message)
        return dutch.get(message, message)

    query = parse('"social media" recruit* (intitle:a OR site:x.nl) -jobs')
    assert query.describe(gettext=gettext) == (
        'alle: "social media", recruit… (elk woord dat begint met "recruit"), '
        '(een van: "a" in de titel, pagina\'s op x.nl); geen van: "jobs"'
    )
    assert set(asked) <= set(dutch)


def test_gettext_noop_returns_its_argument():
    assert gettext_noop("all of: %(items)s") == "all of: %(items)s"


# -- hits ------------------------------------------------------------------------------------


def test_hits_lists_positive_terms_as_written_in_query_order():
    query = parse('intitle:Vacature "social media" recruit* -jobs')
    assert query.hits(title="Vacature", text="Social media recruiters gezocht") == [
        "intitle:Vacature",
        '"social media"',
        "recruit*",
    ]


def test_hits_is_empty_when_the_query_does_not_match():
    query = parse("recruiter -jobs")
    assert query.hits(text="recruiter jobs") == []
    assert query.hits(text="nothing") == []


def test_hits_lists_every_alternative_that_hit():
    query = parse("(jobs OR vacatures OR werk) nederland")
    assert query.hits(text="werk en jobs in Nederland") == ["jobs", "werk", "nederland"]


def test_hits_skip_alternatives_that_failed_as_a_whole():
    query = parse("a OR (b c)")
    assert query.hits(text="a b") == ["a"]
    assert query.hits(text="b c") == ["b", "c"]


def test_hits_show_intitle_scope_and_site():
    query = parse("intitle:(vacature OR baan) site:example.com")
    assert query.hits(title="Baan", url="https://example.com/") == [
        "intitle:baan",
        "site:example.com",
    ]


def test_hits_are_listed_once():
    assert parse("a (a OR b)").hits(text="a b") == ["a", "b"]


def test_hits_for_a_match_without_positive_terms():
    query = parse("-(-a)")
    assert query.matches(text="a")
    assert query.hits(text="a") == []


# -- documents and queries -------------------------------------------------------------------


def test_document_normalises_once():
    doc = Document(title="Coöperatie", text="<p>Social <b>media</b></p>", url="https://WWW.X.nl/A")
    assert doc.title_tokens == ["cooperatie"]
    assert doc.text_tokens == ["social", "media"]
    assert doc.text_joined == " social media "
    assert (doc.host, doc.path) == ("www.x.nl", "/a")
    assert doc.host_suffixes() == ["www.x.nl", "x.nl", "nl"]
    assert parse("cooperatie media").matches_document(doc)
    assert parse('"social media"').hits_document(doc) == ['"social media"']


def test_queries_compare_by_source():
    assert parse("a b") == parse("a b")
    assert parse("a b") != parse("b a")
    assert repr(parse("a")) == "<Query 'a'>"
    assert isinstance(parse("a"), Query)


# -- compiled topics -------------------------------------------------------------------------

TOPICS = {
    "social": '"social media" recruit*',
    "jobs": "(vacature OR baan OR jobs) -stage",
    "title": "intitle:coöperatie",
    "site": "site:example.com/blog",
    "site_word": "site:example.org klimaat",
    "neg_group": "-(stage OR bijbaan OR -energie)",  # energie without stage/bijbaan; no anchor
    "prefix_phrase": '"financiële ideeën*"',
    "double": "-(-belgie)",
    "dutch": "patiënt België",
}

DOCUMENTS = [
    {"title": "Social media", "text": "Recruiters zoeken social media talent"},
    {"title": "Vacature", "text": "Een baan als stage-coördinator", "url": "https://x.nl"},
    {"title": "Vacature", "text": "Een baan bij de Coöperatie", "url": "https://x.nl"},
    {"title": "Coöperatie", "text": "<p>energie en stage</p>"},
    {"title": "Blog", "text": "energie", "url": "https://www.example.com/blog/x"},
    {"title": "Blog", "text": "klimaat", "url": "https://example.org.evil.com/"},
    {"title": "Klimaat", "text": "klimaat", "url": "https://news.example.org/"},
    {"text": "FINANCIELE IDEEENBUS voor de patient uit belgie"},
    {"text": ""},
    {"title": "x", "text": "energie bijbaan", "url": "http://[::1"},
]


@pytest.fixture(scope="module")
def compiled() -> CompiledTopics[str]:
    return compile_queries({key: parse(query) for key, query in TOPICS.items()})


@pytest.mark.parametrize("doc", DOCUMENTS)
def test_compiled_matching_equals_one_by_one(compiled, doc):
    expected = {}
    for key, source in TOPICS.items():
        query = parse(source)
        if query.matches(**doc):
            expected[key] = query.hits(**doc)
    assert compiled.match(**doc) == expected


def test_compiled_matching_on_a_known_document(compiled):
    found = compiled.match(title="Vacature", text="Een baan bij de Coöperatie in Belgie")
    assert found == {"jobs": ["vacature", "baan"], "double": []}
    assert list(found) == ["jobs", "double"]  # input order


def test_compiled_evaluates_only_candidates(compiled):
    doc = Document(title="Niets", text="helemaal niets hier")
    numbers = compiled.candidates(doc)
    assert [list(TOPICS)[n] for n in numbers] == ["neg_group"]  # only the unanchored query
    assert compiled.match_document(doc) == {}


def test_compiled_candidates_from_words_prefixes_and_sites():
    compiled = compile_queries(
        {
            "word": parse("klimaat"),
            "prefix": parse("recruit*"),
            "site": parse("site:example.com"),
            "other": parse("energie OR recruiting"),
            "other_site": parse("site:example.org"),
        }
    )
    doc = Document(text="recruitment klimaat", url="https://sub.example.com/")
    assert compiled.candidates(doc) == [0, 1, 2]


def test_query_anchors():
    assert parse("a b").anchors() in ({("w", "a")}, {("w", "b")})
    assert parse("recruiter the").anchors() == {("w", "recruiter")}  # stopwords make poor anchors
    assert parse("(a OR b*) -c").anchors() == {("w", "a"), ("p", "b")}
    assert parse('"the recruiter"').anchors() == {("w", "recruiter")}
    assert parse("site:x.nl de").anchors() == {("s", "x.nl")}
    assert parse("-(a OR -b)").anchors() is None


def test_compiled_with_no_queries_and_any_keys():
    assert compile_queries({}).match(text="anything") == {}
    compiled = compile_queries({1: parse("a"), (2, "b"): parse("b")})
    assert len(compiled) == 2
    assert compiled.match(text="a b") == {1: ["a"], (2, "b"): ["b"]}


def test_one_document_can_be_shared_by_several_compiled_sets():
    first = compile_queries({"a": parse("klimaat")})
    second = compile_queries({"b": parse('"klimaat akkoord"')})
    doc = Document(text="Het klimaat-akkoord")
    assert first.match_document(doc) == {"a": ["klimaat"]}
    assert second.match_document(doc) == {"b": ['"klimaat akkoord"']}


def test_compiled_with_many_prefixes_uses_the_prefix_table_correctly():
    stems = sorted(
        {word[:k] for word in ["recruitment", "patiënten", "klimaat"] for k in (2, 4, 6)}
    )
    queries = {f"{stem}-{n}": parse(f"{stem}* topic{n % 3}") for n, stem in enumerate(stems * 20)}
    compiled = compile_queries(queries)
    filler = " ".join(f"filler{n}" for n in range(40))  # long items take the binary search
    for short in ["recruiters topic0", "patiënt topic1 klimaat", "pa topic2", "re", ""]:
        for text in (short, f"{short} {filler}"):
            expected = {k: q.hits(text=text) for k, q in queries.items() if q.matches(text=text)}
            assert compiled.match(text=text) == expected


def test_queries_and_compiled_sets_pickle():
    query = parse('"social media" recruit*')
    assert pickle.loads(pickle.dumps(query)) == query  # noqa: S301 - bytes made here
    pickled = pickle.dumps(compile_queries({"a": query}))
    compiled = pickle.loads(pickled)  # noqa: S301 - bytes made just above
    assert compiled.match(text="social media recruiter") == {"a": ['"social media"', "recruit*"]}


def test_the_language_is_pure_python():
    # Workers and the benchmark use it without Django; no module of it may import Django.
    import ast
    from pathlib import Path

    import onboarding

    root = Path(onboarding.__file__).parent
    files = [root / "keywords.py", *sorted((root / "keyword_query").glob("*.py"))]
    assert len(files) > 5
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not any(name.split(".")[0] == "django" for name in names), path
