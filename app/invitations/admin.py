from django.contrib import admin

from app.invitations.models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "workspace",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email"]
    # The hash is useless to read and must never be edited by hand.
    exclude = ["token_hash"]
    readonly_fields = ["key"]
