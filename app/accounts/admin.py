from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from app.accounts.models import User


@admin.register(User)
class SanadUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Sanad", {"fields": ("display_name", "preferred_calendar")}),
    )
    list_display = ("username", "display_name", "email", "is_staff", "is_active")
