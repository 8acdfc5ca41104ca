"""State changes of sources (the evidence that links them to claims: app/claims/evidence.py)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import atomic_audited, audit_append
from app.core.links import normalize_url, validate_web_url
from app.core.text import validate_one_line_fields
from app.sources.models import Source
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace


@atomic_audited
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
        raise ValidationError({"kind": _("Unknown kind “%(kind)s”.") % {"kind": kind}})
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
