"""What every page's navigation needs: the acting organisation access and the switcher."""

from typing import Any

from django.http import HttpRequest

from onboarding.access import organisations_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = getattr(request, "org_access", None)

    def switcher() -> list[Any]:
        return organisations_for(user)

    # A callable, so the query runs only when a template actually shows the switcher.
    return {"org_access": access, "user_organisations": switcher}
