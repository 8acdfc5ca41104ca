"""What an export may be asked for: one form, used by the browser page and the API alike.

Both interfaces validate through `ExportForm` so that a filter means the same thing
(and is refused with the same field-level message) wherever it comes from.
"""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from app.articles.models import Article
from app.claims.models import ClaimStatus
from app.core.forms import LooseDateField
from app.workspaces.access import workspace_ids_for
from app.workspaces.models import Workspace

CSV = "csv"
JSONL = "jsonl"
CLAIMREVIEW = "claimreview"
ANNOTATIONS = "annotations"
FORMATS = {
    CSV: "CSV (one row per claim, opens in Excel)",
    JSONL: "JSON Lines (one full record per claim)",
    CLAIMREVIEW: "schema.org ClaimReview JSON-LD (published verdicts)",
    ANNOTATIONS: "W3C Web Annotation JSON-LD (anchors, round-trips)",
}
# ClaimReview describes a verdict the public can read; anything earlier is internal.
PUBLISHED_STATUSES = (ClaimStatus.PUBLISHED.value, ClaimStatus.CORRECTED.value)


@dataclass(frozen=True)
class ExportFilters:
    """Which claims go into an export; `None`/empty means "any"."""

    article: int | None = None
    status: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    updated_from: dt.date | None = None
    updated_to: dt.date | None = None

    def as_audit(self) -> dict[str, Any]:
        """The filters that were set, as recorded in the `export.created` event."""
        return {key: value for key, value in asdict(self).items() if value not in (None, "")}


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=list(FORMATS.items()), initial=CSV)
    article = forms.ModelChoiceField(
        queryset=Article.objects.none(), required=False, empty_label=_("All articles")
    )
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *ClaimStatus.choices]
    )
    created_from = LooseDateField(required=False, label=_("Created from"))
    created_to = LooseDateField(required=False, label=_("Created until"))
    updated_from = LooseDateField(required=False, label=_("Updated from"))
    updated_to = LooseDateField(required=False, label=_("Updated until"))
    bom = forms.BooleanField(
        required=False,
        label=_("Start the CSV with a byte order mark"),
        help_text=_("Lets older Excel versions recognise UTF-8 (Persian text)."),
    )
    comments = forms.BooleanField(
        required=False, label=_("Include comments (JSON Lines)"), help_text=_("Off by default.")
    )
    page = forms.IntegerField(
        required=False,
        min_value=0,
        label=_("Page (Web Annotation)"),
        help_text=_("Without a page: the collection with its first page embedded."),
    )

    def __init__(self, *args, user: Any, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = (
            Article.objects.filter(workspace_id__in=workspace_ids_for(user), workspace=workspace)
            .only("id", "title")
            .order_by("-created_at", "-id")
        )
        self.fields["article"].widget.attrs["dir"] = "auto"

    def clean(self) -> dict:
        data = super().clean()
        for start, end in (("created_from", "created_to"), ("updated_from", "updated_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, "This date is before the start of the range.")
        if (
            data.get("format") == CLAIMREVIEW
            and data.get("status")
            and data["status"] not in PUBLISHED_STATUSES
        ):
            self.add_error("status", "ClaimReview covers published and corrected claims only.")
        if data.get("page") is not None and data.get("format") != ANNOTATIONS:
            self.add_error("page", "Pages belong to the Web Annotation format only.")
        return data

    def filters(self) -> ExportFilters:
        """The validated filters; call after `is_valid()`."""
        data = self.cleaned_data
        article = data.get("article")
        return ExportFilters(
            article=article.pk if article else None,
            status=data.get("status") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
        )
