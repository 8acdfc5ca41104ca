from django.urls import path

from app.jobs import api

urlpatterns = [
    path("exports", api.ExportJobView.as_view(), name="api-job-export"),
    path("imports", api.ImportJobView.as_view(), name="api-job-import"),
    path("<int:pk>", api.JobDetailView.as_view(), name="api-job-detail"),
    path("<int:pk>/download", api.JobDownloadView.as_view(), name="api-job-download"),
]
