"""State changes of exports: recording that one was made, and importing Web Annotations."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from app.articles.models import Article, Snapshot
from app.audit import events
from app.audit.models import AuditEvent
from app.audit.services import audit_append
from app.claims.models import Claim
from app.claims.services import claim_create
from app.core.errors import NotFound
from app.exports.forms import ExportFilters
from app.exports.records import TEXT_SHA256_KEY
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

# Annotations per import request: the largest page size a client is likely to send, with
# room to spare, while keeping one import's transaction short.
IMPORT_MAX_ANNOTATIONS = 5000


@transaction.atomic
def export_create(
    *,
    workspace: Workspace,
    actor: Any,
    format: str,
    filters: ExportFilters,
    options: dict | None = None,
) -> AuditEvent:
    """Record that `actor` is exporting claims of `workspace`; viewers and above may.

    Called before the first byte is streamed, in its own short transaction, so the
    trail shows every export that started, however the download ends. Returns the
    `export.created` event; its object id names the export. Raises `NotFound` for a
    non-member.
    """
    require_role(workspace=workspace, actor=actor, role=Role.VIEWER)
    return audit_append(
        workspace=workspace,
        actor=actor,
        event=events.export_created(
            export_id=uuid.uuid4().hex,
            format=format,
            filters=filters.as_audit(),
            options=options,
        ),
    )


@dataclass(frozen=True)
class AnnotationImportResult:
    created: list[Claim]
    # Annotations whose anchor already had a claim on that snapshot (a repeated import).
    skipped: int


@dataclass(frozen=True)
class _Planned:
    snapshot: Snapshot
    start: int
    end: int
    exact: str
    restatement: str
    tags: list[str]


def _annotations_in(document: Any) -> list:
    """The annotations of a collection (its embedded first page), a page, one annotation
    or a list of annotations."""
    kind = document.get("type") if isinstance(document, dict) else None
    if isinstance(document, list):
        items = document
    elif kind == "AnnotationCollection":
        first = document.get("first")
        if first is None:
            items = []
        elif isinstance(first, dict):
            items = first.get("items")
        else:
            raise ValidationError(
                {
                    "document": _(
                        "This collection only links its first page; import the page itself."
                    )
                }
            )
    elif kind == "AnnotationPage":
        items = document.get("items")
    elif kind == "Annotation":
        items = [document]
    else:
        raise ValidationError(
            {
                "document": _(
                    "Expected a W3C AnnotationCollection, AnnotationPage, "
                    "Annotation or a list of annotations."
                )
            }
        )
    if not isinstance(items, list):
        raise ValidationError({"document": _("The page's `items` must be a list of annotations.")})
    if len(items) > IMPORT_MAX_ANNOTATIONS:
        raise ValidationError(
            {
                "document": _("At most %(import_max_annotations)s annotations per import.")
                % {"import_max_annotations": format(IMPORT_MAX_ANNOTATIONS, ",")}
            }
        )
    return items


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _selectors(target: dict) -> tuple[dict | None, dict | None]:
    position = quote = None
    for selector in _as_list(target.get("selector")):
        if not isinstance(selector, dict):
            continue
        if selector.get("type") == "TextPositionSelector" and position is None:
            position = selector
        elif selector.get("type") == "TextQuoteSelector" and quote is None:
            quote = selector
    return position, quote


def _source_id(target: dict) -> str:
    source = target.get("source")
    if isinstance(source, dict):
        source = source.get("id")
    return source if isinstance(source, str) else ""


class _SnapshotFinder:
    """Finds the snapshot an annotation's selectors count in, remembering earlier answers.

    The same text first (the SHA-256 the export carries on each target: offsets are only
    meaningful in identical text), else the latest snapshot of the article with the
    target's source URL.
    """

    def __init__(self, workspace: Workspace, chosen: Snapshot | None):
        self.workspace = workspace
        self.chosen = chosen
        self.found: dict[tuple[str, str], Snapshot | None] = {}

    def __call__(self, sha256: str, source: str) -> Snapshot | None:
        if self.chosen is not None:
            return self.chosen
        key = (sha256, source)
        if key not in self.found:
            self.found[key] = self._lookup(sha256, source)
        return self.found[key]

    def _lookup(self, sha256: str, source: str) -> Snapshot | None:
        if sha256:
            same_text = (
                Snapshot.objects.filter(workspace=self.workspace, sha256=sha256)
                .order_by("-created_at", "-id")
                .first()
            )
            if same_text is not None:
                return same_text
        if source:
            article = Article.objects.filter(workspace=self.workspace, url=source).first()
            if article is not None:
                return article.snapshots.order_by("-number").first()
        return None


def _locate(text: str, position: dict | None, quote: dict) -> tuple[int, int]:
    """Where the quote sits: at the given offsets if the text there matches, else the one
    place where the quote and its context occur. Raises `ValidationError`."""
    exact = quote.get("exact")
    if not isinstance(exact, str) or not exact:
        raise ValidationError(_("The TextQuoteSelector has no `exact` text."))
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and 0 <= start < end <= len(text)
            and text[start:end] == exact
        ):
            return start, end
    prefix = quote.get("prefix") or ""
    suffix = quote.get("suffix") or ""
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    in_context = [
        at
        for at in found
        if text[:at].endswith(prefix) and text[at + len(exact) :].startswith(suffix)
    ]
    candidates = in_context or found
    if len(candidates) != 1:
        if not candidates:
            raise ValidationError(_("The quoted passage does not occur in the snapshot's text."))
        raise ValidationError(_("The quoted passage occurs more than once in the snapshot's text."))
    return candidates[0], candidates[0] + len(exact)


def _plan(item: Any, find: _SnapshotFinder) -> _Planned:
    if not isinstance(item, dict) or item.get("type") != "Annotation":
        raise ValidationError(_("Not an Annotation."))
    targets = [t for t in _as_list(item.get("target")) if isinstance(t, dict)]
    if len(targets) != 1:
        raise ValidationError(_("An annotation needs exactly one target with selectors."))
    target = targets[0]
    position, quote = _selectors(target)
    if quote is None:
        raise ValidationError(_("The target has no TextQuoteSelector."))
    snapshot = find(str(target.get(TEXT_SHA256_KEY) or ""), _source_id(target))
    if snapshot is None:
        raise ValidationError(
            _(
                "No article of this workspace has this text or this source "
                "URL; import the article first."
            )
        )
    start, end = _locate(snapshot.text, position, quote)
    texts = [
        (body.get("purpose"), body["value"])
        for body in _as_list(item.get("body"))
        if isinstance(body, dict) and isinstance(body.get("value"), str)
    ]
    described = [value for purpose, value in texts if purpose == "describing"]
    tags = [value for purpose, value in texts if purpose == "tagging"]
    return _Planned(
        snapshot=snapshot,
        start=start,
        end=end,
        exact=snapshot.text[start:end],
        restatement=described[0] if described else "",
        tags=tags,
    )


@transaction.atomic
def annotations_import(
    *, workspace: Workspace, document: Any, actor: Any, snapshot: Snapshot | None = None
) -> AnnotationImportResult:
    """Recreate claims from W3C Web Annotations (e.g. another workspace's export).

    Each annotation lands on `snapshot` when given, else on the snapshot with the same
    text (by hash), else on the latest snapshot of the article with the target's source
    URL, and is anchored where its selectors say, through `claim_create` (which checks
    the quote against the text). Restatement and tags come back from the describing and
    tagging bodies; the verdict does not, since a verdict here needs its own evidence
    and four-eyes approval. All or nothing: any annotation that does not fit raises
    `ValidationError` keyed `items[<index>]` and nothing is written. Reviewers and above
    may. Raises `NotFound` when `snapshot` is not the workspace's, `PermissionDenied`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if snapshot is not None and snapshot.workspace_id != workspace.pk:
        raise NotFound(_("No such snapshot."))
    find = _SnapshotFinder(workspace, snapshot)
    plans, errors = [], {}
    for index, item in enumerate(_annotations_in(document)):
        try:
            plans.append(_plan(item, find))
        except ValidationError as error:
            errors[f"items[{index}]"] = error.messages
    if errors:
        raise ValidationError(errors)
    created, skipped = [], 0
    for plan in plans:
        if Claim.objects.filter(
            workspace=workspace, snapshot=plan.snapshot, start=plan.start, end=plan.end
        ).exists():
            skipped += 1
            continue
        created.append(
            claim_create(
                workspace=workspace,
                snapshot=plan.snapshot,
                start=plan.start,
                end=plan.end,
                exact=plan.exact,
                restatement=plan.restatement,
                tags=plan.tags,
                actor=actor,
            )
        )
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.annotations_imported(
            workspace=workspace, created=len(created), skipped=skipped
        ),
    )
    return AnnotationImportResult(created=created, skipped=skipped)
