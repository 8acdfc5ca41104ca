from django.urls import path

from app.search import views

urlpatterns = [
    path("", views.search_view, name="search"),
    path("similar-claims/", views.similar_claims_view, name="similar-claims"),
    path("claims/<int:pk>/related/", views.claim_relate_view, name="claim-relate"),
    path(
        "claims/<int:pk>/related/<int:other>/remove/",
        views.claim_unrelate_view,
        name="claim-unrelate",
    ),
]
