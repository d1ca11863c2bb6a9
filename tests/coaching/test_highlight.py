"""Highlighting in stored summaries: the tag tokenizer gives what a full HTML parser gives on
everything the sanitiser can store, and never lets text become markup."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.highlight import _marked, _regex, compile_terms, highlight_html
from monitoring.sanitise import clean_html
from onboarding.keywords import fold

_VOID_TAGS = frozenset({"br", "hr", "img", "wbr"})


class _ReferenceMarker(HTMLParser):
    """The straightforward way: a real HTML parser, marking text nodes only."""

    def __init__(self, patterns) -> None:
        super().__init__(convert_charrefs=True)
        self.patterns = patterns
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag) -> None:
        if tag not in _VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data) -> None:
        self.out.append(_marked(data, self.patterns))


def reference(markup: str, patterns) -> str:
    if not _regex(patterns).search(fold(markup)):
        return markup  # nothing to mark: as stored
    parser = _ReferenceMarker(patterns)
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


PATTERNS = compile_terms(["media", '"social media"', "zorg*", "patiënt", "a"])

pieces = st.sampled_from(
    [
        "social",
        " media ",
        "Zorgverlener",
        "patient",
        "PATIËNT",
        " a ",
        "&amp;",
        "&lt;b&gt;",
        "&quot;",
        "&nbsp;",
        "<p>",
        "</p>",
        "<br>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<ul><li>",
        "</li></ul>",
        '<a href="https://media.example/?q=a>b&amp;c=media">',
        "<a href='https://example.org/\"media\"'>",
        "</a>",
        "<!-- media -->",
        "<script>media</script>",
        "<img src=x onerror=alert(1)>",
        "<h2>",
        "</h2>",
        "<",
        ">",
        '"',
        "'",
        "\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, max_size=30))
def test_same_as_a_full_parser_on_whatever_the_sanitiser_stores(parts):
    stored = clean_html("".join(parts), base_url="https://example.org/")
    assert highlight_html(stored, PATTERNS) == reference(stored, PATTERNS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/ab \"'=!-&;")), max_size=60))
def test_text_never_becomes_markup_even_in_markup_the_sanitiser_did_not_write(markup):
    html = highlight_html(markup + " a", compile_terms(["a"]))
    # Every "<" in the output starts a tag that was in the input, or one of the marks added.
    without_marks = html.replace("<mark>", "").replace("</mark>", "")
    assert without_marks.count("<") <= markup.count("<")


def test_comments_and_declarations_are_dropped():
    html = highlight_html("<!-- media --><p>media</p><!DOCTYPE x><?pi media?>", PATTERNS)
    assert html == "<p><mark>media</mark></p>"


def test_a_quoted_greater_than_stays_inside_its_tag():
    stored = '<p><a href="https://example.org/?x=>media" rel="nofollow">media</a></p>'
    assert highlight_html(stored, PATTERNS) == (
        '<p><a href="https://example.org/?x=>media" rel="nofollow"><mark>media</mark></a></p>'
    )
