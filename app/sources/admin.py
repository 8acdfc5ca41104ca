from django.contrib import admin

from app.sources.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "workspace", "publisher", "kind", "published_on")
    list_filter = ("workspace", "kind")
    search_fields = ("title", "url", "publisher")
    raw_id_fields = ("workspace", "created_by")
