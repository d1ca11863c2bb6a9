"""Forms of the communities pages and of "Log what I did". They read input; the services in
``coaching.communities`` decide what is allowed (addresses are checked there)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from coaching.community_selectors import LOGGED_KINDS
from coaching.models import ActivityKind, Community
from onboarding.models import Channel, Membership, Organisation, Topic

_URL_WIDGET = forms.TextInput(
    attrs={"inputmode": "url", "autocomplete": "url", "placeholder": "https://"}
)

# How the form asks for each kind: in the participant's words, not the log's.
ACTION_LABELS = {
    ActivityKind.DISCUSSION_REPLIED: _("I replied in a discussion"),
    ActivityKind.DISCUSSION_STARTED: _("I started a discussion"),
    ActivityKind.NEWS_SHARED: _("I shared a news item"),
    ActivityKind.STATUS_UPDATE: _("I posted an update"),
    ActivityKind.BLOG_PUBLISHED: _("I published a blog post or article"),
    ActivityKind.NEWSLETTER_CONTRIBUTED: _("I contributed to a newsletter"),
}


class CommunityForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    channel = forms.ChoiceField(label=_("Where"), choices=Channel.choices, initial=Channel.LINKEDIN)
    url = forms.CharField(
        label=_("Address"),
        max_length=2000,
        required=False,
        widget=_URL_WIDGET,
        help_text=_("Open the group and copy the address from the browser."),
    )
    description = forms.CharField(
        label=_("Why join"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What participants will find there, and why it fits your strategy."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, organisation: Organisation, community: Community | None = None, **kwargs
    ) -> None:
        if community is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": community.name,
                    "channel": community.channel,
                    "url": community.url,
                    "description": community.description,
                    "topics": list(community.topics.all()),
                },
            )
        super().__init__(*args, **kwargs)
        # Active topics, and those the community already has even if paused since.
        wanted = Q(is_active=True)
        if community is not None:
            wanted |= Q(communities=community)
        self.fields["topics"].queryset = (
            Topic.objects.filter(organisation=organisation).filter(wanted).distinct()
        )


class SuggestForm(forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one participant.")},
    )

    def __init__(self, *args: Any, participants: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = participants


class ActionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What did you do?"),
        choices=[(kind, ACTION_LABELS[kind]) for kind in LOGGED_KINDS],
        widget=forms.RadioSelect,
        initial=ActivityKind.DISCUSSION_REPLIED,
    )
    url = forms.CharField(
        label=_("Where can we see it?"),
        max_length=2000,
        widget=_URL_WIDGET,
        help_text=_("Open it on the site, copy the address and paste it here."),
        error_messages={"required": _("Paste the address, so you and your coach can find it.")},
    )
    channel = forms.ChoiceField(label=_("Where"), choices=Channel.choices, initial=Channel.LINKEDIN)
