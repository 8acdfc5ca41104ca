from django import forms
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Role


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text=_("Say which script or system will use it, e.g. “CMS import”."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    role = forms.ChoiceField(
        help_text=_("The most the token may do; never more than your own role at the time of use.")
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Leave empty for a token that lasts until revoked."),
    )

    def __init__(self, *args, role: Role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if role.includes(r)]
        self.fields["role"].initial = role.value
