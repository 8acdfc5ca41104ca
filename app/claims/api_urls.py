from django.urls import path

from app.claims import api, evidence_api, rating_api, reader_api

_ACTIONS = {
    "start-review": api.StartReviewView,
    "propose": api.ProposeView,
    "approve": api.ApproveView,
    "return": api.ReturnView,
    "correct": api.CorrectView,
    "assign": api.AssignView,
    "retract": api.RetractView,
    "approve-retraction": api.ApproveRetractionView,
    "return-retraction": api.ReturnRetractionView,
}

urlpatterns = [
    path("claims/", api.ClaimListView.as_view(), name="api-claim-list"),
    path("claims/<int:pk>/", api.ClaimDetailView.as_view(), name="api-claim-detail"),
    *[
        path(f"claims/<int:pk>/{action}/", view.as_view(), name=f"api-claim-{action}")
        for action, view in _ACTIONS.items()
    ],
    path("claims/<int:pk>/comments/", api.CommentListView.as_view(), name="api-comment-list"),
    path(
        "claims/<int:pk>/evidence/",
        evidence_api.EvidenceListView.as_view(),
        name="api-evidence-list",
    ),
    path(
        "articles/<int:pk>/snapshots/<int:snapshot_pk>/reader/",
        reader_api.ReaderView.as_view(),
        name="api-reader",
    ),
    path("ratings/", rating_api.RatingListView.as_view(), name="api-rating-list"),
    path("ratings/reorder/", rating_api.RatingReorderView.as_view(), name="api-rating-reorder"),
    path("ratings/<int:pk>/", rating_api.RatingDetailView.as_view(), name="api-rating-detail"),
    path(
        "ratings/<int:pk>/retire/", rating_api.RatingRetireView.as_view(), name="api-rating-retire"
    ),
    path(
        "ratings/<int:pk>/restore/",
        rating_api.RatingRestoreView.as_view(),
        name="api-rating-restore",
    ),
]
