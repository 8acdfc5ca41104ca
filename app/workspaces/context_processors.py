from app.workspaces.selectors import workspace_list


def workspaces(request):
    """The signed-in user's workspaces and the current one, for the header switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_workspaces": workspace_list(user=user),
        "current_workspace": getattr(request, "workspace", None),
    }
