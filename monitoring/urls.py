from django.urls import path

from monitoring import views

urlpatterns = [
    path("o/<slug:org>/sources/", views.sources, name="sources"),
    path("o/<slug:org>/sources/add/", views.source_add, name="source_add"),
    path("o/<slug:org>/sources/import/", views.opml_import, name="opml_import"),
    path("o/<slug:org>/sources/export.opml", views.opml_export, name="opml_export"),
    path("o/<slug:org>/sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("o/<slug:org>/sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("o/<slug:org>/sources/<int:pk>/pause/", views.source_pause, name="source_pause"),
    path("o/<slug:org>/sources/<int:pk>/resume/", views.source_resume, name="source_resume"),
    path("o/<slug:org>/sources/<int:pk>/remove/", views.source_remove, name="source_remove"),
    path("o/<slug:org>/queue/", views.queue, name="queue"),
]
