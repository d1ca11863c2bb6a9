"""Forms of the coaching pages. They validate input; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.idea_selectors import IdeaFilters
from coaching.inbox_selectors import InboxFilters
from coaching.models import ContentFor, DigestFrequency, Feedback, Verdict
from onboarding.models import Channel


class Choice:
    """The one-key answers of the inbox: the coach's four questions made buttons."""

    NOT_RELEVANT = "not_relevant"
    INTERESTING = "interesting"
    BLOG_IDEA = "blog_idea"
    NEWSLETTER_IDEA = "newsletter_idea"
    REACT = "react"

    # choice -> (verdict, content_for)
    VERDICTS = {
        NOT_RELEVANT: (Verdict.NOT_RELEVANT, ""),
        INTERESTING: (Verdict.INTERESTING, ""),
        BLOG_IDEA: (Verdict.CONTENT_IDEA, ContentFor.BLOG),
        NEWSLETTER_IDEA: (Verdict.CONTENT_IDEA, ContentFor.NEWSLETTER),
        REACT: (Verdict.REACT, ""),
    }


# (choice, label, keyboard key), in the order the buttons appear.
TRIAGE_BUTTONS = [
    (Choice.NOT_RELEVANT, _("Not relevant"), "x"),
    (Choice.INTERESTING, _("Interesting"), "i"),
    (Choice.BLOG_IDEA, _("Blog idea"), "b"),
    (Choice.NEWSLETTER_IDEA, _("Newsletter idea"), "n"),
    (Choice.REACT, _("React"), "r"),
]

RATING_CHOICES = [("", _("no rating"))] + [(str(n), str(n)) for n in range(1, 6)]


class TriageForm(forms.Form):
    choice = forms.ChoiceField(choices=[(c, label) for c, label, _key in TRIAGE_BUTTONS])
    rating = forms.TypedChoiceField(
        label=_("rating"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(label=_("note"), max_length=2000, required=False)

    @property
    def verdict(self) -> tuple[str, str]:
        return Choice.VERDICTS[self.cleaned_data["choice"]]


class InboxFilterForm(forms.Form):
    """The inbox's GET parameters; anything unreadable falls back to the default."""

    topic = forms.TypedChoiceField(label=_("topic"), coerce=int, empty_value=None, required=False)
    source = forms.TypedChoiceField(label=_("source"), coerce=int, empty_value=None, required=False)
    state = forms.ChoiceField(
        label=_("show"),
        choices=[("todo", _("to review")), ("triaged", _("decided")), ("all", _("everything"))],
        required=False,
    )
    read = forms.ChoiceField(
        label=_("read"),
        choices=[("", _("read and unread")), ("unread", _("unread")), ("read", _("read"))],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("order"),
        choices=[("newest", _("newest first")), ("relevant", _("most relevant first"))],
        required=False,
    )
    after = forms.CharField(required=False, max_length=100)

    def __init__(
        self,
        data: object,
        *,
        topics: list[tuple[int, str]],
        sources: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        self.fields["topic"].choices = [("", _("all topics"))] + [
            (str(pk), name) for pk, name in topics
        ]
        self.fields["source"].choices = [("", _("all sources"))] + [
            (str(pk), name) for pk, name in sources
        ]

    def filters(self) -> InboxFilters:
        # Invalid parameters are dropped one by one; the valid ones are kept.
        self.is_valid()
        data = self.cleaned_data
        return InboxFilters(
            topic=data.get("topic"),
            source=data.get("source"),
            state=data.get("state") or "todo",
            read=data.get("read") or "",
            sort=data.get("sort") or "newest",
            cursor=data.get("after") or "",
        )


class ReactionForm(forms.Form):
    channel = forms.ChoiceField(label=_("Where will you post it?"), choices=Channel.choices)
    body = forms.CharField(
        label=_("Your reaction"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Your feedback"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    verdict = forms.ChoiceField(choices=Feedback.Verdict.choices)


class PostedForm(forms.Form):
    url = forms.URLField(
        label=_("Address of your posted reaction"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Open your reaction on the site, copy the address and paste it here."),
    )


class SessionNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DigestForm(forms.Form):
    frequency = forms.ChoiceField(
        label=_("E-mail me new inbox items"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
    )


class IdeaFilterForm(forms.Form):
    content_for = forms.ChoiceField(
        label=_("for"),
        choices=[("", _("blog and newsletter"))] + list(ContentFor.choices),
        required=False,
    )
    topic = forms.TypedChoiceField(label=_("topic"), coerce=int, empty_value=None, required=False)

    def __init__(self, data: object, *, topics: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["topic"].choices = [("", _("all topics"))] + [
            (str(pk), name) for pk, name in topics
        ]

    def filters(self) -> IdeaFilters:
        if not self.is_valid():
            return IdeaFilters()
        return IdeaFilters(
            content_for=self.cleaned_data.get("content_for") or "",
            topic=self.cleaned_data.get("topic"),
        )
