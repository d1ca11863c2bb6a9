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
    state = selectors.participant_nav_state(membership)
    request = context.get("request")
    return {
        "show": True,
        "slug": access.organisation.slug,
        "intake_complete": state.intake_complete,
        # During the intake the policy is one of the steps; the banner is for afterwards.
        "policy_version_to_read": state.policy_version_to_read if state.intake_complete else None,
        "next": request.get_full_path() if request is not None else "",
    }
