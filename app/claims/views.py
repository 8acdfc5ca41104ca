from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.articles.selectors import article_get, snapshot_get
from app.audit.selectors import events_for_claim
from app.claims import services, workflow
from app.claims.evidence_forms import EvidenceAddForm
from app.claims.forms import (
    AssignForm,
    ClaimCreateForm,
    ClaimEditForm,
    CorrectForm,
    ProposeForm,
    ReturnForm,
)
from app.claims.models import PUBLISHED_STATES, ClaimStatus, Verdict
from app.claims.selectors import claim_get, evidence_for_claim, rating_list
from app.claims.workflow_views import assignable_members
from app.core.errors import NotFound, StaleVersion
from app.core.forms import add_service_errors
from app.sources.models import Capture
from app.sources.selectors import CAPTURE_SUMMARY_FIELDS
from app.workspaces.models import Role
from app.workspaces.publishing import public_context, public_site_of
from app.workspaces.views import enter_workspace


@login_required
@require_POST
def claim_create(request: HttpRequest, slug: str, article_pk: int) -> HttpResponse:
    """Save a claim selected in the reader; errors go back to the reader as messages."""
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    article = article_get(user=request.user, workspace=workspace, pk=article_pk)
    reader = reverse("article-detail", kwargs={"slug": workspace.slug, "pk": article.pk})
    form = ClaimCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The selection did not come through; select the passage again."))
        return redirect(reader)
    snapshot = snapshot_get(
        user=request.user, workspace=workspace, pk=form.cleaned_data["snapshot"]
    )
    if snapshot.article_id != article.pk:
        raise NotFound(_("No such snapshot."))
    try:
        claim = services.claim_create(
            workspace=workspace,
            snapshot=snapshot,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            exact=form.quote_for(snapshot.text),
            restatement=form.cleaned_data["restatement"],
            claimant=form.cleaned_data["claimant"],
            tags=form.cleaned_data["tags"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(
            request, _("Claim not saved: %(errors)s") % {"errors": " ".join(error.messages)}
        )
        return redirect(f"{reader}?snapshot={snapshot.number}")
    messages.success(request, _("Claim saved."))
    return redirect(f"{reader}?snapshot={snapshot.number}&claim={claim.pk}#claim-{claim.pk}")


def _claim_page(request, workspace, claim, form, status=200, stale=False) -> HttpResponse:
    # The actions and the page read the pending verdict and retraction once between them.
    claim._pending_memo = {}
    actions = workflow.available_actions(claim=claim, user=request.user)
    version = {"version": claim.version}
    offered = rating_list(user=request.user, workspace=workspace, include_retired=False)
    return render(
        request,
        "claims/detail.html",
        {
            "workspace": workspace,
            "claim": claim,
            "article": claim.article,
            "form": form,
            "stale": stale,
            "actions": actions,
            "can_edit": request.membership.role_enum.includes(Role.REVIEWER),
            "evidence_form": EvidenceAddForm(),
            "pending": workflow.pending_verdict(claim),
            "pending_retraction": workflow.pending_retraction(claim),
            "public_url": _public_url(request, workspace, claim),
            "retractions": claim.retractions.select_related("proposed_by", "decided_by"),
            "verdicts": claim.verdicts.exclude(state=Verdict.State.PROPOSED)
            .select_related("proposed_by", "decided_by")
            .order_by("proposed_at", "id"),
            "propose_form": ProposeForm(initial=version, ratings=offered)
            if workflow.PROPOSE in actions
            else None,
            "correct_form": CorrectForm(
                initial={
                    **version,
                    "restatement": claim.restatement,
                    "claimant": claim.claimant,
                    "summary": claim.verdict_summary,
                },
                ratings=offered,
            )
            if workflow.CORRECT in actions
            else None,
            "return_form": ReturnForm(initial=version) if workflow.RETURN in actions else None,
            "assign_form": AssignForm(
                initial={**version, "assignee": claim.assignee_id or ""},
                members=assignable_members(user=request.user, workspace=workspace),
            )
            if workflow.ASSIGN in actions
            else None,
            # Each source's newest capture is shown: all of them in one query.
            "evidence": evidence_for_claim(user=request.user, claim=claim).prefetch_related(
                Prefetch(
                    "source__captures",
                    queryset=Capture.objects.only(*CAPTURE_SUMMARY_FIELDS).order_by(
                        "-captured_at", "-id"
                    ),
                    to_attr="captures_newest_first",
                )
            ),
            "comments": claim.comments.select_related("author").order_by("created_at", "id"),
            "history": events_for_claim(user=request.user, claim=claim),
        },
        status=status,
    )


def _public_url(request, workspace, claim) -> str:
    """The claim's public page, when the workspace publishes and the claim is public."""
    if claim.status not in (*PUBLISHED_STATES, ClaimStatus.RETRACTED):
        return ""
    site = public_site_of(workspace)
    if not site.enabled:
        return ""
    return public_context(site, request.build_absolute_uri("/")).claim_url(claim)


def _words_frozen(claim) -> bool:
    return bool(services.words_frozen_because(claim))


@login_required
def claim_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    form = ClaimEditForm(
        initial={
            "restatement": claim.restatement,
            "claimant": claim.claimant,
            "claimant_type": claim.claimant_type,
            "tags": ", ".join(claim.tags),
            "version": claim.version,
        },
        frozen=_words_frozen(claim),
    )
    return _claim_page(request, workspace, claim, form)


@login_required
@require_POST
def claim_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    form = ClaimEditForm(request.POST, frozen=_words_frozen(claim))
    if form.is_valid():
        try:
            services.claim_update(
                claim=claim,
                version=form.cleaned_data["version"],
                restatement=form.cleaned_data.get("restatement"),
                claimant=form.cleaned_data.get("claimant"),
                claimant_type=form.cleaned_data.get("claimant_type") or None,
                tags=form.cleaned_data["tags"],
                actor=request.user,
            )
        except StaleVersion as error:
            # Keep what they typed; show the current claim beside it.
            messages.error(request, error.message)
            claim.refresh_from_db()
            return _claim_page(request, workspace, claim, form, status=409, stale=True)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Claim updated."))
            return redirect("claim-detail", slug=workspace.slug, pk=claim.pk)
    return _claim_page(request, workspace, claim, form, status=400)
