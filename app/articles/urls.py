from django.urls import path

from app.articles import views
from app.claims import views as claim_views
from app.sources import capture_views

urlpatterns = [
    path("import/", views.article_import, name="article-import"),
    # Fetching by URL lives with the captures (app/sources), above articles.
    path("import-url/", capture_views.article_import_url_view, name="article-import-url"),
    path(
        "<int:pk>/check-again/",
        capture_views.article_check_again_view,
        name="article-check-again",
    ),
    path("<int:pk>/", views.article_detail, name="article-detail"),
    path("<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("<int:pk>/date/", views.article_date_confirm, name="article-date-confirm"),
    path("<int:article_pk>/claims/new/", claim_views.claim_create, name="claim-create"),
]
