from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from app.articles.selectors import article_list
from app.claims.models import ClaimStatus
from app.claims.selectors import CLAIM_SORTS, claim_search, rating_list
from app.claims.workflow_views import assignable_members
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

PAGE_SIZE = 50


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *ClaimStatus.choices]
    )
    rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Verdict")
    )
    assignee = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    tag = forms.CharField(required=False, widget=forms.TextInput(attrs={"dir": "auto"}))
    article = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    assigned_to_me = forms.BooleanField(required=False, label=_("Assigned to me"))
    awaiting_my_approval = forms.BooleanField(required=False, label=_("Waiting for my approval"))
    sort = forms.ChoiceField(
        required=False, choices=[(key, key.capitalize()) for key in CLAIM_SORTS]
    )

    def __init__(self, *args, ratings, members, articles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", _("Any verdict"))] + [
            (r.pk, r.label) for r in ratings
        ]
        self.fields["assignee"].choices = [("", "Anyone")] + [
            (m.user_id, str(m.user)) for m in members
        ]
        self.fields["article"].choices = [("", "Any article")] + [
            (a.pk, a.title[:80]) for a in articles
        ]


@login_required
def claim_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    form = ClaimFilterForm(
        request.GET or None,
        ratings=list(rating_list(user=request.user, workspace=workspace)),
        members=list(assignable_members(user=request.user, workspace=workspace)),
        articles=list(article_list(user=request.user, workspace=workspace).only("id", "title")),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    claims = claim_search(
        user=request.user,
        workspace=workspace,
        **{key: value for key, value in filters.items() if value not in (None, "", False)},
    )
    if filters.get("awaiting_my_approval") and not request.membership.role_enum.includes(
        Role.EDITOR
    ):
        claims = claims.none()  # only editors approve: nothing waits for anyone else
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/list.html",
        {"workspace": workspace, "form": form, "page": page, "query": query.urlencode()},
    )
