from django.contrib import admin

from app.sources.models import Evidence, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "workspace", "publisher", "kind", "published_on")
    list_filter = ("workspace", "kind")
    search_fields = ("title", "url", "publisher")
    raw_id_fields = ("workspace", "created_by")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("claim", "source", "stance", "added_by", "created_at")
    list_filter = ("stance",)
    raw_id_fields = ("workspace", "claim", "source", "added_by")
