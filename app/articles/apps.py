from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "app.articles"
    label = "articles"
    verbose_name = "Articles"
