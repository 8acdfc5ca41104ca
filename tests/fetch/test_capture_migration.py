"""`sources.0006` moves capture bytes from the database to storage, and back when reversed."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from app.core.blobs import blob_read
from app.core.db_roles import quote_role
from app.sources.models import Capture
from app.sources.services import source_add
from tests.db_roles import RUNTIME_ROLE

BEFORE = [("sources", "0005_evidence_to_claims")]
AFTER = [("sources", "0006_capture_files_in_storage")]


def _migrate(targets):
    """Migrate as the tables' owner (as deployments do), then back to the runtime role.

    Returns the project state at `targets`; its `.apps` (models rendered, a fraction of
    a second) only where the test reads them."""
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        executor.loader.build_graph()
        return executor.loader.project_state(targets)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {quote_role(RUNTIME_ROLE)}")


@pytest.mark.django_db(transaction=True)
def test_capture_bytes_move_to_storage_and_back(team, _media_root):
    source, _ = source_add(
        workspace=team.workspace, url="https://example.org/old", actor=team.reviewer
    )
    pdf, png = b"%PDF-1.7 kept in a bytea column", b"\x89PNG\r\n\x1a\nscreenshot"
    old_apps = _migrate(BEFORE).apps
    try:
        OldCapture = old_apps.get_model("sources", "Capture")
        row = OldCapture.objects.create(
            workspace_id=team.workspace.pk,
            source_id=source.pk,
            kind="upload",
            captured_at=timezone.now(),
            media_type="application/pdf",
            file=pdf,
            file_sha256=hashlib.sha256(pdf).hexdigest(),
            screenshot=png,
            screenshot_sha256=hashlib.sha256(png).hexdigest(),
        )
        _migrate(AFTER)
        moved = Capture.objects.get(pk=row.pk)
        sha = moved.file_sha256
        assert moved.file_path == f"captures/{sha[:2]}/{sha}.pdf"
        assert blob_read(moved.file_path) == pdf
        assert blob_read(moved.screenshot_path) == png
        assert (_media_root / moved.file_path).read_bytes() == pdf

        old_apps = _migrate(BEFORE).apps
        back = old_apps.get_model("sources", "Capture").objects.get(pk=row.pk)
        assert bytes(back.file) == pdf
        assert bytes(back.screenshot) == png
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
