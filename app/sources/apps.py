from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "app.sources"
    label = "sources"
    verbose_name = "Sources"
