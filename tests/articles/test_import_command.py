import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from app.articles.models import Article

pytestmark = pytest.mark.django_db
PAGES = Path(__file__).parent / "pages"


def _run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, "--no-progress", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_a_folder_imports_with_its_manifest_and_bad_files_do_not_stop_the_rest(tmp_path, team):
    (tmp_path / "a.html").write_bytes((PAGES / "fa_news.html").read_bytes())
    (tmp_path / "b.txt").write_text("The minister said exports doubled in 2024.", encoding="utf-8")
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "d.html").write_bytes(b"<html><script>alert(1)</script></html>")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps(
            {
                "file": "b.txt",
                "title": "Exports",
                "published": "2025-09-05",
                "url": "https://example.org/exports",
            }
        )
        + "\n",
        encoding="utf-8",
    )

    out, err, error = _run(str(tmp_path), "--workspace", team.workspace.slug, "--as", "a-reviewer")

    assert "2 imported, 0 with a new snapshot, 0 unchanged, 2 failed (of 4 files)" in out
    assert "c.txt: text: The file is not UTF-8" in err
    assert "d.html: html: No article text could be found" in err
    assert error is not None  # non-zero exit
    exports = Article.objects.get(title="Exports")
    assert str(exports.published_on) == "2025-09-05"
    assert Article.objects.count() == 2

    out, _, error = _run(
        str(tmp_path / "b.txt"),
        "--workspace",
        team.workspace.slug,
        "--manifest",
        str(tmp_path / "manifest.jsonl"),
    )
    assert "0 imported, 0 with a new snapshot, 1 unchanged, 0 failed" in out
    assert error is None


def test_unknown_workspace_or_empty_folder_is_a_clear_error(tmp_path, team):
    _, _, error = _run(str(tmp_path), "--workspace", "nope")
    assert "No workspace" in str(error)
    _, _, error = _run(str(tmp_path), "--workspace", team.workspace.slug)
    assert "No .html, .htm or .txt files" in str(error)
