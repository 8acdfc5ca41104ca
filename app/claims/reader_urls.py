"""The reader and the claim form, included at `w/<slug:slug>/articles/` beside app.articles.urls."""

from django.urls import path

from app.claims import reader
from app.claims import views as claim_views

urlpatterns = [
    path("<int:pk>/", reader.article_detail, name="article-detail"),
    path("<int:pk>/edit/", reader.article_edit, name="article-edit"),
    path("<int:article_pk>/claims/new/", claim_views.claim_create, name="claim-create"),
]
