from django.urls import path

from coaching import views

urlpatterns = [
    path("o/<slug:org>/inbox/", views.inbox, name="inbox"),
    path("o/<slug:org>/participants/", views.coach_participants, name="coach_participants"),
    path("o/<slug:org>/dashboard/", views.dashboard, name="dashboard"),
]
