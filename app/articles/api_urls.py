from django.urls import path

from app.articles import api

urlpatterns = [
    path("articles/", api.ArticleListView.as_view(), name="api-article-list"),
    path("articles/<int:pk>/", api.ArticleDetailView.as_view(), name="api-article-detail"),
    path("snapshots/<int:pk>/", api.SnapshotDetailView.as_view(), name="api-snapshot-detail"),
]
