"""The verdict scale, included at `w/<slug:slug>/ratings/`."""

from django.urls import path

from app.claims import rating_views

urlpatterns = [
    path("", rating_views.rating_list_view, name="rating-list"),
    path("add/", rating_views.rating_add_view, name="rating-add"),
    path("reorder/", rating_views.rating_reorder_view, name="rating-reorder"),
    path("<int:rating_id>/edit/", rating_views.rating_edit_view, name="rating-edit"),
    path("<int:rating_id>/retire/", rating_views.rating_retire_view, name="rating-retire"),
    path("<int:rating_id>/restore/", rating_views.rating_restore_view, name="rating-restore"),
]
