"""Forms of the participant's intake and confidence checks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from onboarding.models import Channel, ProfileStatus, Topic

CONFIDENCE_CHOICES = [
    (1, _("1 · Very uneasy")),
    (2, _("2 · A bit nervous")),
    (3, _("3 · It's okay")),
    (4, _("4 · Quite comfortable")),
    (5, _("5 · Completely at ease")),
]


class PersonalGoalsForm(forms.Form):
    personal_goals = forms.CharField(
        label=_("What do you hope to get out of social media?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example: “I want people in my field to know me”, or “I'd like to share what "
            "our team does”. A sentence or two is enough."
        ),
    )


class TopicsOfInterestForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics you'd like to hear about"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none and you will see everything your organisation follows."),
    )

    def __init__(self, *args: Any, topics: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics


class ProfileForm(forms.Form):
    """One channel: will the participant use it, where is their profile, how far are they."""

    channel = forms.ChoiceField(choices=Channel.choices, widget=forms.HiddenInput)
    use = forms.BooleanField(label=_("I'll use this"), required=False)
    url = forms.URLField(
        label=_("Address of your profile"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    status = forms.ChoiceField(
        label=_("How far are you?"),
        choices=ProfileStatus.choices,
        initial=ProfileStatus.PLANNED,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("use") and data.get("status") != ProfileStatus.PLANNED and not data.get("url"):
            self.add_error("url", _("Add the address of your profile, so your coach can find it."))
        return data

    @property
    def channel_label(self) -> str:
        value = self["channel"].value()
        return Channel(value).label if value in Channel.values else ""


class BaseProfileFormSet(BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not any(form.cleaned_data.get("use") for form in self.forms):
            raise forms.ValidationError(
                _("Choose at least one channel. LinkedIn is a good place to start.")
            )

    def chosen(self) -> list[dict[str, Any]]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("use")]


ProfileFormSet = formset_factory(ProfileForm, formset=BaseProfileFormSet, extra=0)


class ConfidenceForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How comfortable are you posting or reacting online?"),
        choices=CONFIDENCE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the number that fits best.")},
    )
