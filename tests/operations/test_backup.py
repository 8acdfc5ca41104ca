"""Backing up a workspace into one archive and restoring it: identical rows, identical chain."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from app.articles.models import Article
from app.articles.services import article_import_html, article_import_text
from app.audit.models import AuditEvent
from app.audit.services import checkpoint_create
from app.audit.verify import export_line, verify_lines
from app.claims.evidence import evidence_add
from app.claims.models import Claim
from app.claims.ratings import rating_create, rating_update
from app.claims.relations import claim_link_related
from app.claims.services import claim_create, claim_update, comment_add
from app.claims.workflow import claim_start_review, verdict_approve, verdict_propose
from app.members.tokens import api_token_create
from app.operations.backup import workspace_export, workspace_import, workspace_tables
from app.operations.purge import workspace_purge
from app.search.models import SearchEntry
from app.sources.services import source_add
from app.workspaces.models import Workspace
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db
PAGES = Path(__file__).resolve().parents[1] / "articles" / "pages"
# Old Persian cuneiform and an emoji: code points beyond the BMP, where UTF-16 and
# code-point offsets part ways.
ASTRAL_TEXT = (
    "سنگ‌نبشته 𐎠𐎭𐎶 داریوش 🏛️ را وزیر «کشف تازه» نامید.\n"
    "منبع: گزارش موزه، ۱۴۰۳.\n"
    "اشتراک‌گذاری | تبلیغات\n"
)


@pytest.fixture(autouse=True)
def signing_key_path(settings, tmp_path):
    """Checkpoints are signed with a key of the test's own, never the checkout's."""
    settings.SANAD_SIGNING_KEY_PATH = tmp_path / "keys" / "audit-signing-key.pem"


def _claim_on(snapshot, quote, team, **extra):
    start = snapshot.text.index(quote)
    return claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=start,
        end=start + len(quote),
        exact=quote,
        actor=team.reviewer,
        **extra,
    )


@pytest.fixture
def busy_workspace(team, english_article):
    """A workspace with every kind of row, built through the services."""
    workspace = team.workspace
    pasted = article_import_text(
        workspace=workspace,
        text=ASTRAL_TEXT,
        title="سنگ‌نبشته 𐎠𐎭𐎶",
        url="https://example.org/fa/inscription",
        actor=team.reviewer,
        trim=True,
    )
    page = article_import_html(
        workspace=workspace, html=(PAGES / "fa_news.html").read_bytes(), actor=team.reviewer
    )
    discovery = _claim_on(
        pasted.snapshot, "کشف تازه", team, restatement="ادعای کشف 𐎠", tags=["میراث", "🏛️"]
    )
    mayor = _claim_on(english_article.snapshot, "The mayor said ridership rose 12%", team)
    _claim_on(page.snapshot, page.snapshot.text.split()[0], team, claimant="وزیر")
    claim_update(claim=mayor, version=mayor.version, claimant="Mayor", actor=team.reviewer)
    claim_link_related(claim=discovery, other=mayor, actor=team.reviewer)

    rating = rating_create(
        workspace=workspace, label="گمراه‌کننده ✱", value=40, colour="#aa5500", actor=team.admin
    )
    rating_update(rating=rating, actor=team.admin, description="Needs context 𝔵")
    source, _ = source_add(
        workspace=workspace,
        url="https://museum.example/fa/report?utm_source=x",
        title="گزارش موزه",
        actor=team.reviewer,
    )
    evidence_add(
        claim=discovery, source=source, stance="refutes", quote="۱۴۰۳", actor=team.reviewer
    )
    comment_add(claim=discovery, body="**نه** — the 𐎠 sign is old.", actor=team.editor)
    discovery = claim_start_review(claim=discovery, version=discovery.version, actor=team.reviewer)
    verdict_propose(
        claim=discovery,
        version=discovery.version,
        rating=rating,
        summary="کشف قدیمی است.",
        actor=team.reviewer,
    )
    discovery.refresh_from_db()
    verdict_approve(claim=discovery, version=discovery.version, actor=team.editor)
    api_token_create(workspace=workspace, actor=team.editor, name="newsroom feed")
    checkpoint_create(workspace=workspace, actor=team.editor)
    return workspace


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def _dump(workspace_id: int) -> dict:
    """Every row the workspace owns, read through the ORM, independently of the backup."""
    dump = {}
    for table in workspace_tables():
        rows = table.model.objects.filter(**{table.scope_column: workspace_id}).order_by("pk")
        dump[table.label] = [
            {key: _plain(value) for key, value in row.items()} for row in rows.values()
        ]
    return dump


def _chain_lines(workspace_id: int) -> list[str]:
    events = AuditEvent.objects.filter(workspace_id=workspace_id).order_by("seq")
    return [export_line(c, h) for c, h in events.values_list("canonical", "hash")]


def _purge(workspace):
    with as_owner():  # the purge is the tables' owner's, never the runtime role's
        workspace_purge(
            workspace=workspace, confirm=workspace.slug, reason="backup test", operator="pytest"
        )


def _export(workspace, tmp_path) -> Path:
    path = tmp_path / "backup.sanad.zip"
    workspace_export(workspace=workspace, path=path, log=lambda line: None)
    return path


def _rewrite(archive: Path, change) -> Path:
    """Copy the archive with `change(name, data) -> data` applied to every member."""
    copy = archive.with_name("changed.sanad.zip")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(copy, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    return copy


def _forge(archive: Path, member: str, change) -> Path:
    """Change one member and put its new checksum in the manifest, as a forger would."""
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read("manifest.json"))
        data = change(source.read(member))
    for entry in [*manifest["tables"], manifest["users"], manifest["audit"]]:
        if entry["file"] == member:
            entry["sha256"] = hashlib.sha256(data).hexdigest()

    def swap(name, original):
        if name == member:
            return data
        return json.dumps(manifest).encode() if name == "manifest.json" else original

    return _rewrite(archive, swap)


def test_every_workspace_model_is_backed_up():
    labels = [table.label for table in workspace_tables()]

    for expected in (
        "workspaces.workspace",
        "workspaces.membership",
        "articles.snapshot",
        "claims.claimrelation",
        "claims.verdict",
        "claims.evidence",
        "audit.auditevent",
        "audit.checkpoint",
        "workspaces.apitoken",
        "search.searchentry",
    ):
        assert expected in labels
    assert labels[0] == "workspaces.workspace"
    assert labels.index("articles.snapshot") < labels.index("claims.claim")
    assert labels.index("claims.claim") < labels.index("claims.evidence")
    assert labels.index("claims.claim") < labels.index("search.searchentry")


def test_restore_after_purge_gives_back_identical_rows_and_chain(busy_workspace, tmp_path):
    workspace = busy_workspace
    before = _dump(workspace.pk)
    chain_before = _chain_lines(workspace.pk)
    head_before = verify_lines(chain_before, expect_first_seq=1).head_hash
    archive = _export(workspace, tmp_path)
    assert AuditEvent.objects.filter(workspace=workspace).count() == len(chain_before)
    _purge(workspace)
    assert not Workspace.objects.filter(pk=workspace.pk).exists()
    assert not SearchEntry.objects.filter(workspace_id=workspace.pk).exists()

    summary = workspace_import(path=archive, log=lambda line: None)

    assert summary.workspace.slug == workspace.slug
    assert _dump(workspace.pk) == before
    assert _chain_lines(workspace.pk) == chain_before
    restored = verify_lines(_chain_lines(workspace.pk), expect_first_seq=1)
    assert restored.ok and restored.head_hash == head_before
    assert sorted(summary.users_matched) == sorted(
        ["a-admin", "a-editor", "a-reviewer", "a-viewer"]
    )


def test_the_restored_rows_keep_binary_originals_jsonb_arrays_and_astral_text(
    busy_workspace, tmp_path
):
    article = Article.objects.get(
        workspace=busy_workspace, url="https://example.org/fa/inscription"
    )
    snapshot = article.snapshots.get()
    claim = Claim.objects.get(workspace=busy_workspace, exact="کشف تازه")
    archive = _export(busy_workspace, tmp_path)
    _purge(busy_workspace)

    workspace_import(path=archive, log=lambda line: None)

    restored = article.snapshots.get()
    assert bytes(restored.original) == bytes(snapshot.original) == ASTRAL_TEXT.encode("utf-8")
    assert restored.metadata == snapshot.metadata and restored.metadata["trimmed"] is True
    assert Article.objects.get(pk=article.pk).title == "سنگ‌نبشته 𐎠𐎭𐎶"
    again = Claim.objects.get(pk=claim.pk)
    assert again.tags == ["میراث", "🏛️"]
    assert again.exact == restored.text[again.start : again.end]
    assert again.updated_at == Claim.objects.get(pk=claim.pk).updated_at
    assert again.created_at == claim.created_at  # microseconds survive the trip


def _rewind_sequences():
    """Start every workspace table's id sequence over, as in a freshly created database."""
    with connection.cursor() as cursor:
        for table in workspace_tables():
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)",
                [table.db_table],
            )


