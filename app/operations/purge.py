"""Purging a whole workspace: the one sanctioned way audit rows ever leave the database.

A newsroom may be legally required to erase a workspace (a court order, the end of a
data-processing agreement). The purge keeps the append-only guarantee honest:

- it takes the whole workspace or nothing, never single events;
- it needs the role that owns the tables (or a superuser): the trigger lets a DELETE of
  audit rows through only when the transaction-local setting `sanad.purge_workspace`
  names the row's workspace *and* the current role may bypass (`audit_may_bypass()`).
  The app's runtime role has no DELETE on the trail at all, so it cannot purge even if
  compromised; the owner could have dropped the trigger anyway, so nothing is granted
  that was not already possible;
- before deleting, it signs a final checkpoint of the chain's head and keeps it, with
  the counts of what was deleted, in the operator log (`PurgeRecord`), which outlives
  the workspace. Anyone holding an export can still prove it complete.

The workspace's capture files leave the storage folder too, once the purge has
committed, except those another workspace's captures also name (files are stored by
hash, so two workspaces that captured the same bytes share one file).
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q

from app.audit.models import AuditEvent, PurgeRecord
from app.audit.services import checkpoint_create
from app.core.blobs import blob_delete
from app.sources.models import Capture
from app.workspaces.models import Workspace
from app.workspaces.owned import parents_first, workspace_column, workspace_owned_models

logger = logging.getLogger(__name__)


def _capture_files(workspace_id: int) -> set[str]:
    names: set[str] = set()
    for row in Capture.objects.filter(workspace_id=workspace_id).values_list(
        "warc_path", "file_path", "screenshot_path", "pdf_path"
    ):
        names.update(name for name in row if name)
    return names


def _delete_unreferenced_files(names: set[str]) -> None:
    """Delete the purged workspace's files that no remaining capture names."""
    for name in sorted(names):
        named = Capture.objects.filter(
            Q(warc_path=name) | Q(file_path=name) | Q(screenshot_path=name) | Q(pdf_path=name)
        )
        if named.exists():
            continue
        try:
            blob_delete(name)
        except OSError as error:  # the purge stands; the operator removes the file by hand
            logger.error("purge: could not delete stored file %s: %s", name, error)


def _workspace_owned_models() -> list[type[models.Model]]:
    """Every model a workspace owns (`workspace_owned_models`), children before their parents."""
    return list(reversed(parents_first(workspace_owned_models())))


def _may_purge() -> bool:
    """The trail's owner or a superuser; never the app's runtime role."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_may_bypass()")
        return bool(cursor.fetchone()[0])


@transaction.atomic
def workspace_purge(
    *, workspace: Workspace, confirm: str, reason: str, operator: str
) -> PurgeRecord:
    """Delete the workspace and every row it owns, audit trail included, in one transaction.

    `confirm` must repeat the slug and `reason` must say why; the final head is signed
    and logged first. Raises `ValidationError` (confirm, reason) and
    `PermissionError` when the database role is the runtime role (not the owner).
    """
    errors = {}
    if confirm != workspace.slug:
        errors["confirm"] = f"Type the workspace's slug ({workspace.slug}) to confirm."
    if not (reason or "").strip():
        errors["reason"] = "Say why the workspace is purged; the reason is kept."
    if errors:
        raise ValidationError(errors)
    if not _may_purge():
        raise PermissionError(
            "Purging needs the database role that owns the tables (DATABASE_OWNER_URL), "
            "not the app's runtime role."
        )
    final = checkpoint_create(workspace=workspace, actor=None)
    head = (
        AuditEvent.objects.filter(workspace=workspace)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    files = _capture_files(workspace.pk)
    transaction.on_commit(lambda: _delete_unreferenced_files(files))
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('sanad.purge_workspace', %s, true)", [str(workspace.pk)])
        deleted: dict[str, Any] = {}
        for model in _workspace_owned_models():
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" '  # noqa: S608
                f'WHERE "{workspace_column(model)}" = %s',
                [workspace.pk],
            )
            deleted[model._meta.label] = cursor.rowcount
        cursor.execute(
            f'DELETE FROM "{Workspace._meta.db_table}" WHERE id = %s',  # noqa: S608
            [workspace.pk],
        )
        cursor.execute("SELECT set_config('sanad.purge_workspace', '', true)")
    return PurgeRecord.objects.create(
        workspace_id_purged=workspace.pk,
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        event_count=head[0] if head else 0,
        head_seq=head[0] if head else None,
        head_hash=head[1] if head else "",
        final_checkpoint=final.as_document(),
        rows_deleted=deleted,
        reason=reason.strip(),
        operator=operator,
    )
