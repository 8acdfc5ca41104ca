from django.contrib import admin

from app.audit.models import AuditEvent
from app.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("workspace", "seq", "at", "action", "object_type", "object_id", "actor")
    list_filter = ("workspace", "action")
    search_fields = ("action", "object_id", "request_id")
