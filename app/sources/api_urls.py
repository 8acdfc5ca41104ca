from django.urls import path

from app.sources import api, capture_api

urlpatterns = [
    path("sources/", api.SourceListView.as_view(), name="api-source-list"),
    path("sources/<int:pk>/", api.SourceDetailView.as_view(), name="api-source-detail"),
]

# Fetching by URL and captures (app/sources/capture_api.py).
urlpatterns += [
    path("articles/fetch/", capture_api.ArticleFetchView.as_view(), name="api-article-fetch"),
    path(
        "articles/<int:pk>/check-again/",
        capture_api.ArticleCheckAgainView.as_view(),
        name="api-article-check-again",
    ),
    path(
        "sources/<int:pk>/captures/",
        capture_api.SourceCaptureListView.as_view(),
        name="api-source-captures",
    ),
    path("captures/<int:pk>/", capture_api.CaptureDetailView.as_view(), name="api-capture-detail"),
]