def test_services_work_after_a_restore_into_fresh_sequences(busy_workspace, team, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    highest_claim = Claim.objects.order_by("-pk").values_list("pk", flat=True).first()
    highest_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    _purge(busy_workspace)
    _rewind_sequences()
    workspace_import(path=archive, log=lambda line: None)
    workspace = Workspace.objects.get(slug=busy_workspace.slug)
    snapshot = Article.objects.get(workspace=workspace, title="Ridership report").snapshots.get()

    claim = claim_create(
        workspace=workspace, snapshot=snapshot, start=4, end=9, exact="mayor", actor=team.reviewer
    )
    comment_add(claim=claim, body="after the restore", actor=team.editor)

    assert claim.pk == highest_claim + 1
    event = AuditEvent.objects.filter(workspace=workspace).order_by("-seq").first()
    assert event.pk > highest_event and event.action == "comment.added"
    assert verify_lines(_chain_lines(workspace.pk), expect_first_seq=1).ok


def test_a_missing_user_is_created_without_a_usable_password(busy_workspace, team, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    viewer_id = team.viewer.pk
    _purge(busy_workspace)
    team.viewer.delete()
    before_import = get_user_model().objects.filter(username="a-viewer").exists()

    summary = workspace_import(path=archive, log=lambda line: None)

    assert not before_import
    assert summary.users_created == ["a-viewer"]
    user = get_user_model().objects.get(username="a-viewer")
    assert user.pk == viewer_id  # the id was free, so memberships point at the same id
    assert not user.has_usable_password()
    assert (user.email, user.display_name) == (team.viewer.email, team.viewer.display_name)
    assert busy_workspace.memberships.filter(user=user, role="viewer").exists()


def test_users_whose_id_is_taken_here_are_linked_under_their_new_id(busy_workspace, team, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    reviewer_id = team.reviewer.pk
    article_ids = set(
        Article.objects.filter(workspace=busy_workspace, created_by=team.reviewer).values_list(
            "pk", flat=True
        )
    )
    _purge(busy_workspace)
    team.reviewer.delete()
    get_user_model().objects.create_user(pk=reviewer_id, username="somebody-else")

    summary = workspace_import(path=archive, log=lambda line: None)

    reviewer = get_user_model().objects.get(username="a-reviewer")
    assert summary.users_created == ["a-reviewer"] and reviewer.pk != reviewer_id
    assert (
        set(
            Article.objects.filter(workspace=busy_workspace, created_by=reviewer).values_list(
                "pk", flat=True
            )
        )
        == article_ids
    )
    assert not Article.objects.filter(created_by_id=reviewer_id).exists()
    assert busy_workspace.memberships.get(user=reviewer).role == "reviewer"
    # The trail keeps the ids it recorded: it is history, and it must hash the same.
    assert AuditEvent.objects.filter(workspace=busy_workspace, actor_user_id=reviewer_id).exists()


def test_the_commands_round_trip_and_log_to_stderr(busy_workspace, tmp_path):
    path = tmp_path / "cmd.sanad.zip"
    out, err = io.StringIO(), io.StringIO()
    head = AuditEvent.objects.filter(workspace=busy_workspace).order_by("-seq").first().hash

    call_command("export_workspace", busy_workspace.slug, "-o", str(path), stdout=out, stderr=err)

    assert out.getvalue().strip() == str(path)
    assert "claims.claim: 3 rows" in err.getvalue()
    assert "No audit event was appended" in err.getvalue()
    assert AuditEvent.objects.filter(workspace=busy_workspace).order_by("-seq").first().hash == head
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["workspace"]["slug"] == busy_workspace.slug
    assert manifest["audit"]["head_hash"] == head
    assert {"articles", "audit", "claims", "workspaces"} <= set(manifest["migrations"])
    _purge(busy_workspace)
    out, err = io.StringIO(), io.StringIO()

    call_command("import_workspace", str(path), stdout=out, stderr=err)

    assert out.getvalue().strip() == busy_workspace.slug
    assert f"head {head}" in err.getvalue()


def test_import_refuses_a_workspace_that_already_exists(busy_workspace, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    rows = Claim.objects.count()

    with pytest.raises(CommandError, match=r"slug .* already exists"):
        call_command("import_workspace", str(archive))

    assert Claim.objects.count() == rows


def test_import_refuses_an_archive_whose_member_does_not_match_its_checksum(
    busy_workspace, tmp_path
):
    archive = _export(busy_workspace, tmp_path)
    _purge(busy_workspace)

    def edit_title(name, data):
        if name == "tables/articles.article.jsonl":
            return data.replace(b"Ridership report", b"Ridership rep0rt")
        return data

    with pytest.raises(CommandError, match=r"corrupt: tables/articles\.article\.jsonl"):
        call_command("import_workspace", str(_rewrite(archive, edit_title)))

    assert not Workspace.objects.filter(slug=busy_workspace.slug).exists()


def test_import_refuses_a_file_that_is_not_an_archive(db, tmp_path):
    broken = tmp_path / "broken.sanad.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")

    with pytest.raises(CommandError, match="corrupt or not a zip"):
        call_command("import_workspace", str(broken))


def test_import_refuses_an_archive_with_an_incomplete_manifest(busy_workspace, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    _purge(busy_workspace)

    def drop_audit_entry(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        del manifest["audit"]
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match="manifest is incomplete"):
        call_command("import_workspace", str(_rewrite(archive, drop_audit_entry)))


def test_import_refuses_an_archive_made_at_another_migration_state(busy_workspace, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    _purge(busy_workspace)

    def older_claims(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["claims"] = manifest["migrations"]["claims"][:-1]
        return json.dumps(manifest).encode()

    with pytest.raises(CommandError, match=r"different migration state \(apps claims\)"):
        call_command("import_workspace", str(_rewrite(archive, older_claims)))

    assert not Workspace.objects.filter(slug=busy_workspace.slug).exists()


def test_import_refuses_an_archive_whose_ids_are_taken_here(busy_workspace, tmp_path):
    archive = _export(busy_workspace, tmp_path)
    Workspace.objects.filter(pk=busy_workspace.pk).update(slug="renamed-desk")

    with pytest.raises(CommandError, match=f"id {busy_workspace.pk} is taken"):
        call_command("import_workspace", str(archive))


def test_a_row_the_database_refuses_rolls_back_the_whole_restore(busy_workspace, tmp_path):
    """Checksums that match, but a claim whose quote is not its snapshot's text."""
    archive = _export(busy_workspace, tmp_path)
    _purge(busy_workspace)
    users_before = get_user_model().objects.count()
    forged = _forge(
        archive,
        "tables/claims.claim.jsonl",
        lambda data: data.replace("کشف تازه".encode(), "کشف کهنه".encode()),
    )

    with pytest.raises(CommandError, match=r"refused a row .* all rolled back"):
        call_command("import_workspace", str(forged))

    assert not Workspace.objects.filter(pk=busy_workspace.pk).exists()
    assert not Article.objects.filter(workspace_id=busy_workspace.pk).exists()
    assert not SearchEntry.objects.filter(workspace_id=busy_workspace.pk).exists()
    assert get_user_model().objects.count() == users_before


def test_import_refuses_an_archive_whose_audit_trail_was_edited(busy_workspace, tmp_path):
    """An edited trail with its checksum recomputed still fails: the chain itself breaks."""
    archive = _export(busy_workspace, tmp_path)
    _purge(busy_workspace)
    forged = _forge(
        archive,
        "audit/trail.jsonl",
        lambda data: data.replace(b'"action":"claim.created"', b'"action":"claim.deleted"', 1),
    )

    with pytest.raises(CommandError, match="audit trail does not verify: FAILED at line"):
        call_command("import_workspace", str(forged))

    assert not Workspace.objects.filter(pk=busy_workspace.pk).exists()
