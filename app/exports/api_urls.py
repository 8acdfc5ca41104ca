from django.urls import path

from app.exports import api

urlpatterns = [
    path("csv/", api.CsvExportView.as_view(), name="exports-api-csv"),
    path("jsonl/", api.JsonLinesExportView.as_view(), name="exports-api-jsonl"),
    path("claimreview/", api.ClaimReviewExportView.as_view(), name="exports-api-claimreview"),
    path("annotations/", api.AnnotationExportView.as_view(), name="exports-api-annotations"),
    path(
        "annotations/import/",
        api.AnnotationImportView.as_view(),
        name="exports-api-annotations-import",
    ),
]
