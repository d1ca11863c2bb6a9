"""Navigation bits that depend on where a participant stands: "Getting started" while their
intake is unfinished, "My progress" afterwards, and the banner asking them to read a newly
published policy."""

from __future__ import annotations

from typing import Any

from django import template

from onboarding import selectors
from onboarding.models import Role

register = template.Library()


@register.inclusion_tag("onboarding/intake/_nav.html", takes_context=True)
def participant_nav(context: template.Context) -> dict[str, Any]:
    access = context.get("org_access")
    membership = access.membership(Role.PARTICIPANT) if access else None
    if membership is None:
        return {"show": False}
    complete = selectors.intake_is_complete(membership)
    request = context.get("request")
    return {
        "show": True,
        "slug": access.organisation.slug,
        "intake_complete": complete,
        # During the intake the policy is one of the steps; the banner is for afterwards.
        "policy_to_read": selectors.policy_to_acknowledge(membership) if complete else None,
        "next": request.get_full_path() if request is not None else "",
    }
