from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "app.invitations"
    label = "invitations"
    verbose_name = "Invitations"
