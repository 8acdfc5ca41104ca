"""Finding people: the one lookup the browser and the API share."""

from typing import Any

from django.contrib.auth import get_user_model


def user_by_username(username: str) -> Any | None:
    """The person with exactly this username, or None (usernames are global, not per workspace)."""
    return get_user_model().objects.filter(username=username).first()
