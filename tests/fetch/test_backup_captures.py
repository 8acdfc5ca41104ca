"""Captures travel in `export_workspace`/`import_workspace`, and their hashes are checked."""

import hashlib
import json
import zipfile

import pytest

from app.core.blobs import blob_read
from app.operations.backup import BackupError, workspace_import
from app.sources import captures
from app.sources.models import Capture
from app.sources.services import source_add
from tests.fetch.conftest import article_html
from tests.operations.test_backup import _export, _forge, _purge, _rewrite

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


def test_captures_are_restored_byte_for_byte(
    captured, tmp_path, _media_root, django_capture_on_commit_callbacks
):
    workspace, fetched, uploaded = captured
    warc = blob_read(fetched.warc_path)
    archive = _export(workspace, tmp_path)
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert zipped.read(f"files/{fetched.warc_path}") == warc
    assert {entry["sha256"] for entry in manifest["files"]} == {
        fetched.warc_sha256,
        uploaded.file_sha256,
    }
    with django_capture_on_commit_callbacks(execute=True):
        _purge(workspace)
    assert not Capture.objects.filter(pk=fetched.pk).exists()
    # The purge removed the files no other workspace names.
    assert not (_media_root / fetched.warc_path).exists()

    summary = workspace_import(path=archive, log=lambda line: None)

    assert summary.files == 2
    restored = Capture.objects.get(pk=fetched.pk)
    assert blob_read(restored.warc_path) == warc
    assert restored.warc_sha256 == fetched.warc_sha256
    assert blob_read(Capture.objects.get(pk=uploaded.pk).file_path) == b"%PDF-1.7\nuploaded\n"


def test_a_capture_file_altered_in_the_archive_is_refused(
    captured, tmp_path, _media_root, django_capture_on_commit_callbacks
):
    """The manifest's entry forged to match: the file's name (its hash) still gives it away."""
    workspace, fetched, _uploaded = captured
    archive = _export(workspace, tmp_path)
    member = f"files/{fetched.warc_path}"
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
    forged = b"WARC/1.1\r\nforged"
    for entry in manifest["files"]:
        if entry["file"] == member:
            entry["sha256"] = hashlib.sha256(forged).hexdigest()

    def swap(name, original):
        if name == member:
            return forged
        return json.dumps(manifest).encode() if name == "manifest.json" else original

    tampered = _rewrite(archive, swap)
    with django_capture_on_commit_callbacks(execute=True):
        _purge(workspace)
    with pytest.raises(BackupError, match=r"capture file .* does not match its SHA-256"):
        workspace_import(path=tampered, log=lambda line: None)
    assert not Capture.objects.filter(pk=fetched.pk).exists()
    assert not (_media_root / fetched.warc_path).exists()


def test_purge_keeps_files_another_workspace_still_names(
    captured, other_team, django_capture_on_commit_callbacks
):
    workspace, _fetched, uploaded = captured
    source, _ = source_add(
        workspace=other_team.workspace, url="https://example.org/same", actor=other_team.reviewer
    )
    twin = captures.capture_upload(
        workspace=other_team.workspace,
        data=b"%PDF-1.7\nuploaded\n",
        file_name="same.pdf",
        source=source,
        actor=other_team.reviewer,
    )
    assert twin.file_path == uploaded.file_path
    with django_capture_on_commit_callbacks(execute=True):
        _purge(workspace)
    assert blob_read(twin.file_path) == b"%PDF-1.7\nuploaded\n"


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
