from django import template

from app.notifications.selectors import is_following

register = template.Library()


@register.simple_tag
def follows_claim(user, claim) -> bool:
    """Whether `user` follows `claim` (one query)."""
    return is_following(user=user, claim=claim)
