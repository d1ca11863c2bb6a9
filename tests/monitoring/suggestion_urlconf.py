"""The project's URLs plus the suggestions pages, for as long as config/urls.py does not
include monitoring.suggestion_urls itself (see ``use_suggestion_urls``)."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("", include("monitoring.suggestion_urls"))]


def use_suggestion_urls(settings) -> None:
    """Route the suggestions pages in a test, through config/urls.py when it includes them."""
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("source_suggestions", kwargs={"org": "x"})
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__
