"""State changes of evidence: the links of sources to claims, with their stance."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import atomic_audited, audit_append
from app.claims.models import Claim, Evidence
from app.core.errors import Conflict, NotFound
from app.sources.models import Source
from app.sources.services import source_add
from app.workspaces.access import require_role
from app.workspaces.models import Role


@atomic_audited
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
        raise NotFound(_("No such source."))
    if stance not in Evidence.Stance.values:
        choices = ", ".join(Evidence.Stance.values)
        raise ValidationError({"stance": _("Choose one of %(choices)s.") % {"choices": choices}})
    if Evidence.objects.filter(claim=claim, source=source).exists():
        raise Conflict(_("This source is already linked to the claim; edit that link instead."))
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


@atomic_audited
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
    `evidence_add` raise. Their events are appended together at the end (one round trip,
    the chain's lock held from there to the commit); they run without savepoints of their
    own (`__wrapped__`: the undecorated functions), as this block is all or nothing.
    """
    source, _ = source_add.__wrapped__(
        workspace=claim.workspace,
        url=url,
        title=title,
        publisher=publisher,
        published_on=published_on,
        archived_url=archived_url,
        kind=kind,
        actor=actor,
    )
    return evidence_add.__wrapped__(
        claim=claim, source=source, stance=stance, quote=quote, note=note, actor=actor
    )
