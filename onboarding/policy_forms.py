"""Forms of the social media policy."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            'Start a line with "## " for a heading and with "- " for a list item; leave an '
            "empty line between paragraphs."
        ),
    )
