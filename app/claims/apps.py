from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "app.claims"
    label = "claims"
    verbose_name = "Claims"
