"""State changes of sources and of the evidence that links them to claims."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from app.audit import events
from app.audit.services import audit_append
from app.claims.models import Claim
from app.core.errors import Conflict, NotFound
from app.core.links import normalize_url, validate_web_url
from app.core.text import validate_one_line_fields
from app.sources.models import Evidence, Source
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace


@transaction.atomic
def source_add(
    *,
    workspace: Workspace,
    url: str,
    actor: Any,
    title: str = "",
    publisher: str = "",
    published_on: dt.date | None = None,
    archived_url: str = "",
    kind: str = Source.Kind.OTHER,
) -> tuple[Source, bool]:
    """Return the workspace's source for `url`, creating it if no source has that address.

    Addresses are compared normalized (`normalize_url`), so a link with tracking
    parameters reuses the source already cited. Returns `(source, created)`.
    Reviewers and above may. Raises `ValidationError` naming the field at fault.
    """
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    validate_one_line_fields(title=title, publisher=publisher)
    url = validate_web_url(url, field="url")
    archived_url = validate_web_url(archived_url, field="archived_url") if archived_url else ""
    if kind not in Source.Kind.values:
        raise ValidationError({"kind": f"Unknown kind “{kind}”."})
    normalized = normalize_url(url)
    existing = Source.objects.filter(workspace=workspace, normalized_url=normalized).first()
    if existing is not None:
        return existing, False
    source = Source.objects.create(
        workspace=workspace,
        url=url,
        normalized_url=normalized,
        title=title.strip(),
        publisher=publisher.strip(),
        published_on=published_on,
        archived_url=archived_url,
        kind=kind,
        created_by=actor,
    )
    audit_append(workspace=workspace, actor=actor, event=events.source_created(source=source))
    return source, True


@transaction.atomic
def evidence_add(
    *, claim: Claim, source: Source, stance: str, actor: Any, quote: str = "", note: str = ""
) -> Evidence:
    """Link `source` to `claim` with a stance; reviewers and above may.

    Raises `ValidationError` (stance), `NotFound` (source of another workspace),
    `Conflict` (the source is already linked to this claim), `PermissionDenied`.
    """
    workspace = claim.workspace
    require_role(workspace=workspace, actor=actor, role=Role.REVIEWER)
    if source.workspace_id != claim.workspace_id:
        raise NotFound("No such source.")
    if stance not in Evidence.Stance.values:
        choices = ", ".join(Evidence.Stance.values)
        raise ValidationError({"stance": f"Choose one of {choices}."})
    if Evidence.objects.filter(claim=claim, source=source).exists():
        raise Conflict("This source is already linked to the claim; edit that link instead.")
    evidence = Evidence.objects.create(
        workspace=workspace,
        claim=claim,
        source=source,
        stance=stance,
        quote=quote.strip(),
        note=note.strip(),
        added_by=actor,
    )
    audit_append(workspace=workspace, actor=actor, event=events.evidence_added(evidence=evidence))
    return evidence


@transaction.atomic
def evidence_add_with_source(
    *,
    claim: Claim,
    url: str,
    stance: str,
    actor: Any,
    title: str = "",
    publisher: str = "",
    published_on: dt.date | None = None,
    archived_url: str = "",
    kind: str = Source.Kind.OTHER,
    quote: str = "",
    note: str = "",
) -> Evidence:
    """Cite `url` on `claim`: find or create the source, then link it, all or nothing.

    The form in the browser gives both at once; doing them in one transaction means a
    refused link (bad stance, already linked) leaves no orphan source behind. An
    existing source (same normalized URL) is reused as it is: the title and other
    details given here do not overwrite it. Raises what `source_add` and
    `evidence_add` raise.
    """
    source, _ = source_add(
        workspace=claim.workspace,
        url=url,
        title=title,
        publisher=publisher,
        published_on=published_on,
        archived_url=archived_url,
        kind=kind,
        actor=actor,
    )
    return evidence_add(
        claim=claim, source=source, stance=stance, quote=quote, note=note, actor=actor
    )
