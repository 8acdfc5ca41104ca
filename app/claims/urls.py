from django.urls import path

from app.claims import comment_views, evidence_views, list_views, views, workflow_views

urlpatterns = [
    path("", list_views.claim_list_view, name="claim-list"),
    path("<int:pk>/", views.claim_detail, name="claim-detail"),
    path("<int:pk>/edit/", views.claim_edit, name="claim-edit"),
    path("<int:pk>/comments/", comment_views.comment_add_view, name="claim-comment-add"),
    path("<int:pk>/evidence/", evidence_views.evidence_add_view, name="claim-evidence-add"),
    path(
        "<int:pk>/workflow/<slug:action>/",
        workflow_views.claim_transition,
        name="claim-transition",
    ),
]
