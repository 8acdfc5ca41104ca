"""A source's page (it lists the claims citing it), included at `w/<slug:slug>/sources/`."""

from django.urls import path

from app.claims import evidence_views

urlpatterns = [
    path("<int:pk>/", evidence_views.source_detail_view, name="source-detail"),
]
