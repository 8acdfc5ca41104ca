"""The reader: an article's snapshot with its claims highlighted, and the article's form.

It lives with the claims it shows (articles sit below claims); its URLs stay under
`w/<slug>/articles/` (app/claims/reader_urls.py).
"""

import datetime as dt
import functools
import hashlib
import inspect
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db.models import Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template, render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.articles import services
from app.articles.forms import ArticleEditForm
from app.articles.reading import paragraphs
from app.articles.selectors import article_get, snapshot_get
from app.claims.forms import ClaimCreateForm
from app.claims.markup import status_badges, url_prefix
from app.claims.models import AnchorState, ArticleClaimsVersion
from app.claims.reader_api import CACHE_ALIAS, article_claims_version
from app.claims.selectors import claim_list
from app.core.dates import format_both
from app.core.errors import StaleVersion
from app.core.forms import add_service_errors
from app.core.templatetags.sanad_json import json_data
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

# The claim panel's templates: their text is part of the cache key (see `reader_panel`).
PANEL_TEMPLATES = ("articles/_claims_panel.html", "claims/_status.html")
_TEMPLATE_DIGEST: str | None = None
PANEL_FIELDS = (
    "id",
    "workspace_id",
    "article_id",
    "snapshot_id",
    "start",
    "end",
    "exact",
    "status",
    "anchor_state",
    "rating_label",
    "rating_colour",
    "restatement",
    "claimant",
)


@functools.lru_cache(maxsize=1024)
def _unbound_form_html(form_class, initial: tuple, language: str) -> str:
    return render_to_string("form_fields.html", {"form": form_class(initial=dict(initial))})


def form_fields_html(form) -> SafeString | None:
    """templates/form_fields.html for an unbound form (no errors), kept in this process.

    What it renders depends only on the form's class, its initial values and the
    language (labels, choices); widgets cost about 1 ms a field to render, a quarter of
    the reader page. Kept per process (a deploy starts new ones: no stale markup).
    None for a bound form: it is rendered with its errors as before.
    """
    if form is None or form.is_bound:
        return None
    try:
        initial = tuple(sorted(form.initial.items()))
        html = _unbound_form_html(type(form), initial, get_language())
    except TypeError:  # an unhashable initial value: render it as it is
        html = render_to_string("form_fields.html", {"form": form})
    return mark_safe(html)  # noqa: S308 - rendered by our autoescaping template


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
    # The article's claims version rides on the snapshots' query: the claim panel's key.
    version = ArticleClaimsVersion.objects.filter(article_id=article.pk).values("version")
    snapshots = list(
        article.snapshots.order_by("number")
        .defer("text", "original")
        .annotate(claims_version=Subquery(version))
    )
    wanted = request.GET.get("snapshot", "")
    shown = next((s for s in snapshots if str(s.number) == wanted), None) or (
        snapshots[-1] if snapshots else None
    )
    snapshot = snapshot_get(user=request.user, workspace=workspace, pk=shown.pk) if shown else None
    can_annotate = _can_annotate(request)
    is_latest = bool(snapshots) and snapshot is not None and snapshot.pk == snapshots[-1].pk
    create_form = ClaimCreateForm(initial={"snapshot": snapshot.pk if snapshot else None})
    shown_edit_form = (edit_form or _edit_form(article)) if can_annotate else None
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
            "is_latest": is_latest,
            "paragraphs": paragraphs(snapshot.text) if snapshot else [],
            "reader_panel": reader_panel(
                request,
                workspace=workspace,
                article=article,
                snapshot=snapshot,
                latest=snapshots[-1] if snapshots else None,
                can_annotate=can_annotate,
                version=(snapshots[-1].claims_version or 0)
                if snapshots
                else article_claims_version(article.pk),
            ),
            "can_annotate": can_annotate,
            "date_offers": _date_offers(snapshot, article),
            "import_notes": _import_notes(snapshot),
            "create_form": create_form,
            "create_form_html": form_fields_html(create_form),
            "edit_form": shown_edit_form,
            "edit_form_html": form_fields_html(shown_edit_form),
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


def _template_digest() -> str:
    """What the panel's markup is now (its templates and `_claim_items`): a deploy that
    changes it changes every key."""
    global _TEMPLATE_DIGEST
    if _TEMPLATE_DIGEST is None:
        digest = hashlib.sha256()
        for name in PANEL_TEMPLATES:
            template = get_template(name)
            digest.update(Path(template.origin.name).read_bytes())
        digest.update(inspect.getsource(_claim_items).encode())
        _TEMPLATE_DIGEST = digest.hexdigest()[:12]
    return _TEMPLATE_DIGEST


