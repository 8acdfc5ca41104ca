from django.urls import path

from app.articles import views

urlpatterns = [
    path("<int:pk>/", views.article_detail, name="article-detail"),
]
