"""The reader: an article's snapshot with its claims highlighted, and the article's form.

It lives with the claims it shows (articles sit below claims); its URLs stay under
`w/<slug>/articles/` (app/claims/reader_urls.py).
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.articles import services
from app.articles.forms import ArticleEditForm
from app.articles.reading import paragraphs
from app.articles.selectors import article_get, snapshot_get
from app.claims.forms import ClaimCreateForm
from app.claims.models import AnchorState
from app.claims.selectors import claim_list
from app.core.dates import format_both
from app.core.errors import StaleVersion
from app.core.forms import add_service_errors
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


def _edit_form(article) -> ArticleEditForm:
    return ArticleEditForm(
        initial={
            "version": article.version,
            "title": article.title,
            "url": article.url,
            "outlet": article.outlet,
            "author": article.author,
            "published_on": article.published_on.isoformat() if article.published_on else "",
            "language": article.language,
            "direction": article.direction,
        }
    )


@login_required
def article_detail(
    request: HttpRequest, slug: str, pk: int, edit_form: ArticleEditForm | None = None
) -> HttpResponse:
    """The reader: one snapshot's text, its claims highlighted, the claim panel beside it."""
    workspace = enter_workspace(request, slug)
    article = article_get(user=request.user, workspace=workspace, pk=pk)
    snapshots = list(article.snapshots.order_by("number").defer("text", "original"))
    wanted = request.GET.get("snapshot", "")
    shown = next((s for s in snapshots if str(s.number) == wanted), None) or (
        snapshots[-1] if snapshots else None
    )
    snapshot = snapshot_get(user=request.user, workspace=workspace, pk=shown.pk) if shown else None
    claims = list(
        claim_list(user=request.user, workspace=workspace, article=article)
        .select_related("snapshot")
        .defer("snapshot__text", "snapshot__original")
    )
    here = [
        c
        for c in claims
        if snapshot and c.snapshot_id == snapshot.pk and c.anchor_state != "orphaned"
    ]
    return render(
        request,
        "articles/detail.html",
        {
            "workspace": workspace,
            "article": article,
            "published_display": format_both(article.published_on, article.language)
            if article.published_on
            else "",
            "snapshot": snapshot,
            "snapshots": snapshots,
            "is_latest": bool(snapshots)
            and snapshot is not None
            and snapshot.pk == snapshots[-1].pk,
            "paragraphs": paragraphs(snapshot.text) if snapshot else [],
            "claims": here,
            "claims_data": [_claim_data(workspace, claim) for claim in here],
            "selected_claim": request.GET.get("claim", ""),
            "orphaned_claims": [c for c in claims if c.anchor_state == AnchorState.ORPHANED],
            "claims_elsewhere": sum(
                1
                for c in claims
                if snapshot and c.snapshot_id != snapshot.pk and c.anchor_state != "orphaned"
            ),
            "can_annotate": _can_annotate(request),
            "date_offers": _date_offers(snapshot, article),
            "import_notes": _import_notes(snapshot),
            "create_form": ClaimCreateForm(initial={"snapshot": snapshot.pk if snapshot else None}),
            "edit_form": (edit_form or _edit_form(article)) if _can_annotate(request) else None,
        },
        status=400 if edit_form is not None else 200,
    )


@login_required
@require_POST
def article_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Correct the article's details; errors come back on the reader page, in the form."""
    workspace = enter_workspace(request, slug, role=Role.REVIEWER)
    article = article_get(user=request.user, workspace=workspace, pk=pk)
    form = ArticleEditForm(request.POST)
    if form.is_valid():
        try:
            services.article_update(
                article=article,
                version=form.cleaned_data["version"],
                actor=request.user,
                **form.details(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleVersion as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Article details saved."))
            return redirect("article-detail", slug=workspace.slug, pk=article.pk)
    return article_detail(request, slug, pk, edit_form=form)


def _date_offers(snapshot, article) -> list[dict]:
    """The dates the import found, for the reviewer to check (never applied by themselves)."""
    if snapshot is None:
        return []
    offers = []
    for found in snapshot.metadata.get("date_candidates", []):
        try:
            readings = [dt.date.fromisoformat(value) for value in found["readings"]]
        except (KeyError, TypeError, ValueError):
            continue
        offers.append(
            {
                "text": found.get("text", ""),
                "where": found.get("where", ""),
                "readings": [format_both(reading, article.language) for reading in readings],
                # Each reading the reviewer may confirm as the publication date.
                "choices": [
                    (reading.isoformat(), format_both(reading, article.language))
                    for reading in readings
                    if reading != article.published_on
                ],
                "ambiguous": len(readings) > 1,
                "is_publication_date": readings == [article.published_on],
            }
        )
    return offers


def _import_notes(snapshot) -> list[str]:
    """What the import repaired or guessed, in words."""
    if snapshot is None:
        return []
    notes = list(snapshot.metadata.get("warnings", []))
    detected = snapshot.metadata.get("language_detected")
    if detected:
        notes.append(
            _("Language detected by %(by)s: %(language)s (confidence %(confidence)s).") % detected
        )
    return notes


def _can_annotate(request: HttpRequest) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role_enum.includes(Role.REVIEWER)


def _claim_data(workspace, claim) -> dict:
    """What the reader's script needs to highlight and open a claim."""
    return {
        "id": claim.pk,
        "start": claim.start,
        "end": claim.end,
        "exact": claim.exact,
        "status": claim.status,
        "rating": {"label": claim.rating_label, "colour": claim.rating_colour}
        if claim.rating_label
        else None,
        "url": reverse("claim-detail", kwargs={"slug": workspace.slug, "pk": claim.pk}),
        "label": (claim.restatement or claim.exact)[:120],
    }
