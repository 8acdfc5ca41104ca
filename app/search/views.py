"""Search in the browser: the results page, claim suggestions, related-claim links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from app.claims import relations
from app.claims.selectors import claim_get, rating_list
from app.search.forms import RelateForm, SearchForm, SimilarClaimsForm
from app.search.models import Kind
from app.search.selectors import search, similar_claims
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


@login_required
@require_GET
def search_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    context = {
        "workspace": workspace,
        "ratings": rating_list(user=request.user, workspace=workspace),
        "kinds": Kind.choices,
        "results": None,
    }
    if "q" not in request.GET:
        context["form"] = SearchForm()
        return render(request, "search/results.html", context)
    form = SearchForm(request.GET)
    context["form"] = form
    if not form.is_valid():
        return render(request, "search/results.html", context, status=400)
    data = form.cleaned_data
    context["results"] = search(
        user=request.user,
        query=data["q"],
        workspace=workspace,
        kinds=data["kind"],
        status=data["status"],
        rating=data["verdict"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        page=data["page"] or 1,
    )
    query = request.GET.copy()
    query.pop("page", None)
    context["query_string"] = query.urlencode()
    return render(request, "search/results.html", context)


@login_required
@require_GET
def similar_claims_view(request: HttpRequest, slug: str) -> JsonResponse:
    """Earlier claims that say what is being typed: JSON for already_checked.js."""
    workspace = enter_workspace(request, slug)
    form = SimilarClaimsForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    exclude = form.cleaned_data["claim"]
    if exclude is not None:
        exclude = claim_get(user=request.user, workspace=workspace, pk=exclude).pk
    matches = similar_claims(
        user=request.user,
        workspace=workspace,
        texts=[form.cleaned_data["text"], form.cleaned_data["exact"]],
        exclude_claim_id=exclude,
    )
    return JsonResponse(
        {
            "results": [
                {
                    "id": m.claim_id,
                    "exact": m.exact,
                    "restatement": m.restatement,
                    "status": m.status,
                    "verdict": m.verdict,
                    "verdict_summary": m.verdict_summary,
                    "article_title": m.article_title,
                    "similarity": round(m.similarity, 3),
                    "url": reverse("claim-detail", kwargs={"slug": slug, "pk": m.claim_id}),
                }
                for m in matches
            ]
        }
    )


def _claim_and_other(request: HttpRequest, slug: str, pk: int, other_pk: int):
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    other = claim_get(user=request.user, workspace=workspace, pk=other_pk)
    return claim, other


@login_required
@require_POST
def claim_relate_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # Refuse an outsider, a viewer or another workspace's claim before reading the form.
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    claim_get(user=request.user, workspace=workspace, pk=pk)
    form = RelateForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    claim, other = _claim_and_other(request, slug, pk, form.cleaned_data["other"])
    try:
        relations.claim_link_related(claim=claim, other=other, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Linked as related."))
    return redirect(reverse("claim-detail", kwargs={"slug": slug, "pk": pk}) + "#already-checked")


@login_required
@require_POST
def claim_unrelate_view(request: HttpRequest, slug: str, pk: int, other: int) -> HttpResponse:
    claim, other_claim = _claim_and_other(request, slug, pk, other)
    relations.claim_unlink_related(claim=claim, other=other_claim, actor=request.user)
    messages.success(request, _("Link removed."))
    return redirect(reverse("claim-detail", kwargs={"slug": slug, "pk": pk}) + "#already-checked")