def reader_panel(
    request: HttpRequest, *, workspace, article, snapshot, latest, can_annotate: bool, version: int
) -> dict:
    """The reader's claim panel and claims data, from the shared cache when it has them.

    Rendering 500 claims costs most of the reader page's CPU; the result changes only with
    the claims, so it is kept under the article's claims version (`ArticleClaimsVersion`,
    bumped in the transaction of every change to one of its claims; a change on another
    article leaves this panel cached) and everything else the fragment
    shows: the workspace (and its slug, in the links), the article and its version (its
    language), the snapshot shown and the latest one, the page language, whether this
    member may annotate (the only role-dependent words in it) and the selected claim.
    A hit skips the claims query too. Returns {"html", "data", "elsewhere"}.
    """
    selected = request.GET.get("claim", "")
    selected = selected if selected.isdigit() and len(selected) < 20 else ""
    key = ":".join(
        str(part)
        for part in (
            "reader-page-a",  # per-article versions: never a key of the workspace's
            _template_digest(),
            workspace.pk,
            workspace.slug,
            version,
            article.pk,
            article.version,
            snapshot.pk if snapshot else 0,
            latest.pk if latest else 0,
            get_language(),
            int(can_annotate),
            selected,
        )
    )
    cache = caches[CACHE_ALIAS]
    found = cache.get(key)
    if found is None:
        found = _render_panel(
            request,
            workspace=workspace,
            article=article,
            snapshot=snapshot,
            is_latest=snapshot is not None and latest is not None and snapshot.pk == latest.pk,
            can_annotate=can_annotate,
            selected=selected,
        )
        cache.set(key, found)
    return {
        "html": mark_safe(found["html"]),  # noqa: S308 - rendered by our autoescaping template
        "data": mark_safe(found["data"]),  # noqa: S308 - json_data's script-safe output
        "elsewhere": found["elsewhere"],
    }


def _render_panel(
    request, *, workspace, article, snapshot, is_latest: bool, can_annotate: bool, selected: str
) -> dict:
    claims = list(
        claim_list(user=request.user, workspace=workspace, article=article)
        # Only what the panel and the highlighter show: no article or assignee rows.
        .select_related(None)
        .select_related("snapshot")
        .only(*PANEL_FIELDS, "snapshot__number")
    )
    here = [
        c
        for c in claims
        if snapshot and c.snapshot_id == snapshot.pk and c.anchor_state != AnchorState.ORPHANED
    ]
    prefix = url_prefix("claim-detail", workspace)
    html = render_to_string(
        PANEL_TEMPLATES[0],
        {
            "workspace": workspace,
            "article": article,
            "snapshot": snapshot,
            "is_latest": is_latest,
            "claims": here,
            "claim_items": _claim_items(
                here, workspace=workspace, article=article, selected=selected
            ),
            "orphaned_claims": [c for c in claims if c.anchor_state == AnchorState.ORPHANED],
            "selected_claim": selected,
            "can_annotate": can_annotate,
        },
    )
    return {
        "html": str(html),
        "data": str(
            json_data(
                [_claim_data(claim, prefix) for claim in here],
                "claims-data",
            )
        ),
        "elsewhere": sum(
            1
            for c in claims
            if snapshot and c.snapshot_id != snapshot.pk and c.anchor_state != AnchorState.ORPHANED
        ),
    }


def _claim_items(claims, *, workspace, article, selected: str) -> SafeString:
    """The panel's <li> for each claim, as the template loop rendered them, byte for byte.

    Built here because the template (an include and a `{% url %}` per claim) cost about
    180 µs a claim, most of a cold reader page with 500 claims; the same markup in
    Python costs a tenth. tests/articles/test_reader_panel_cache.py compares it with the
    template's output. The status badges repeat templates/claims/_status.html.
    """
    prefix = url_prefix("claim-detail", workspace)
    language = escape(article.language)
    items = []
    for claim in claims:
        badges = status_badges(claim)
        restatement = f'<p dir="auto">{escape(claim.restatement)}</p>' if claim.restatement else ""
        claimant = (
            '<p class="meta" dir="auto">'
            + _("Claimant: %(claimant)s") % {"claimant": escape(claim.claimant)}
            + "</p>"
            if claim.claimant
            else ""
        )
        chosen = ' class="selected" aria-current="true"' if str(claim.pk) == selected else ""
        items.append(
            f'\n          <li id="claim-{claim.pk}" data-claim-id="{claim.pk}" '
            f'data-start="{claim.start}" data-end="{claim.end}"{chosen}>\n'
            f"            {badges}\n\n"
            f'            <a class="claim-link" href="{prefix}{claim.pk}/"><q dir="auto" '
            f'lang="{language}">{escape(claim.exact)}</q></a>\n'
            f"            {restatement}\n"
            f"            {claimant}\n"
            f"          </li>\n        "
        )
    return mark_safe("".join(items))  # noqa: S308 - every value escaped above


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


def _claim_data(claim, claim_url_prefix: str) -> dict:
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
        "url": f"{claim_url_prefix}{claim.pk}/",
        "label": (claim.restatement or claim.exact)[:120],
    }
