"""Forms of the suggestions pages: a Google Alert's feed, a Mastodon hashtag."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from monitoring.kinds import mastodon
from monitoring.suggestions import clean_google_alert_url
from onboarding.models import Organisation, Topic


class GoogleAlertForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        help_text=_("Only what matches this topic reaches the queue."),
    )
    url = forms.CharField(
        label=_("The alert's feed link"),
        max_length=2000,
        help_text=_("It starts with https://www.google.com/alerts/feeds/"),
        widget=forms.URLInput(attrs={"placeholder": "https://www.google.com/alerts/feeds/…"}),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.active().filter(organisation=organisation)

    def clean_url(self) -> str:
        return clean_google_alert_url(self.cleaned_data["url"])


class MastodonTagForm(forms.Form):
    instance = forms.CharField(label=_("Instance"), max_length=200)
    tag = forms.CharField(label=_("Hashtag"), max_length=101)

    def clean_instance(self) -> str:
        try:
            return mastodon.instance_base_url(self.cleaned_data["instance"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_tag(self) -> str:
        try:
            return mastodon.normalise_tag(self.cleaned_data["tag"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
