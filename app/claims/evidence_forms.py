from django import forms
from django.utils.translation import gettext_lazy as _

from app.claims.models import Evidence
from app.core.forms import LooseDateField
from app.sources.models import Source


class EvidenceAddForm(forms.Form):
    """A source and what it says about the claim, entered together on the claim page.

    Addresses are plain text fields: `app.core.links.validate_web_url` in the service is
    the one judge of them (Django's URLField would quietly prefix `http://`).
    """

    url = forms.CharField(
        label=_("Source URL"),
        max_length=2000,
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://"}),
        help_text=_("A source already cited in this workspace under this address is reused."),
    )
    stance = forms.ChoiceField(
        label=_("What it says about the claim"),
        # No default: a stance is a judgement the reviewer makes, not one to slip through.
        choices=[("", _("Choose…")), *Evidence.Stance.choices],
    )
    quote = forms.CharField(
        label=_("Quoted passage"),
        required=False,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 3}),
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"dir": "auto", "rows": 2}))
    title = forms.CharField(
        max_length=500, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    publisher = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    published = LooseDateField(
        label=_("Publication date"),
        help_text=_("2024-06-18, 18.06.2024, 18 June 2024, ٢۹ خرداد ۱۴۰۳ …"),
    )
    kind = forms.ChoiceField(choices=Source.Kind.choices, initial=Source.Kind.OTHER)
    archived_url = forms.CharField(
        label=_("Archived copy URL"),
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://web.archive.org/…"}),
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: it shares the claim page with the claim's edit form.
        kwargs.setdefault("auto_id", "evidence-%s")
        super().__init__(*args, **kwargs)

    def evidence(self) -> dict:
        """The cleaned input as `evidence_add_with_source` arguments."""
        data = self.cleaned_data
        return {
            "url": data["url"],
            "stance": data["stance"],
            "quote": data["quote"],
            "note": data["note"],
            "title": data["title"],
            "publisher": data["publisher"],
            "published_on": data["published"],
            "kind": data["kind"],
            "archived_url": data["archived_url"],
        }
