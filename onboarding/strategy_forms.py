"""Forms of the strategy intake: one formset per kind of repeated row, and the topic form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from onboarding import keywords
from onboarding.models import Channel, FollowSuggestion, Strategy, Topic
from onboarding.selectors import query_error_text


class StrategySummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("The strategy in a few sentences (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why does your organisation want to be on social media?"),
    )


class GoalForm(forms.Form):
    description = forms.CharField(
        label=_("Goal"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. More people apply for our jobs")}),
    )
    measure = forms.CharField(
        label=_("How will you measure it?"),
        max_length=300,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Five applications a month that found us online")}
        ),
    )


class AudienceForm(forms.Form):
    name = forms.CharField(
        label=_("Who"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Nurses looking for a new job")}),
    )
    description = forms.CharField(
        label=_("What do they care about?"),
        required=False,
        widget=forms.TextInput(),
    )


class KeyMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=400,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. Our people get time to learn, every week")}
        ),
    )


class FollowForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    url = forms.URLField(
        label=_("Address"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=FollowSuggestion.Kind.choices, initial=FollowSuggestion.Kind.BLOG
    )
    note = forms.CharField(label=_("Why follow it?"), max_length=300, required=False)


class RowFormSet(BaseFormSet):
    """Rows left empty are ignored; rows ticked "remove" are dropped."""

    def kept_rows(self) -> list[dict[str, Any]]:
        return [
            form.cleaned_data
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]


GoalFormSet = formset_factory(GoalForm, formset=RowFormSet, extra=1, can_delete=True)
AudienceFormSet = formset_factory(AudienceForm, formset=RowFormSet, extra=1, can_delete=True)
KeyMessageFormSet = formset_factory(KeyMessageForm, formset=RowFormSet, extra=1, can_delete=True)
FollowFormSet = formset_factory(FollowForm, formset=RowFormSet, extra=1, can_delete=True)


class ChannelsForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("Channels your organisation uses or wants to use"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def validate_query(value: str) -> str:
    """Refuse malformed keywords with the parser's message, which names the position."""
    try:
        keywords.parse(value)
    except keywords.QueryError as exc:
        raise forms.ValidationError(query_error_text(exc), code="invalid_query") from exc
    return value


class TopicForm(forms.Form):
    name = forms.CharField(label=_("Topic name"), max_length=120)
    query = forms.CharField(
        label=_("Keywords"),
        max_length=Topic._meta.get_field("query").max_length,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_(
            'Like Google: words (all must appear), "an exact phrase", OR, -leave out, '
            "(groups), intitle:word, site:example.com, recruit* for words starting with "
            "recruit."
        ),
    )
    description = forms.CharField(
        label=_("What is this topic about? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, check_url: str, topic: Topic | None = None, **kwargs: Any):
        if topic is not None:
            kwargs.setdefault(
                "initial",
                {"name": topic.name, "query": topic.query, "description": topic.description},
            )
        super().__init__(*args, **kwargs)
        self.fields["query"].widget.attrs.update(
            {
                "hx-get": check_url,
                "hx-trigger": "keyup changed delay:300ms, change",
                "hx-target": "#query-check",
                "hx-swap": "innerHTML",
                "aria-describedby": "query-check",
            }
        )

    def clean_query(self) -> str:
        return validate_query(self.cleaned_data["query"].strip())


STEP_TITLES = {
    Strategy.Step.GOALS: _("What should social media achieve?"),
    Strategy.Step.AUDIENCES: _("Who do you want to reach?"),
    Strategy.Step.MESSAGES: _("What do you want them to know?"),
    Strategy.Step.CHANNELS: _("Where will you be?"),
    Strategy.Step.FOLLOW: _("Who is worth following?"),
    Strategy.Step.TOPICS: _("Which topics should we keep an eye on?"),
}

STEP_INTROS = {
    Strategy.Step.GOALS: _(
        "Write down a few goals and, for each, how you will know you are getting there. "
        "Two or three is plenty to start with."
    ),
    Strategy.Step.AUDIENCES: _(
        "The people you want to reach: future colleagues, clients, partners, the press…"
    ),
    Strategy.Step.MESSAGES: _(
        "The few things you want people to remember about your organisation. Short and true."
    ),
    Strategy.Step.CHANNELS: _(
        "Pick the places where your audiences are. You can always add more later."
    ),
    Strategy.Step.FOLLOW: _(
        "Blogs, news sites and people in your field. They become the sources your team "
        "reviews together."
    ),
    Strategy.Step.TOPICS: _(
        "Each topic is a set of keywords. New articles and posts that match them land in your "
        "participants' inboxes."
    ),
}
