"""Browser routes of articles, included at `w/<slug:slug>/articles/`.

The reader and the claim form are included at the same prefix from app/claims/reader_urls.py,
fetching by URL from app/sources/article_urls.py: both apps sit above articles.
"""

from django.urls import path

from app.articles import views

urlpatterns = [
    path("import/", views.article_import, name="article-import"),
    path("<int:pk>/date/", views.article_date_confirm, name="article-date-confirm"),
]
