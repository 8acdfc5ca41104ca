from django.apps import AppConfig


class MembersConfig(AppConfig):
    """Who may act in a workspace: creating one, its members and roles, API tokens.

    Above the audit trail (every change here is an event), below the domain apps; the
    workspace itself, roles and access checks stay in `app.workspaces`, below audit.
    """

    name = "app.members"
    label = "members"
    verbose_name = "Members"
