from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Whole-workspace jobs above every other layer (reconciliation of data and trail)."""

    name = "app.operations"
    label = "operations"
    default_auto_field = "django.db.models.BigAutoField"
