"""Issue 16: the verifier as a script, the downloaded checkpoint list, and hex case."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from app.audit.models import Checkpoint
from app.audit.verify import verify_lines

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def exported(team, claim, tmp_path):
    path = tmp_path / "trail.jsonl"
    call_command(
        "export_audit", workspace=team.workspace.slug, output=str(path), stderr=io.StringIO()
    )
    return path


def _script(*args):
    return subprocess.run(
        [sys.executable, str(ROOT / "app" / "audit" / "verify.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_verify_py_run_as_a_script_verifies_its_argument(exported):
    done = _script(str(exported))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK:")

    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace('"seq":2', '"seq":9')
    exported.write_text("".join(lines), encoding="utf-8")
    done = _script(str(exported))
    assert done.returncode == 1 and "line 2" in done.stderr


def test_verify_py_without_an_argument_prints_usage_and_exits_2():
    done = _script()
    assert done.returncode == 2
    assert "usage" in done.stderr.lower()


def test_the_downloaded_checkpoint_list_verifies_with_the_one_matching_the_export(
    team, claim, tmp_path, client
):
    call_command("audit_checkpoint", workspace=team.workspace.slug, stdout=io.StringIO())
    export = tmp_path / "trail.jsonl"
    call_command(
        "export_audit", workspace=team.workspace.slug, output=str(export), stderr=io.StringIO()
    )
    call_command("audit_checkpoint", workspace=team.workspace.slug, stdout=io.StringIO())
    assert Checkpoint.objects.filter(workspace=team.workspace).count() == 2
    client.force_login(team.viewer)
    download = client.get(f"/w/{team.workspace.slug}/audit/checkpoints.json")
    assert isinstance(json.loads(download.content), list)
    checkpoints = tmp_path / "checkpoints.json"
    checkpoints.write_bytes(download.content)

    code, out, err = run("verify_audit", str(export), "--checkpoint", str(checkpoints))

    assert code == 0, err
    assert "checkpoint signature verified" in out


def _rewrite_hash_upper(line: str) -> str:
    event = json.loads(line)
    return line.replace(event["hash"], event["hash"].upper())


def test_an_upper_case_hash_is_blamed_on_its_own_line(exported):
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = _rewrite_hash_upper(lines[1])
    result = verify_lines(lines)
    assert not result.ok
    assert result.line == 2 and "lowercase hex" in result.reason


def test_an_upper_case_hash_on_the_last_line_is_refused(exported):
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = _rewrite_hash_upper(lines[-1])
    result = verify_lines(lines)
    assert not result.ok
    assert result.line == len(lines)
