from django.urls import path

from app.audit import api

urlpatterns = [
    path("events/", api.AuditEventListView.as_view(), name="audit-api-events"),
    path("export/", api.AuditExportView.as_view(), name="audit-api-export"),
    path("checkpoints/", api.CheckpointListView.as_view(), name="audit-api-checkpoints"),
    path("public-key/", api.PublicKeyView.as_view(), name="audit-api-public-key"),
]
