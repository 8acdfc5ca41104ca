"""A person's own settings: account-level, outside every workspace's audit chain."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from app.accounts.models import LANGUAGE_CHOICES, User


def user_preferences_set(*, user: Any, language: str | None = None, calendar: str | None = None):
    """Save the person's interface language ("" follows the browser) and/or calendar.

    Raises `ValidationError` for a language or calendar Sanad does not offer.
    """
    changed = []
    if language is not None:
        if language not in dict(LANGUAGE_CHOICES):
            raise ValidationError({"language": _("Sanad does not speak this language.")})
        user.language = language
        changed.append("language")
    if calendar is not None:
        if calendar not in User.Calendar.values:
            raise ValidationError({"calendar": _("Choose Gregorian or Solar Hijri.")})
        user.preferred_calendar = calendar
        changed.append("preferred_calendar")
    if changed:
        User.objects.filter(pk=user.pk).update(**{name: getattr(user, name) for name in changed})
    return user
