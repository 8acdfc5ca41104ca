from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who signs in; their rights come from memberships in workspaces."""

    class Calendar(models.TextChoices):
        GREGORIAN = "gregorian", "Gregorian"
        JALALI = "jalali", "Solar Hijri (Jalali)"

    display_name = models.CharField(max_length=150, blank=True)
    preferred_calendar = models.CharField(
        max_length=16, choices=Calendar.choices, default=Calendar.GREGORIAN
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_calendar__in=["gregorian", "jalali"]),
                name="user_preferred_calendar_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username
