from django import forms
from django.utils.translation import gettext_lazy as _

from app.workspaces.models import Role


class WorkspaceCreateForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    slug = forms.SlugField(
        max_length=60,
        required=False,
        help_text=_("The workspace's address; left empty, one is made from the name."),
    )


class MemberAddForm(forms.Form):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REVIEWER)


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
