from django.contrib.auth import views as auth_views
from django.urls import path

from onboarding import intake_views, policy_views, strategy_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("account/", views.account, name="account"),
    path("language/", views.set_language, name="set_language"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("o/<slug:org>/", views.org_home, name="org_home"),
    path("o/<slug:org>/people/", views.people, name="people"),
    path("o/<slug:org>/people/invite/", views.invite, name="invite"),
    path("o/<slug:org>/strategy/", strategy_views.strategy_summary, name="strategy_summary"),
    path(
        "o/<slug:org>/strategy/approve/",
        strategy_views.strategy_approve,
        name="strategy_approve",
    ),
    path(
        "o/<slug:org>/strategy/topics/check/",
        strategy_views.topic_check,
        name="topic_check",
    ),
    path(
        "o/<slug:org>/strategy/topics/<int:pk>/",
        strategy_views.topic_edit,
        name="topic_edit",
    ),
    path(
        "o/<slug:org>/strategy/topics/<int:pk>/active/",
        strategy_views.topic_active,
        name="topic_active",
    ),
    path(
        "o/<slug:org>/strategy/<slug:step>/",
        strategy_views.strategy_step,
        name="strategy_step",
    ),
    path("o/<slug:org>/policy/", policy_views.policy, name="policy"),
    path("o/<slug:org>/policy/edit/", policy_views.policy_edit, name="policy_edit"),
    path("o/<slug:org>/policy/discard/", policy_views.policy_discard, name="policy_discard"),
    path("o/<slug:org>/policy/publish/", policy_views.policy_publish, name="policy_publish"),
    path(
        "o/<slug:org>/policy/acknowledge/",
        policy_views.policy_acknowledge,
        name="policy_acknowledge",
    ),
    path(
        "o/<slug:org>/policy/v<int:version>/",
        policy_views.policy_version,
        name="policy_version",
    ),
    path("o/<slug:org>/start/", intake_views.intake, name="intake"),
    path("o/<slug:org>/start/<slug:step>/", intake_views.intake_step, name="intake_step"),
    path("o/<slug:org>/me/", intake_views.my_progress, name="my_progress"),
    path(
        "o/<slug:org>/me/confidence/",
        intake_views.confidence_check,
        name="confidence_check",
    ),
]
