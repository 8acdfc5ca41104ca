from django.urls import path

from app.articles import views

urlpatterns = [
    path("import/", views.article_import, name="article-import"),
    path("<int:pk>/", views.article_detail, name="article-detail"),
]
