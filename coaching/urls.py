from django.urls import path

from coaching import (
    community_views,
    dashboard_views,
    inbox_views,
    reaction_views,
    session_views,
    views,
)

urlpatterns = [
    path("o/<slug:org>/inbox/", inbox_views.inbox, name="inbox"),
    path("o/<slug:org>/inbox/digest/", inbox_views.digest_settings, name="digest_settings"),
    path("o/<slug:org>/inbox/<int:qi>/triage/", inbox_views.inbox_triage, name="inbox_triage"),
    path("o/<slug:org>/inbox/<int:qi>/open/", inbox_views.inbox_open, name="inbox_open"),
    path("o/<slug:org>/inbox/<int:qi>/react/", inbox_views.inbox_react, name="inbox_react"),
    path("o/<slug:org>/reactions/", reaction_views.reactions, name="reactions"),
    path(
        "o/<slug:org>/reactions/<int:pk>/", reaction_views.reaction_detail, name="reaction_detail"
    ),
    path(
        "o/<slug:org>/reactions/<int:pk>/feedback/",
        reaction_views.reaction_feedback,
        name="reaction_feedback",
    ),
    path(
        "o/<slug:org>/reactions/<int:pk>/posted/",
        reaction_views.reaction_posted,
        name="reaction_posted",
    ),
    path(
        "o/<slug:org>/reactions/<int:pk>/set-aside/",
        reaction_views.reaction_abandon,
        name="reaction_abandon",
    ),
    path(
        "o/<slug:org>/reactions/<int:pk>/celebrate/",
        reaction_views.reaction_celebrate,
        name="reaction_celebrate",
    ),
    path("o/<slug:org>/feedback/", reaction_views.feedback_queue, name="feedback_queue"),
    path("o/<slug:org>/participants/", views.coach_participants, name="coach_participants"),
    path(
        "o/<slug:org>/participants/<int:participant>/session/",
        session_views.session_start,
        name="session_start",
    ),
    path("o/<slug:org>/sessions/", session_views.sessions, name="sessions"),
    path("o/<slug:org>/sessions/<int:pk>/", session_views.session_detail, name="session_detail"),
    path(
        "o/<slug:org>/sessions/<int:pk>/items/<int:qi>/triage/",
        session_views.session_triage,
        name="session_triage",
    ),
    path(
        "o/<slug:org>/sessions/<int:pk>/notes/", session_views.session_notes, name="session_notes"
    ),
    path("o/<slug:org>/sessions/<int:pk>/end/", session_views.session_end, name="session_end"),
    path("o/<slug:org>/ideas/", views.content_ideas, name="content_ideas"),
    path("o/<slug:org>/ideas/export.csv", views.content_ideas_export, name="content_ideas_export"),
    path("o/<slug:org>/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("o/<slug:org>/me/visibility/", dashboard_views.my_visibility, name="my_visibility"),
    path("o/<slug:org>/communities/", community_views.communities, name="communities"),
    path("o/<slug:org>/communities/add/", community_views.community_add, name="community_add"),
    path(
        "o/<slug:org>/communities/<int:pk>/edit/",
        community_views.community_edit,
        name="community_edit",
    ),
    path(
        "o/<slug:org>/communities/<int:pk>/remove/",
        community_views.community_remove,
        name="community_remove",
    ),
    path(
        "o/<slug:org>/communities/<int:pk>/suggest/",
        community_views.community_suggest,
        name="community_suggest",
    ),
    path("o/<slug:org>/my-communities/", community_views.my_communities, name="my_communities"),
    path(
        "o/<slug:org>/my-communities/<int:pk>/join/",
        community_views.community_join,
        name="community_join",
    ),
    path(
        "o/<slug:org>/my-communities/<int:pk>/visit/",
        community_views.community_visit,
        name="community_visit",
    ),
    path(
        "o/<slug:org>/my-communities/<int:pk>/leave/",
        community_views.community_leave,
        name="community_leave",
    ),
    path("o/<slug:org>/actions/", community_views.logged_actions, name="logged_actions"),
    path(
        "o/<slug:org>/actions/<int:pk>/delete/",
        community_views.logged_action_delete,
        name="logged_action_delete",
    ),
    path(
        "o/<slug:org>/milestones/<slug:kind>/",
        community_views.milestone_celebrate,
        name="milestone_celebrate",
    ),
]
