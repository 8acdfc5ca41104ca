"""The public site's settings page: admins read and change them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from app.core.forms import add_service_errors
from app.public.services import public_site_update
from app.workspaces.models import Role
from app.workspaces.publishing import public_site_of, site_root
from app.workspaces.views import enter_workspace


class PublicSiteForm(forms.Form):
    enabled = forms.BooleanField(label=_("Publish fact-checks on the public site"), required=False)
    base_url = forms.CharField(
        label=_("Public address"),
        required=False,
        max_length=500,
        help_text=_("e.g. https://factcheck.example.org/ (empty: this server's /p/<slug>/)."),
    )
    organization_name = forms.CharField(label=_("Organization name"), required=False)
    organization_url = forms.CharField(label=_("Organization web site"), required=False)
    logo_url = forms.CharField(label=_("Logo address"), required=False)
    same_as = forms.CharField(
        label=_("Profiles elsewhere (sameAs), one address a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
    )
    about = forms.CharField(
        label=_("About, methodology and corrections policy (Markdown)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )
    default_language = forms.CharField(label=_("Default language"), max_length=16)
    show_reviewer_names = forms.BooleanField(
        label=_("Show the approving editor's display name"), required=False
    )


@login_required
def public_settings(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.ADMIN)
    site = public_site_of(workspace)
    if request.method == "POST":
        form = PublicSiteForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["same_as"] = data["same_as"].split()
            try:
                public_site_update(workspace=workspace, actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Public site settings saved."))
                return redirect("public-settings", slug=workspace.slug)
    else:
        initial = {
            name: getattr(site, name) for name in PublicSiteForm.base_fields if name != "same_as"
        }
        initial["same_as"] = "\n".join(site.same_as)
        form = PublicSiteForm(initial=initial)
    root = site_root(site, request.build_absolute_uri("/"))
    return render(
        request,
        "public/settings.html",
        {"workspace": workspace, "form": form, "site": site, "root": root},
    )
