"""URLs of the suggestions pages; included from config/urls.py."""

from django.urls import path

from monitoring import suggestion_views as views

urlpatterns = [
    path(
        "o/<slug:org>/sources/suggestions/",
        views.source_suggestions,
        name="source_suggestions",
    ),
    path(
        "o/<slug:org>/sources/suggestions/topics/<int:topic_id>/search/<slug:kind>/",
        views.suggestion_follow_search,
        name="suggestion_follow_search",
    ),
    path(
        "o/<slug:org>/sources/suggestions/topics/<int:topic_id>/hashtag/",
        views.suggestion_follow_hashtag,
        name="suggestion_follow_hashtag",
    ),
    path(
        "o/<slug:org>/sources/suggestions/sites/<int:site_id>/",
        views.suggestion_follow_site,
        name="suggestion_follow_site",
    ),
    path(
        "o/<slug:org>/sources/google-alerts/",
        views.google_alert_guide,
        name="google_alert_guide",
    ),
]
