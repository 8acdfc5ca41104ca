from django import forms
from django.utils.translation import gettext_lazy as _

from app.claims.models import ClaimStatus
from app.core.forms import LooseDateField
from app.search.models import Kind
from app.search.selectors import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """What the results page and the header box send."""

    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY_LENGTH, strip=True)
    kind = forms.MultipleChoiceField(choices=Kind.choices, required=False)
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *ClaimStatus.choices], required=False
    )
    verdict = forms.IntegerField(required=False, min_value=1)
    date_from = LooseDateField(required=False, label=_("From"))
    date_to = LooseDateField(required=False, label=_("To"))
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


class SimilarClaimsForm(forms.Form):
    text = forms.CharField(max_length=2000, required=False, strip=True)
    exact = forms.CharField(max_length=5000, required=False, strip=True)
    claim = forms.IntegerField(required=False, min_value=1)


class RelateForm(forms.Form):
    other = forms.IntegerField(min_value=1)
