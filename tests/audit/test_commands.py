import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from app.audit.models import AuditEvent, Checkpoint

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def export_to(team, path):
    call_command(
        "export_audit", workspace=team.workspace.slug, output=str(path), stderr=io.StringIO()
    )


@pytest.fixture
def exported(team, claim, tmp_path):
    path = tmp_path / "trail.jsonl"
    call_command(
        "export_audit", workspace=team.workspace.slug, output=str(path), stderr=io.StringIO()
    )
    return path


def test_export_then_verify_prints_ok_with_count_and_head_hash(team, exported):
    code, out, _ = run("verify_audit", str(exported), "--whole")
    head = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert code == 0
    assert f"OK: {head.seq} events" in out and head.hash in out
    # The export recorded itself, and is the last line of its own file.
    last = json.loads(exported.read_text(encoding="utf-8").splitlines()[-1])
    assert last["action"] == "audit.exported" and last["seq"] == head.seq


def test_verify_reports_the_first_bad_line_and_exits_1(exported):
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2], lines[3] = lines[3], lines[2]
    exported.write_text("".join(lines), encoding="utf-8")
    code, _, err = run("verify_audit", str(exported))
    assert code == 1
    assert "line 3: gap: seq 4 follows seq 2" in err


def test_verify_of_an_unreadable_file_exits_2(tmp_path):
    code, _, err = run("verify_audit", str(tmp_path / "missing.jsonl"))
    assert code == 2 and "cannot read" in err


def test_verify_with_a_checkpoint_uses_the_servers_key_by_default(team, claim, tmp_path):
    call_command("audit_checkpoint", workspace=team.workspace.slug, stdout=io.StringIO())
    checkpoint = Checkpoint.objects.get(workspace=team.workspace)
    checkpoint_file = tmp_path / "checkpoint.json"
    checkpoint_file.write_text(json.dumps(checkpoint.as_document()))
    export = tmp_path / "trail.jsonl"
    call_command(
        "export_audit", workspace=team.workspace.slug, output=str(export), stderr=io.StringIO()
    )
    code, out, _ = run("verify_audit", str(export), "--checkpoint", str(checkpoint_file))
    assert code == 0 and "checkpoint signature verified" in out

    bad = {**checkpoint.as_document(), "hash": "f" * 64}
    checkpoint_file.write_text(json.dumps(bad))
    code, _, err = run("verify_audit", str(export), "--checkpoint", str(checkpoint_file))
    assert code == 1 and "signature" in err


def test_a_seq_range_export_holds_exactly_that_range_and_verifies(team, claim, tmp_path):
    path = tmp_path / "range.jsonl"
    call_command(
        "export_audit",
        workspace=team.workspace.slug,
        from_seq=3,
        to_seq=6,
        output=str(path),
        stderr=io.StringIO(),
    )
    seqs = [json.loads(line)["seq"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert seqs == [3, 4, 5, 6]
    assert run("verify_audit", str(path))[0] == 0


def test_a_date_range_outside_the_trail_exports_nothing(team, tmp_path):
    path = tmp_path / "empty.jsonl"
    call_command(
        "export_audit",
        workspace=team.workspace.slug,
        until="2001-01-01",
        output=str(path),
        stderr=io.StringIO(),
    )
    assert path.read_bytes() == b""


def test_bad_ranges_and_unknown_workspaces_are_command_errors(team):
    with pytest.raises(CommandError, match="to_seq"):
        call_command("export_audit", workspace=team.workspace.slug, from_seq=5, to_seq=2)
    with pytest.raises(CommandError, match="--since"):
        call_command("export_audit", workspace=team.workspace.slug, since="yesterday")
    with pytest.raises(CommandError, match="No workspace"):
        call_command("export_audit", workspace="nope")
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_csv_export_speaks_in_words(team, claim, tmp_path):
    path = tmp_path / "trail.csv"
    call_command(
        "export_audit",
        workspace=team.workspace.slug,
        format="csv",
        output=str(path),
        stderr=io.StringIO(),
    )
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["at", "seq", "actor", "action", "object", "reason", "summary"]
    created = next(row for row in rows if row["action"] == "claim.created")
    assert created["actor"] == "a-reviewer"
    assert created["summary"] == f"a-reviewer created claim {claim.pk}: “The mayor”"


def test_audit_checkpoint_signs_every_workspace(team, other_team):
    out = io.StringIO()
    call_command("audit_checkpoint", all=True, stdout=out)
    assert Checkpoint.objects.count() == 2
    assert team.workspace.slug in out.getvalue() and other_team.workspace.slug in out.getvalue()
