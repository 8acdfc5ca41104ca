from django import forms
from django.utils.translation import gettext_lazy as _

from app.claims.models import ClaimantType
from app.claims.services import TAG_MAX_LENGTH


def split_tags(value: str) -> list[str]:
    """Tags are typed comma-separated (Persian commas too)."""
    return [tag for tag in value.replace("،", ",").split(",") if tag.strip()]


class ClaimFieldsForm(forms.Form):
    restatement = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 3}),
        help_text=_("The claim in one neutral, checkable sentence."),
    )
    claimant = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    tags = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("Comma-separated; up to %(tag_max_length)s characters each.")
        % {"tag_max_length": TAG_MAX_LENGTH},
    )

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class ClaimCreateForm(ClaimFieldsForm):
    snapshot = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    exact = forms.CharField(widget=forms.HiddenInput, strip=False)

    def quote_for(self, stored_text: str) -> str:
        """The submitted quote, with the browser's line-break encoding undone.

        Form submission sends every line break as CRLF, so a quote that spans
        paragraphs of LF-only text arrives with CRs the text never had. When the
        quote matches the stored span once those are removed, that is what the
        reader sent; anything else goes to the service unchanged, to be refused.
        """
        exact = self.cleaned_data["exact"]
        stored = stored_text[self.cleaned_data["start"] : self.cleaned_data["end"]]
        if exact != stored and exact.replace("\r\n", "\n") == stored:
            return stored
        return exact


class ClaimEditForm(ClaimFieldsForm):
    """The claim's editable fields; a frozen claim (proposed or published) keeps only tags."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # ClaimReview's author of the claim: a person or an organization.
    claimant_type = forms.ChoiceField(
        choices=ClaimantType.choices, required=False, label=_("The claimant is a")
    )
    field_order = ["restatement", "claimant", "claimant_type", "tags"]

    def __init__(self, *args, frozen: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if frozen:
            del self.fields["restatement"]
            del self.fields["claimant"]
            del self.fields["claimant_type"]


class VersionForm(forms.Form):
    """Every workflow action names the version of the claim the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ProposeForm(VersionForm):
    rating = forms.ModelChoiceField(queryset=None, empty_label=_("Choose a rating"))
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 4}),
        help_text=_("What the evidence shows, in a few sentences readers will see."),
    )

    def __init__(self, *args, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings


class CorrectForm(ProposeForm):
    """A correction of a published verdict; it may reword the claim too."""

    restatement = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 3}),
        help_text=_("The claim as the corrected verdict judges it."),
    )
    claimant = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    correction_note = forms.CharField(
        label=_("Correction note"),
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 2}),
        help_text=_("What changed and why; readers see it beside the corrected verdict."),
    )
    field_order = ["version", "rating", "summary", "restatement", "claimant", "correction_note"]


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label=_("Why it goes back"), widget=forms.Textarea(attrs={"dir": "auto", "rows": 2})
    )


class RetractForm(VersionForm):
    reason = forms.CharField(
        label=_("Why it is retracted (shown to the public)"),
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 3}),
    )


class AssignForm(VersionForm):
    assignee = forms.ChoiceField(required=False, label=_("Assign to"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody")] + [
            (str(m.user_id), f"{m.user} ({m.user.username})") for m in members
        ]
