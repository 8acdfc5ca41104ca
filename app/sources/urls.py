"""Browser routes of sources, included at `w/<slug:slug>/sources/`."""

from django.urls import path

from app.sources import capture_views, views

urlpatterns = [
    path("", views.source_list_view, name="source-list"),
    path("<int:pk>/capture/", capture_views.source_capture_view, name="source-capture"),
    path(
        "<int:pk>/captures/upload/",
        capture_views.capture_upload_view,
        name="source-capture-upload",
    ),
    path("captures/<int:pk>/", capture_views.capture_detail_view, name="capture-detail"),
    path(
        "captures/<int:pk>/<str:part>/",
        capture_views.capture_part_view,
        name="capture-part",
    ),
    path("link-report/", capture_views.link_report_view, name="source-link-report"),
]
