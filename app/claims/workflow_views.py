"""Browser endpoints of the review workflow: one POST per transition, thin as can be."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.claims import workflow
from app.claims.forms import (
    AssignForm,
    CorrectForm,
    ProposeForm,
    RetractForm,
    ReturnForm,
    VersionForm,
)
from app.claims.selectors import claim_get, rating_list
from app.core.errors import Conflict, NotFound
from app.workspaces.models import Role
from app.workspaces.selectors import member_list, member_user
from app.workspaces.views import enter_workspace


def assignable_members(*, user, workspace):
    """Members a claim may be assigned to: reviewers and above."""
    roles = [Role.REVIEWER, Role.EDITOR, Role.ADMIN]
    return member_list(user=user, workspace=workspace).filter(role__in=roles)


def _run(request, workspace, claim, form, action) -> str:
    data = form.cleaned_data
    version = data["version"]
    if action == workflow.START_REVIEW:
        workflow.claim_start_review(claim=claim, version=version, actor=request.user)
        return _("The claim is in review.")
    if action == workflow.PROPOSE:
        workflow.verdict_propose(
            claim=claim,
            version=version,
            rating=data["rating"],
            summary=data["summary"],
            actor=request.user,
        )
        return _("Verdict proposed; another editor has to approve it.")
    if action == workflow.CORRECT:
        workflow.verdict_correct(
            claim=claim,
            version=version,
            rating=data["rating"],
            summary=data["summary"],
            correction_note=data["correction_note"],
            restatement=data["restatement"],
            claimant=data["claimant"],
            actor=request.user,
        )
        return _("Correction proposed; another editor has to approve it.")
    if action == workflow.APPROVE:
        workflow.verdict_approve(claim=claim, version=version, actor=request.user)
        return _("Verdict approved and published.")
    if action == workflow.RETURN:
        workflow.verdict_return(
            claim=claim, version=version, reason=data["reason"], actor=request.user
        )
        return _("The proposal went back for more work.")
    if action == workflow.RETRACT:
        workflow.claim_retract(
            claim=claim, version=version, reason=data["reason"], actor=request.user
        )
        return _("Retraction proposed; another editor has to approve it.")
    if action == workflow.APPROVE_RETRACTION:
        workflow.retraction_approve(claim=claim, version=version, actor=request.user)
        return _("Retraction approved: the public page now says so.")
    if action == workflow.RETURN_RETRACTION:
        workflow.retraction_return(
            claim=claim, version=version, reason=data["reason"], actor=request.user
        )
        return _("The retraction went back; the fact-check stays published.")
    if action == workflow.ASSIGN:
        assignee = None
        if data["assignee"]:
            assignee = member_user(user=request.user, workspace=workspace, user_id=data["assignee"])
            if assignee is None:
                raise ValidationError({"assignee": _("No such member.")})
        workflow.claim_assign(claim=claim, version=version, assignee=assignee, actor=request.user)
        return _("Assignment saved.")
    raise NotFound(_("No such action."))


@login_required
@require_POST
def claim_transition(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    claim = claim_get(user=request.user, workspace=workspace, pk=pk)
    if action in (workflow.PROPOSE, workflow.CORRECT):
        form_class = CorrectForm if action == workflow.CORRECT else ProposeForm
        form = form_class(request.POST, ratings=rating_list(user=request.user, workspace=workspace))
    elif action in (workflow.RETURN, workflow.RETURN_RETRACTION):
        form = ReturnForm(request.POST)
    elif action == workflow.RETRACT:
        form = RetractForm(request.POST)
    elif action == workflow.ASSIGN:
        form = AssignForm(
            request.POST, members=assignable_members(user=request.user, workspace=workspace)
        )
    else:
        form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_message(form))
    else:
        try:
            messages.success(request, _run(request, workspace, claim, form, action))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except Conflict as error:
            messages.error(request, error.message)
    return redirect("claim-detail", slug=workspace.slug, pk=claim.pk)


def _form_message(form) -> str:
    parts = []
    for field, errors in form.errors.items():
        if field == "__all__" or field not in form.fields:
            parts.append(" ".join(errors))
        else:
            label = form.fields[field].label or field.replace("_", " ").capitalize()
            parts.append(f"{label}: {' '.join(errors)}")
    return " ".join(parts)
