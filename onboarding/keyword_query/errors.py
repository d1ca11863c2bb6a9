"""Refusals of malformed queries: messages that name the problem and its position."""

from __future__ import annotations

from collections.abc import Callable

MAX_QUERY_LENGTH = 2000
# Deeper nesting is never needed by a person and would let a pasted query exhaust the stack.
MAX_DEPTH = 20

Gettext = Callable[[str], str]


def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction by Django's makemessages; translation happens later."""
    return message


def untranslated(message: str) -> str:
    """The default ``gettext``: messages stay in English."""
    return message


E_EMPTY = gettext_noop('Empty query: type at least one word or "phrase" to look for')
E_TOO_LONG = gettext_noop(
    "Query too long: it has %(length)d characters and the limit is %(limit)d; "
    "split it into several topics"
)
E_NO_WORDS = gettext_noop(
    "No words: the query contains no letters or digits to look for (position %(position)d)"
)
E_QUOTE = gettext_noop("Unbalanced quote: the quote at position %(position)d is never closed")
E_OPEN_PAREN = gettext_noop(
    "Unbalanced parenthesis: the ( at position %(position)d is never closed"
)
E_CLOSE_PAREN = gettext_noop(
    "Unbalanced parenthesis: the ) at position %(position)d has no matching ("
)
E_EMPTY_PARENS = gettext_noop(
    "Empty parentheses: the () at position %(position)d contain nothing to look for"
)
E_OP_BEFORE = gettext_noop(
    "Dangling %(operator)s: the %(operator)s at position %(position)d has no term before it"
)
E_OP_AFTER = gettext_noop(
    "Dangling %(operator)s: the %(operator)s at position %(position)d has no term after it"
)
E_LONE_MINUS = gettext_noop(
    "Lone minus: the - at position %(position)d must be directly followed by the word, "
    '"phrase" or (group) to exclude'
)
E_DOUBLE_MINUS = gettext_noop(
    "Double minus: the - at position %(position)d is followed by another -; one - excludes a term"
)
E_EMPTY_OPERATOR = gettext_noop(
    "Empty %(operator)s: the %(operator)s: at position %(position)d must be directly followed "
    "by what to look for, as in %(example)s"
)
E_LONE_STAR = gettext_noop("Lone *: the * at position %(position)d must end a word, as in recruit*")
E_WILDCARD = gettext_noop(
    "Unsupported wildcard: the * at position %(position)d; a * may only end a word, as in recruit*"
)
E_BAD_SITE = gettext_noop('Invalid site: "%(value)s" at position %(position)d is not a domain name')
E_SITE_IN_TITLE = gettext_noop(
    "Misplaced site: the site: at position %(position)d cannot be used inside intitle:"
)
E_TOO_DEEP = gettext_noop(
    "Too deeply nested: at position %(position)d the query nests more than %(limit)d levels"
)
E_ONLY_EXCLUSIONS = gettext_noop(
    "Only exclusions: the query would match every item that lacks the excluded terms "
    '(the first exclusion is at position %(position)d); add a word or "phrase" to look for'
)


class QueryError(ValueError):
    """A query that cannot be used, with the 0-based ``position`` of the problem in it.

    ``message`` (and ``str(err)``) is the English explanation; ``translated(gettext)`` gives it
    in the user's language, since ``template`` is marked for extraction.
    """

    def __init__(self, template: str, position: int, **params: object) -> None:
        self.template = template
        self.position = position
        self.params: dict[str, object] = {"position": position, **params}
        self.message = template % self.params
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def translated(self, gettext: Gettext = untranslated) -> str:
        """The message passed through ``gettext`` (e.g. Django's) before formatting."""
        return gettext(self.template) % self.params
