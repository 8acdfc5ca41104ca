import base64

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from app.articles.models import Direction
from app.core.forms import LooseDateField

LANGUAGE_CHOICES = [
    ("", "Detect"),
    ("fa", "Persian (فارسی)"),
    ("ar", "Arabic (العربية)"),
    ("en", "English"),
    ("ur", "Urdu (اردو)"),
    ("he", "Hebrew (עברית)"),
    ("ru", "Russian"),
    ("fr", "French"),
    ("de", "German"),
    ("es", "Spanish"),
    ("tr", "Turkish"),
]


class ArticleDetailsForm(forms.Form):
    """The optional details of any import; empty ones come from the page or the text."""

    title = forms.CharField(
        max_length=500, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        required=False,
        widget=forms.URLInput(attrs={"dir": "ltr", "placeholder": "https://"}),
    )
    outlet = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    author = forms.CharField(
        max_length=300, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    published = LooseDateField(
        label=_("Publication date"),
        help_text=(
            "Any common form: 2024-06-18, 18.06.2024, 18 June 2024, ۱۸ ژوئن ۲۰۲۴, ٢۹ خرداد ۱۴۰۳."
        ),
    )
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "url": data["url"],
            "outlet": data["outlet"],
            "author": data["author"],
            "published_on": data["published"],
            "language": data["language"],
        }


class ArticleEditForm(forms.Form):
    """Correct an imported article's details; the date is typed in either calendar."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"dir": "auto"}))
    url = ArticleDetailsForm.base_fields["url"]
    outlet = ArticleDetailsForm.base_fields["outlet"]
    author = ArticleDetailsForm.base_fields["author"]
    published_on = LooseDateField(
        label=_("Publication date"),
        help_text=_("Gregorian or Solar Hijri: 2024-06-18, 18.06.2024, ۲۹ خرداد ۱۴۰۳."),
    )
    language = forms.CharField(
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
        help_text=_("A language code such as fa, ar or en."),
    )
    direction = forms.ChoiceField(choices=Direction.choices)

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}


class ArticleDateForm(forms.Form):
    """A date the import found, confirmed by the reviewer as the publication date."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    published_on = forms.DateField(input_formats=["%Y-%m-%d"], widget=forms.HiddenInput)


class TextImportForm(ArticleDetailsForm):
    text = forms.CharField(
        label=_("Article text"),
        strip=False,  # the text is kept exactly as pasted
        widget=forms.Textarea(attrs={"dir": "auto", "rows": 16}),
    )
    field_order = ["text", "title", "url", "outlet", "author", "published", "language"]

    def clean_text(self) -> str:
        # A textarea's value has LF line breaks; only form submission turns them into
        # CRLF. Undoing that keeps the text as the person pasted it, and gives the same
        # snapshot (and hash) as the same text sent through the API.
        return self.cleaned_data["text"].replace("\r\n", "\n")


class HtmlImportForm(ArticleDetailsForm):
    html_file = forms.FileField(label=_("HTML file"), required=False)
    html = forms.CharField(
        label=_("…or paste the page's HTML"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"dir": "ltr", "rows": 8, "spellcheck": "false"}),
    )
    # A re-import waiting for confirmation carries the page's exact bytes, which a file
    # input cannot send again.
    page_base64 = forms.CharField(required=False, widget=forms.HiddenInput)
    page_charset = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    field_order = ["html_file", "html", "url", "title", "outlet", "author", "published", "language"]

    def __init__(self, *args, require_url: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.require_url = require_url
        if require_url:
            self.fields["url"].required = True
            self.fields["url"].help_text = "The address the page was saved from."
            self.fields["html_file"].label = _("Saved page (HTML file)")

    def clean_page_base64(self) -> bytes | None:
        encoded = self.cleaned_data["page_base64"]
        if not encoded:
            return None
        try:
            return base64.b64decode(encoded, validate=True)
        except ValueError:
            raise ValidationError(
                _("The page did not come through; choose the file again.")
            ) from None

    def clean(self):
        data = super().clean()
        carried = data.get("page_base64")
        if not carried and not data.get("html_file") and not (data.get("html") or "").strip():
            raise ValidationError(_("Choose an HTML file or paste the page's HTML."))
        return data

    def page(self) -> tuple[bytes, str | None]:
        """The page's bytes and the charset the upload declared, if any."""
        carried = self.cleaned_data.get("page_base64")
        if carried:
            return carried, self.cleaned_data["page_charset"] or None
        upload = self.cleaned_data.get("html_file")
        if upload:
            return upload.read(), getattr(upload, "charset", None)
        return self.cleaned_data["html"].encode("utf-8"), "utf-8"
