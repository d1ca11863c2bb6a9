"""Topic queries written as Google / Bing / X searches, and news search feed URLs."""

from urllib.parse import parse_qs, urlsplit

import pytest

from monitoring.kinds.xsearch import X_DIALECT, x_query_for
from monitoring.news_search import (
    BING,
    GOOGLE,
    Dialect,
    bing_news_url,
    first_term_words,
    google_news_url,
    news_search_for,
    translate,
)
from onboarding.keywords import QueryError


@pytest.mark.parametrize(
    ("query", "google"),
    [
        ("zorg", "zorg"),
        ("social media", "social media"),
        ('"social media"', '"social media"'),
        ("jobs OR vacatures", "jobs OR vacatures"),
        ("jobs | vacatures", "jobs OR vacatures"),
        # OR binds tighter than AND in the keyword language; the group is written explicitly.
        ("a b OR c", "a (b OR c)"),
        ("(a b) OR c", "(a b) OR c"),
        ("a (b OR (c d))", "a (b OR (c d))"),
        ("zorg -jobs", "zorg -jobs"),
        ('zorg -"job fair"', 'zorg -"job fair"'),
        ("zorg -(jobs OR vacatures)", "zorg -jobs -vacatures"),
        ("zorg -(-ouderen)", "zorg ouderen"),
        ("intitle:vacature", "intitle:vacature"),
        ('intitle:"open dag"', 'intitle:"open dag"'),
        ("intitle:(a OR b) zorg", "(intitle:a OR intitle:b) zorg"),
        ("zorg site:example.com", "zorg site:example.com"),
        ("zorg site:https://www.example.com/blog/", "zorg site:www.example.com/blog"),
        ("Patiënt", "Patiënt"),
        ("e-mail covid-19", '"e-mail" "covid-19"'),
        ('"zorg"', '"zorg"'),
        ("zorg AND welzijn", "zorg welzijn"),
    ],
)
def test_google_translation_of_what_the_language_can_express(query, google):
    translation = translate(query, GOOGLE)
    assert translation.query == google
    assert translation.untranslated == ()
    assert translation.complete


def test_prefix_is_searched_as_the_whole_word_and_said_so():
    translation = translate("recruit* zorg", GOOGLE)
    assert translation.query == "recruit zorg"
    assert len(translation.untranslated) == 1
    assert "recruit*" in translation.untranslated[0]
    assert '"recruit"' in translation.untranslated[0]


def test_phrase_ending_in_a_prefix_is_searched_as_the_phrase_and_said_so():
    translation = translate('"social med*"', GOOGLE)
    assert translation.query == '"social med"'
    assert "social med*" in translation.untranslated[0]


def test_excluded_prefix_is_left_out_rather_than_approximated():
    translation = translate("zorg -recruit*", GOOGLE)
    assert translation.query == "zorg"
    assert "-recruit*" in translation.untranslated[0]


def test_negated_and_group_cannot_be_written_for_google_and_is_left_out():
    translation = translate("zorg -(jobs fair)", GOOGLE)
    assert translation.query == "zorg"
    assert "position 5" in translation.untranslated[0]  # 0-based, as the parser counts


def test_nested_negated_groups_are_left_out_and_reported():
    translation = translate("zorg -(a -(b OR c))", BING)
    assert translation.query == "zorg"
    assert translation.untranslated


def test_negated_phrase_where_unsupported_is_left_out():
    dialect = Dialect(name="Plain", negated_phrases=False)
    translation = translate('zorg -"job fair"', dialect)
    assert translation.query == "zorg"
    assert '-"job fair"' in translation.untranslated[0]


def test_nothing_positive_left_gives_an_empty_query_and_says_why():
    no_sites = Dialect(name="Nosite", site_operator="")
    translation = translate("site:example.com -jobs", no_sites)
    assert translation.query == ""
    assert len(translation.untranslated) == 2  # the site, and that only exclusions are left


def test_operators_typed_as_words_cannot_leak_into_the_search():
    # "lang:nl" is not an operator in the keyword language: it is the phrase "lang nl".
    assert translate("zorg lang:nl", GOOGLE).query == 'zorg "lang nl"'
    assert translate("from:someone", X_DIALECT).query == '"from someone"'


def test_invalid_query_raises_query_error():
    with pytest.raises(QueryError):
        translate('"unbalanced', GOOGLE)


def test_x_dialect():
    translation = x_query_for(
        '"zorg" intitle:vacature site:example.com/blog -(a b) recruit*', language="nl"
    )
    assert translation.query == '"zorg" vacature url:example.com -(a b) recruit lang:nl -is:retweet'
    notes = " ".join(translation.untranslated)
    assert "intitle:vacature" in notes and "site:example.com/blog" in notes and "recruit*" in notes


def test_x_groups_a_top_level_or_before_adding_operators():
    # X applies AND before OR: "a OR b lang:nl" would limit only b to Dutch.
    assert x_query_for("a OR b", language="nl").query == "(a OR b) lang:nl -is:retweet"


def test_x_excluded_title_word_is_left_out_not_widened():
    translation = x_query_for("zorg -intitle:vacature", language="")
    assert translation.query == "zorg -is:retweet"
    assert translation.untranslated


def test_x_reports_a_query_that_is_too_long():
    translation = x_query_for(" OR ".join(f"woord{n}" for n in range(80)), language="en")
    assert len(translation.query) > 512
    assert any("512" in note for note in translation.untranslated)


def test_google_news_url_uses_language_and_country():
    url = google_news_url('zorg OR "social media"', language="nl", country="NL")
    assert url == (
        "https://news.google.com/rss/search?q=zorg+OR+%22social+media%22&hl=nl&gl=NL&ceid=NL:nl"
    )


def test_bing_news_url_uses_language_and_country():
    url = bing_news_url("zorg -jobs", language="en", country="gb")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.bing.com", "/news/search")
    assert parse_qs(parts.query) == {
        "q": ["zorg -jobs"],
        "format": ["rss"],
        "setlang": ["en"],
        "cc": ["GB"],
    }


def test_news_search_for_combines_translation_and_url():
    search = news_search_for("recruit* -jobs", provider="google_news", language="en", country="US")
    assert search.query == "recruit -jobs"
    assert parse_qs(urlsplit(search.url).query)["q"] == ["recruit -jobs"]
    assert search.untranslated
    with pytest.raises(KeyError):
        news_search_for("zorg", provider="altavista", language="en", country="US")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("zorg welzijn", ["zorg"]),
        ('"Social Media" -jobs', ["social", "media"]),
        ("-jobs recruit*", ["recruit"]),
        ("site:example.com Patiënt", ["patient"]),
        ("(a OR b) c", ["a"]),
    ],
)
def test_first_term_words(query, words):
    assert first_term_words(query) == words
