from django import forms

from app.claims.services import TAG_MAX_LENGTH


def split_tags(value: str) -> list[str]:
    """Tags are typed comma-separated (Persian commas too)."""
    return [tag for tag in value.replace("،", ",").split(",") if tag.strip()]


class ClaimFieldsForm(forms.Form):
    restatement = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 3}),
        help_text="The claim in one neutral, checkable sentence.",
    )
    claimant = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    tags = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=f"Comma-separated; up to {TAG_MAX_LENGTH} characters each.",
    )

    def clean_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["tags"])


class ClaimCreateForm(ClaimFieldsForm):
    snapshot = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    exact = forms.CharField(widget=forms.HiddenInput, strip=False)


class ClaimEditForm(ClaimFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
