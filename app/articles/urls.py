from django.urls import path

from app.articles import views
from app.claims import views as claim_views

urlpatterns = [
    path("import/", views.article_import, name="article-import"),
    path("<int:pk>/", views.article_detail, name="article-detail"),
    path("<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("<int:article_pk>/claims/new/", claim_views.claim_create, name="claim-create"),
]
