from django.urls import path

from app.sources import api

urlpatterns = [
    path("sources/", api.SourceListView.as_view(), name="api-source-list"),
    path("sources/<int:pk>/", api.SourceDetailView.as_view(), name="api-source-detail"),
    path("claims/<int:pk>/evidence/", api.EvidenceListView.as_view(), name="api-evidence-list"),
]
