import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from app.audit.services import SEQ_MAX
from app.core.forms import LooseDateField


class TimelineFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label=_("Who (username)"))
    action = forms.CharField(
        required=False,
        max_length=64,
        label=_("Action"),
        help_text=_("e.g. claim.verdict_published, or claim. for every claim action"),
    )
    since = LooseDateField(required=False, label=_("From (UTC date)"))
    until = LooseDateField(required=False, label=_("To (UTC date, inclusive)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["dir"] = "auto"
        self.fields["since"].widget.input_type = "date"
        self.fields["until"].widget.input_type = "date"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the period must not come before its start.")
        return cleaned


def _start_of(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("jsonl", "JSON Lines (verifiable)"), ("csv", "CSV (for reading)")],
        initial="jsonl",
        required=False,
    )
    from_seq = forms.IntegerField(
        required=False, min_value=1, max_value=SEQ_MAX, label=_("From event #")
    )
    to_seq = forms.IntegerField(
        required=False, min_value=1, max_value=SEQ_MAX, label=_("To event #")
    )
    since = LooseDateField(required=False, label=_("From (UTC date)"))
    until = LooseDateField(required=False, label=_("To (UTC date, inclusive)"))

    def range_arguments(self) -> dict:
        """The form's values as `audit_export_record` arguments (dates as UTC instants)."""
        data = self.cleaned_data
        until = data.get("until")
        return {
            "fmt": data.get("format") or "jsonl",
            "from_seq": data.get("from_seq"),
            "to_seq": data.get("to_seq"),
            "since": _start_of(data.get("since")),
            "until": _start_of(until + dt.timedelta(days=1)) if until else None,
        }
