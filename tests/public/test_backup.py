"""The public site's settings and retractions travel with a workspace's backup."""

import pytest

from app.claims.models import Retraction
from app.claims.workflow import claim_retract
from app.operations.backup import workspace_import, workspace_tables
from app.workspaces.models import PublicSite
from tests.operations.test_backup import _dump, _export, _purge

pytestmark = pytest.mark.django_db


def test_settings_and_retractions_are_backed_up_and_restored(team, fact_check, tmp_path):
    labels = [table.label for table in workspace_tables()]
    assert "workspaces.publicsite" in labels and "claims.retraction" in labels
    claim_retract(claim=fact_check, version=fact_check.version, reason="Wrong", actor=team.editor)
    workspace = team.workspace
    before = _dump(workspace.pk)
    archive = _export(workspace, tmp_path)
    _purge(workspace)
    assert not PublicSite.objects.filter(workspace_id=workspace.pk).exists()
    workspace_import(path=archive, log=lambda line: None)
    assert _dump(workspace.pk) == before
    site = PublicSite.objects.get(workspace_id=workspace.pk)
    assert site.enabled and site.same_as == ["https://social.example/@desk"]
    assert Retraction.objects.get(claim=fact_check).reason == "Wrong"
