from django.urls import path

from app.jobs import views

urlpatterns = [
    path("export/", views.job_export, name="job-export"),
    path("import/", views.job_import, name="job-import"),
    path("<int:job_id>/", views.job_detail, name="job-detail"),
    path("<int:job_id>/download", views.job_download, name="job-download"),
]
