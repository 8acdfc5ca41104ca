"""The e-mail digest preference, for the account page (accounts sit below notifications)."""

from django import template

from app.notifications.models import NotificationPreference

register = template.Library()


@register.simple_tag
def digest_preference(user) -> dict:
    """`digest` (the person's choice, "never" when unset) and `choices` for the form."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "digest": preference.digest if preference else NotificationPreference.Digest.NEVER,
        "choices": NotificationPreference.Digest.choices,
    }
