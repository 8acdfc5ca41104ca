from django.contrib import admin

from app.articles.models import Article, Snapshot
from app.core.admin import ReadOnlyAdmin


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "workspace", "outlet", "language", "published_on", "created_at")
    list_filter = ("workspace", "language", "direction")
    search_fields = ("title", "url", "outlet")
    raw_id_fields = ("workspace", "created_by")


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "origin", "sha256", "created_at")
    list_filter = ("origin", "workspace")
    exclude = ("original",)  # raw imported bytes are evidence, never shown
