"""Forms of the monitoring app: following a source, changing how it is followed, OPML."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from monitoring.models import Subscription
from monitoring.services import clean_source_url
from onboarding.models import Organisation, Topic

# An OPML file of the largest import we accept (5,000 feeds) stays well below this.
OPML_MAX_BYTES = 5 * 1024 * 1024


class _FollowingForm(forms.Form):
    """Name, topic and keep-all: how the organisation follows a source."""

    title = forms.CharField(
        label=_("Name"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the feed's own title."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        required=False,
        empty_label=_("Any of our topics"),
        help_text=_("Only keep what matches this topic."),
    )
    keep_all = forms.BooleanField(
        label=_("Keep everything"),
        required=False,
        help_text=_("Put every item of this source in the queue, whether it matches a topic."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, current: Topic | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The organisation's active topics, plus the one chosen earlier even if paused since.
        wanted = Q(is_active=True)
        if current is not None:
            wanted |= Q(pk=current.pk)
        self.fields["topic"].queryset = Topic.objects.filter(organisation=organisation).filter(
            wanted
        )


class SourceAddForm(_FollowingForm):
    url = forms.CharField(
        label=_("Address of the feed or web page"),
        max_length=2000,
        help_text=_(
            "An RSS or Atom feed, a Google Alerts feed, or a blog's home page: "
            "we find the feed it announces."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "url", "placeholder": "https://"}
        ),
    )

    field_order = ["url", "title", "topic", "keep_all"]

    def clean_url(self) -> str:
        return clean_source_url(self.cleaned_data["url"])


class SubscriptionEditForm(_FollowingForm):
    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        subscription: Subscription,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": subscription.title,
                "topic": subscription.topic,
                "keep_all": subscription.keep_all,
            },
        )
        super().__init__(*args, organisation=organisation, current=subscription.topic, **kwargs)


class OpmlImportForm(forms.Form):
    file = forms.FileField(
        label=_("OPML file"),
        help_text=_("Exported from another feed reader; usually ends in .opml or .xml."),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > OPML_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is too large; an OPML file is at most %(size)s.")
                % {"size": filesizeformat(OPML_MAX_BYTES)}
            )
        content = upload.read()
        if not content.strip():
            raise forms.ValidationError(_("This file is empty."))
        return content
