"""Browser routes of sources, included at `w/<slug:slug>/sources/`."""

from django.urls import path

from app.sources import views

urlpatterns = [
    path("", views.source_list_view, name="source-list"),
    path("<int:pk>/", views.source_detail_view, name="source-detail"),
]

# Sub-routes of a claim, for inclusion under `w/<slug:slug>/claims/`.
evidence_urlpatterns = [
    path("<int:pk>/evidence/", views.evidence_add_view, name="claim-evidence-add"),
]
