from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "app.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"
