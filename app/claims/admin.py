from django.contrib import admin

from app.claims.models import Claim, Comment, Evidence, Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("label", "workspace", "value", "position", "retired")
    list_filter = ("workspace", "retired")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "workspace",
        "article",
        "status",
        "rating",
        "anchor_state",
        "version",
    )
    list_filter = ("workspace", "status", "anchor_state")
    search_fields = ("exact", "restatement", "claimant")
    raw_id_fields = ("workspace", "article", "snapshot", "rating", "assignee", "created_by")
    # The anchor is checked by services and a trigger; editing it here would bypass the audit.
    readonly_fields = ("start", "end", "exact", "prefix", "suffix", "snapshot", "version")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "claim", "author", "created_at")
    raw_id_fields = ("workspace", "claim", "author")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("claim", "source", "stance", "added_by", "created_at")
    list_filter = ("stance",)
    raw_id_fields = ("workspace", "claim", "source", "added_by")
