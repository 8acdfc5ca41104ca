"""Captures travel in `export_workspace`/`import_workspace`, and their hashes are checked."""

import json

import pytest

from app.operations.backup import BackupError, workspace_import
from app.sources import captures
from app.sources.models import Capture
from app.sources.services import source_add
from tests.fetch.conftest import article_html
from tests.operations.test_backup import _export, _forge, _purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured(team, page_server, settings):
    settings.SANAD_CAPTURE_RENDER = False
    url = page_server.page("/s", article_html("Stats", ["Unemployment was 9%."] * 4))
    source, _ = source_add(workspace=team.workspace, url=url, actor=team.reviewer)
    fetched = captures.source_capture(workspace=team.workspace, source=source, actor=team.reviewer)
    uploaded = captures.capture_upload(
        workspace=team.workspace,
        data=b"%PDF-1.7\nuploaded\n",
        file_name="s.pdf",
        source=source,
        actor=team.reviewer,
    )
    return team.workspace, fetched, uploaded


def test_captures_are_restored_byte_for_byte(captured, tmp_path):
    workspace, fetched, uploaded = captured
    warc = bytes(Capture.objects.get(pk=fetched.pk).warc)
    archive = _export(workspace, tmp_path)
    _purge(workspace)
    assert not Capture.objects.filter(pk=fetched.pk).exists()

    workspace_import(path=archive, log=lambda line: None)

    restored = Capture.objects.get(pk=fetched.pk)
    assert bytes(restored.warc) == warc
    assert restored.warc_sha256 == fetched.warc_sha256
    assert bytes(Capture.objects.get(pk=uploaded.pk).file) == b"%PDF-1.7\nuploaded\n"


def test_a_capture_altered_in_the_archive_is_refused_on_import(captured, tmp_path):
    """Even with the manifest's checksum forged, the database checks each capture's hash."""
    workspace, fetched, _uploaded = captured
    archive = _export(workspace, tmp_path)

    def tamper(data: bytes) -> bytes:
        rows = [json.loads(line) for line in data.decode().splitlines() if line]
        for row in rows:
            if row["id"] == fetched.pk:
                row["text"] = row["text"].replace("9%", "3%")
        return ("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n").encode()

    forged = _forge(archive, "tables/sources.capture.jsonl", tamper)
    _purge(workspace)
    with pytest.raises(BackupError, match="capture hash does not match"):
        workspace_import(path=forged, log=lambda line: None)
    assert not Capture.objects.filter(pk=fetched.pk).exists()
