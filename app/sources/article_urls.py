"""Fetching an article by URL, included at `w/<slug:slug>/articles/` beside app.articles.urls.

It lives with the captures (app/sources), above articles.
"""

from django.urls import path

from app.sources import capture_views

urlpatterns = [
    path("import-url/", capture_views.article_import_url_view, name="article-import-url"),
    path(
        "<int:pk>/check-again/",
        capture_views.article_check_again_view,
        name="article-check-again",
    ),
]
