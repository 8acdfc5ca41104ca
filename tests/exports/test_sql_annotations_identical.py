"""Web Annotations built by PostgreSQL are byte for byte those the Python records make.

Every form the API serves: the collection with its first page, each numbered page,
each keyset page (`after=`), and the whole collection in one (`page=all`); on awkward
text (Persian, astral characters, quotes, backslashes, control characters, a claim
without creator, an article without address, a correction) and on 10,000 claims, where
JSON Lines and CSV are compared too (one populated workspace serves all three formats).
"""

import re
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from app.accounts.models import User
from app.articles.services import article_import_text
from app.claims.models import Claim
from app.claims.services import claim_create
from app.exports import streams
from app.exports.forms import ExportFilters
from app.exports.records import ExportContext
from app.exports.selectors import export_claims
from app.workspaces.models import Workspace
from tests.db_roles import as_owner
from tests.exports.test_sql_csv_identical import _compare as csv_old_and_new
from tests.exports.test_sql_jsonl_identical import AWKWARD, awkward_workspace  # noqa: F401
from tests.exports.test_sql_jsonl_identical import _compare as jsonl_old_and_new

pytestmark = pytest.mark.django_db

COLLECTION = "https://sanad.example/api/v1/exports/annotations/?workspace=w"


def _documents(user, workspace) -> dict[str, bytes]:
    """Every document of the export, by a name saying which form and page it is."""
    context = ExportContext(
        workspace_slug=workspace.slug, workspace_name=workspace.name, base_url="https://s.example"
    )
    claims = export_claims(user=user, workspace=workspace, filters=ExportFilters())
    total = claims.count()

    def page_url(number):
        return f"{COLLECTION}&page={number}"

    documents = {
        "collection": streams.annotation_collection_stream(
            claims, context, collection_id=COLLECTION, page_url=page_url, label='«ادعاها» "q"'
        ),
        "all": streams.annotation_whole_collection_stream(
            claims, context, collection_id=COLLECTION, whole_url=f"{COLLECTION}&page=all"
        ),
    }
    for page in range(streams.annotation_page_count(total)):
        documents[f"page {page}"] = streams.annotation_page_stream(
            claims, context, page=page, total=total, collection_id=COLLECTION, page_url=page_url
        )
    made = {name: b"".join(chunks) for name, chunks in documents.items()}
    cursor = 0
    while cursor is not None:
        raw = b"".join(
            streams.annotation_keyset_page_stream(
                claims,
                context,
                after=cursor,
                collection_id=COLLECTION,
                after_url=lambda claim: f"{COLLECTION}&after={claim}",
            )
        )
        made[f"after {cursor}"] = raw
        found = re.search(rb'"next":"[^"]*after=(\d+)"', raw[:3000])
        cursor = int(found[1]) if found else None
    return made


def _both(monkeypatch, user, workspace) -> tuple[dict, dict]:
    monkeypatch.setattr(streams, "ANNOTATIONS_IN_SQL", False)
    python = _documents(user, workspace)
    monkeypatch.setattr(streams, "ANNOTATIONS_IN_SQL", True)
    return python, _documents(user, workspace)


@pytest.fixture
def stranger_claims(awkward_workspace):  # noqa: F811
    """A claim whose creator is gone, on an article imported without an address or language."""
    team = awkward_workspace
    article = article_import_text(
        workspace=team.workspace, text='«بی‌نشانی» \\ "x" 𝕏 end\n', actor=team.reviewer
    )
    claim = claim_create(
        workspace=team.workspace,
        snapshot=article.snapshot,
        start=0,
        end=len("«بی‌نشانی»"),
        exact="«بی‌نشانی»",
        restatement=AWKWARD,
        tags=["a\\b", "🚇"],
        actor=team.reviewer,
    )
    Claim.objects.filter(pk=claim.pk).update(created_by=None)
    return team


def test_every_document_has_the_same_bytes(monkeypatch, stranger_claims):
    team = stranger_claims
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 2)
    python, sql = _both(monkeypatch, team.viewer, team.workspace)
    assert len(python) >= 6 and python.keys() == sql.keys()
    whole = sql["all"]
    assert "🚇".encode() in whole and b"\\u0001" in whole and b'\\"' in whole
    assert b'"creator"' in whole and whole.count(b'"type":"Annotation"') == (
        Claim.objects.filter(workspace=team.workspace).count()
    )
    for name in python:
        assert sql[name] == python[name], name


def test_an_empty_workspace_too(monkeypatch, team):
    python, sql = _both(monkeypatch, team.viewer, team.workspace)
    assert python == sql
    assert sql["collection"].endswith(b'"total":0}\n') and sql["after 0"].endswith(b'"items":[]}\n')


def test_the_demo_data_too(monkeypatch):
    call_command("seed_demo", stdout=StringIO())
    reviewer = User.objects.get(username="demo-reviewer")
    workspace = Workspace.objects.get(memberships__user=reviewer)
    monkeypatch.setattr(streams, "ANNOTATION_PAGE_SIZE", 3)
    python, sql = _both(monkeypatch, reviewer, workspace)
    claims = Claim.objects.filter(workspace=workspace).count()
    assert claims > 3 and sql["all"].count(b'"type":"Annotation"') == claims
    assert python.keys() == sql.keys()
    for name in python:
        assert sql[name] == python[name], name


def _claims_loaded_once(monkeypatch):
    """Let the Python references walk the claims once, then reuse the loaded claims.

    The first walk is the real one (`iterator()` by chunks, with the JSON Lines
    export's every prefetch: evidence and its sources' captures, verdicts, comments),
    and keeps each claim it loads. After `replay()`, a Python stream asks PostgreSQL
    only which claims, in which order (its own queryset's ids: filters, pages and
    keyset cursors still apply), and gets those loaded claims: JSON Lines without
    comments, CSV and every annotation document read no relation that walk did not
    load. Loading 10,000 claims and their relations anew for each of the 24 Python
    documents was most of this test's time.
    """
    walk, loaded = streams._rows, {}

    def first(claims):
        for claim in walk(claims):
            loaded[claim.pk] = claim
            yield claim

    def again(claims):
        return (loaded[pk] for pk in claims.values_list("pk", flat=True))

    def replay():
        assert len(loaded) == 10_000
        monkeypatch.setattr(streams, "_rows", again)

    monkeypatch.setattr(streams, "_rows", first)
    return replay


def test_ten_thousand_claims(monkeypatch, team):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from _populate import populate_claims

    user = User.objects.get(pk=team.admin.pk)
    # As the tables' owner, populate switches the search index's row triggers off for
    # its copy (inside this test's transaction) and indexes the copies once per distinct
    # text, as it does in the benches; the runtime role would re-index row by row.
    with as_owner():
        populate_claims(workspace=team.workspace, actor=user, count=10_000)
    replay = _claims_loaded_once(monkeypatch)
    for with_comments in (True, False):
        old, new = jsonl_old_and_new(team.viewer, team.workspace, with_comments=with_comments)
        assert old.count(b"\n") == 10_000 and b'"verdicts":[{' in new
        assert new == old
        replay()
    old, new = csv_old_and_new(team.viewer, team.workspace)
    assert old.count(b"\r\n") >= 10_001
    assert new == old
    python, sql = _both(monkeypatch, team.viewer, team.workspace)
    assert sql["all"].count(b'"type":"Annotation"') == 10_000
    assert len(python) == 1 + 1 + 10 + 10
    for name in python:
        assert sql[name] == python[name], name
