"""CSV made by PostgreSQL (`COPY … WITH CSV`) is byte for byte the CSV Python writes."""

import csv
import io
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from app.claims.models import Claim
from app.claims.services import claim_create, claim_update
from app.exports import streams
from app.exports.forms import ExportFilters
from app.exports.records import CSV_COLUMNS, ExportContext
from app.exports.selectors import export_claims
from app.exports.sql_rows import _crlf_rows
from app.workspaces.models import Workspace
from tests.exports.test_sql_jsonl_identical import AWKWARD, awkward_workspace  # noqa: F401

pytestmark = pytest.mark.django_db


def _compare(user, workspace, *, bom=False, **filters):
    context = ExportContext(
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        base_url="https://sanad.example",
    )
    claims = export_claims(
        user=user, workspace=workspace, filters=ExportFilters(**filters), with_evidence=True
    )
    old = b"".join(streams.csv_stream(claims, context, bom=bom))
    new = b"".join(streams.csv_stream_sql(claims, context, bom=bom))
    return old, new


@pytest.fixture
def formulas(awkward_workspace):  # noqa: F811
    """Cells a spreadsheet would run, empty cells, commas, quotes and line ends in cells."""
    team = awkward_workspace
    claim = Claim.objects.filter(workspace=team.workspace, status="open").first()
    text = claim.snapshot.text
    for number, words in enumerate(("=SUM(A1)", "-1, 2", '@"x"', "\tt", "\rr", "+", "a\nb")):
        start = number * 3
        made = claim_create(
            workspace=team.workspace,
            snapshot=claim.snapshot,
            start=start,
            end=start + 2,
            exact=text[start : start + 2],
            restatement=words,
            claimant=" ".join(words.split()),
            tags=[words, "-t"],
            actor=team.reviewer,
        )
        if number == 0:
            claim_update(
                claim=made, version=made.version, actor=team.reviewer, restatement="", tags=[]
            )
    return team


def test_the_sql_csv_equals_the_python_csv(formulas):
    old, new = _compare(formulas.reviewer, formulas.workspace)
    rows = list(csv.reader(io.StringIO(new.decode("utf-8"), newline="")))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) - 1 == Claim.objects.filter(workspace=formulas.workspace).count()
    assert "'=SUM(A1)" in new.decode() and b'"\'-1, 2"' in new and b"\r\n" in new
    assert AWKWARD in [row[CSV_COLUMNS.index("restatement")] for row in rows]
    assert any(row[CSV_COLUMNS.index("evidence")] for row in rows[1:])
    assert new == old


def test_with_a_bom_and_filters_too(formulas):
    old, new = _compare(formulas.reviewer, formulas.workspace, bom=True, status="published")
    assert new.startswith("\ufeff".encode()) and new.count(b"\r\n") > 1
    assert new == old


def test_an_empty_export_is_the_header(team):
    old, new = _compare(team.reviewer, team.workspace)
    assert new == old == b",".join(c.encode() for c in CSV_COLUMNS) + b"\r\n"


def test_line_feeds_inside_quotes_stay_whatever_the_chunks():
    rows = b'1,"a\nb ""q""\n",x\n2,,"\n"\n'
    want = b'1,"a\nb ""q""\n",x\r\n2,,"\n"\r\n'
    for size in range(1, len(rows) + 1):
        chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
        assert b"".join(_crlf_rows(iter(chunks))) == want


def test_the_demo_data_exports_the_same_csv_too():
    call_command("seed_demo", stdout=StringIO())
    reviewer = get_user_model().objects.get(username="demo-reviewer")
    workspace = Workspace.objects.get(memberships__user=reviewer)
    old, new = _compare(reviewer, workspace, bom=True)
    assert old.count(b"\r\n") > Claim.objects.filter(workspace=workspace).count() > 0
    assert new == old
