"""Every audit action has one constructor and one description, and reads in words."""

import ast
import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace as Row

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise

import app
from app.audit import events
from app.audit.describe import describe
from app.audit.events import CONSTRUCTORS, DESCRIPTIONS, Action, Fields
from app.audit.models import AuditEvent
from app.audit.services import audit_append, to_jsonable

APP = Path(app.__file__).parent
EVENTS_MODULE = APP / "audit" / "events.py"
AT = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


class _User(Row):
    def get_username(self) -> str:
        return self.username


user = _User(pk=5, username="a-viewer")
words = Row(label="Mostly false", value=2, colour="#cf4a24")
claim = Row(
    pk=12,
    article_id=3,
    snapshot_id=4,
    start=0,
    end=9,
    exact="The mayor",
    prefix="",
    suffix=" said",
    restatement="The mayor said it",
    claimant="The mayor",
    status="published",
    tags=["budget"],
    anchor_state="fuzzy",
    assignee_id=5,
    version=7,
    rating_id=9,
    verdict_summary="Not so.",
    verdict_rating=words,
)
verdict = Row(
    pk=21,
    words=words,
    rating_id=9,
    summary="Not so.",
    restatement="The mayor said it",
    claimant="The mayor",
    correction_note="The figure was for 2024.",
    return_reason="Needs a source.",
    proposed_by_id=5,
)
retraction = Row(pk=2, reason="Wrong article.", return_reason="Keep it.", proposed_by_id=5)
membership = Row(pk=8, user=user, role="reviewer")
rating = Row(
    pk=9, label="Satire", value=None, position=8, colour="#123456", description="", retired=False
)
source = Row(
    pk=6,
    url="https://example.org/doc",
    normalized_url="https://example.org/doc",
    title="The budget",
    publisher="City",
    published_on=dt.date(2026, 4, 1),
    archived_url="",
    kind="official",
    link_status="gone",
    link_detail="404",
)
invitation = Row(pk=3, email="new@example.org", role="viewer", expires_at=AT, invited_by_id=1)
token = Row(
    pk=4, name="script", prefix="abc", user_id=5, role="viewer", expires_at=None, revoked_at=AT
)
job = Row(pk=11, kind="export", state="done", done=40, error="disk full", attempts=3)
workspace = Row(pk=1, name="Newsroom", slug="newsroom", default_language="fa")

# One call of each constructor, as a service would make it.
SAMPLES = {
    Action.WORKSPACE_CREATED: lambda: events.workspace_created(workspace=workspace),
    Action.WORKSPACE_LANGUAGE_CHANGED: lambda: events.workspace_language_changed(
        workspace=workspace, old_language="en"
    ),
    Action.MEMBER_ADDED: lambda: events.member_added(
        membership=membership, user=user, role="reviewer"
    ),
    Action.MEMBER_ROLE_CHANGED: lambda: events.member_role_changed(
        membership=membership, old_role="viewer", new_role="reviewer"
    ),
    Action.MEMBER_DEACTIVATED: lambda: events.member_deactivated(
        membership=membership, tokens_revoked=2
    ),
    Action.MEMBER_REACTIVATED: lambda: events.member_reactivated(membership=membership),
    Action.MEMBER_REMOVED: lambda: events.member_removed(membership=membership, tokens_revoked=0),
    Action.MEMBER_LEFT: lambda: events.member_left(membership=membership, tokens_revoked=1),
    Action.MEMBER_PASSWORD_RESET_ISSUED: lambda: events.member_password_reset_issued(
        membership=membership
    ),
    Action.ARTICLE_CREATED: lambda: events.article_created(
        article=Row(
            pk=3,
            url="https://example.org/a",
            title="Budget day",
            outlet="Daily",
            author="",
            published_on=None,
            language="en",
            direction="ltr",
        )
    ),
    Action.ARTICLE_SNAPSHOT_ADDED: lambda: events.article_snapshot_added(
        snapshot=Row(pk=4, article_id=3, number=2, sha256="ab" * 32, origin="text", text="Hi"),
        original=None,
    ),
    Action.ARTICLE_UPDATED: lambda: events.article_updated(
        article=Row(pk=3),
        before={"title": "Old", "version": 1},
        after={"title": "New", "version": 2},
    ),
    Action.CLAIM_CREATED: lambda: events.claim_created(claim=claim),
    Action.CLAIM_UPDATED: lambda: events.claim_updated(
        claim=claim, before={"tags": [], "version": 6}, after={"tags": ["budget"], "version": 7}
    ),
    Action.CLAIM_REANCHORED: lambda: events.claim_reanchored(
        claim=claim, before=events.anchor_of(claim), method="quote", score=0.91234
    ),
    Action.CLAIM_STATUS_CHANGED: lambda: events.claim_status_changed(
        claim=claim, old_status="open"
    ),
    Action.CLAIM_VERDICT_PROPOSED: lambda: events.claim_verdict_proposed(
        claim=claim, verdict=verdict, old_status="in_review"
    ),
    Action.CLAIM_CORRECTION_PROPOSED: lambda: events.claim_correction_proposed(
        claim=claim, verdict=verdict
    ),
    Action.CLAIM_VERDICT_PUBLISHED: lambda: events.claim_verdict_published(
        claim=claim,
        verdict=verdict,
        words=words,
        before={**events.published_words(claim), "restatement": "Older words"},
    ),
    Action.CLAIM_VERDICT_RETURNED: lambda: events.claim_verdict_returned(
        claim=claim, verdict=verdict, old_status="verdict_proposed"
    ),
    Action.CLAIM_ASSIGNED: lambda: events.claim_assigned(claim=claim, old_assignee_id=None),
    Action.CLAIM_RETRACTION_PROPOSED: lambda: events.claim_retraction_proposed(
        claim=claim, retraction=retraction
    ),
    Action.CLAIM_RETRACTED: lambda: events.claim_retracted(
        claim=claim, retraction=retraction, old_status="published"
    ),
    Action.CLAIM_RETRACTION_RETURNED: lambda: events.claim_retraction_returned(
        claim=claim, retraction=retraction
    ),
    Action.CLAIM_RELATED_LINKED: lambda: events.claim_related_linked(claim=claim, other=Row(pk=13)),
    Action.CLAIM_RELATED_UNLINKED: lambda: events.claim_related_unlinked(
        claim=claim, other=Row(pk=13)
    ),
    Action.COMMENT_ADDED: lambda: events.comment_added(
        comment=Row(pk=30, claim_id=12, body="Check the *annex*.")
    ),
    Action.RATING_CREATED: lambda: events.rating_created(rating=rating),
    Action.RATING_UPDATED: lambda: events.rating_updated(
        rating=rating,
        before={"label": "Satire", "former_labels": []},
        after={"label": "Parody", "former_labels": ["Satire"]},
    ),
    Action.RATING_RETIRED: lambda: events.rating_retired(rating=rating),
    Action.RATING_RESTORED: lambda: events.rating_restored(rating=rating),
    Action.RATING_REORDERED: lambda: events.rating_reordered(
        workspace=workspace, old_order=[1, 2], new_order=[2, 1]
    ),
    Action.SOURCE_CREATED: lambda: events.source_created(source=source),
    Action.SOURCE_LINK_CHECKED: lambda: events.source_link_checked(source=source, old_status="ok"),
    Action.EVIDENCE_ADDED: lambda: events.evidence_added(
        evidence=Row(pk=14, claim_id=12, source_id=6, stance="refutes", quote="", note="")
    ),
    Action.CAPTURE_CREATED: lambda: events.capture_created(
        capture=Row(
            pk=15,
            kind="source",
            source_id=6,
            article_id=None,
            snapshot_id=None,
            url="https://example.org/doc",
            final_url="https://example.org/doc/",
            captured_at=AT,
            status_code=200,
            media_type="text/html",
            hashes={"warc": "ab" * 32},
        )
    ),
    Action.INVITATION_CREATED: lambda: events.invitation_created(invitation=invitation),
    Action.INVITATION_RESENT: lambda: events.invitation_resent(
        invitation=invitation, old_expires_at=AT - dt.timedelta(days=1)
    ),
    Action.INVITATION_REVOKED: lambda: events.invitation_revoked(invitation=invitation),
    Action.INVITATION_EXPIRED_ON_USE: lambda: events.invitation_expired_on_use(
        invitation=invitation
    ),
    Action.INVITATION_ACCEPTED: lambda: events.invitation_accepted(
        invitation=invitation, user=user
    ),
    Action.EXPORT_CREATED: lambda: events.export_created(
        export_id="e" * 32, format="csv", filters={"status": "published"}, options={"job": 11}
    ),
    Action.ANNOTATIONS_IMPORTED: lambda: events.annotations_imported(
        workspace=workspace, created=3, skipped=1
    ),
    Action.API_TOKEN_CREATED: lambda: events.api_token_created(token=token),
    Action.API_TOKEN_REVOKED: lambda: events.api_token_revoked(token=token),
    Action.AUDIT_CHECKPOINT_CREATED: lambda: events.audit_checkpoint_created(
        checkpoint=Row(
            pk=2,
            seq=40,
            hash="cd" * 32,
            at="2026-05-01T12:00:00.000000Z",
            signature="s",
            key_id="k",
        )
    ),
    Action.AUDIT_EXPORTED: lambda: events.audit_exported(
        workspace=workspace, fmt="jsonl", from_seq=2, to_seq=40, since=AT, until=None
    ),
    Action.JOB_QUEUED: lambda: events.job_queued(job=job, described={"files": 3}),
    Action.JOB_FINISHED: lambda: events.job_finished(job=job, export_id="e" * 32, counts={"x": 1}),
    Action.JOB_FAILED: lambda: events.job_failed(job=job),
    Action.PUBLIC_SITE_UPDATED: lambda: events.public_site_updated(
        workspace=workspace, before={"enabled": False}, after={"enabled": True}
    ),
}


def _as_stored(pending: events.PendingEvent, actor: dict | None = None) -> Row:
    """What `describe` reads of an event once stored (JSON values, id as text)."""
    return Row(
        action=str(pending.action),
        object_type=pending.object_type,
        object_id=str(pending.object_id),
        actor=actor or {"type": "user", "id": 1, "username": "a-editor"},
        before=to_jsonable(dict(pending.before)) if pending.before is not None else None,
        after=to_jsonable(dict(pending.after)) if pending.after is not None else None,
        reason=pending.reason,
    )


class _Reading(Fields):
    """Fields that note each key a description reads."""

    def __init__(self, values, read: set):
        super().__init__(values)
        self.read = read

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def test_every_action_has_one_constructor_and_one_description():
    assert set(CONSTRUCTORS) == set(Action), "actions without a constructor"
    assert set(DESCRIPTIONS) == set(Action), "actions without a description"
    assert set(SAMPLES) == set(Action), "add a sample call of the new constructor above"
    assert all(isinstance(d.text, Promise) for d in DESCRIPTIONS.values()), "use gettext_lazy"


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_each_action_is_described_in_words_from_its_constructors_shape(action, monkeypatch):
    pending = SAMPLES[action]()
    assert pending.action is action
    stored = _as_stored(pending)
    read = {"before": set(), "after": set()}
    halves = iter(("before", "after"))  # `describe` wraps `before` first
    monkeypatch.setattr(
        "app.audit.describe.Fields", lambda values: _Reading(values, read[next(halves)])
    )
    text = describe(stored, {5: "a-viewer"})
    assert text and action.value not in text
    assert not re.search(r"\b[a-z_]+\.[a-z_]+ on ", text), text
    # A description reads only what the constructor writes.
    assert read["before"] <= set(stored.before or {}), read["before"]
    assert read["after"] <= set(stored.after or {}), read["after"]


def test_a_description_still_reads_an_event_older_than_its_shape():
    stored = _as_stored(events.claim_status_changed(claim=claim, old_status="open"))
    stored.after = {"status": "in_review"}  # before `assignee` and `version` were recorded
    assert describe(stored) == "a-editor moved claim 12 from open to in_review"


def _python_files():
    for path in sorted(APP.rglob("*.py")):
        if "migrations" not in path.parts and path != EVENTS_MODULE:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _name(node: ast.AST) -> str:
    return getattr(node, "id", None) or getattr(node, "attr", "")


def test_no_service_spells_an_event_itself():
    """Events come from constructors: no `action=` to `audit_append`, no hand-made event."""
    found = []
    for path, tree in _python_files():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            keywords = {k.arg for k in node.keywords}
            if _name(node.func) == "PendingEvent":
                found.append(f"{path}:{node.lineno} builds a PendingEvent")
            if _name(node.func) == "audit_append" and (
                "action" in keywords or "event" not in keywords
            ):
                found.append(f"{path}:{node.lineno} calls audit_append without an event")
    assert found == []


def _unknown_actions(tree: ast.AST) -> list[tuple[int, str]]:
    """Dotted literals like `claim.frobbed` that look like actions but are not members of
    `Action` (DRF `source=` paths such as `rating.label` are field paths, not actions)."""
    prefixes = {action.value.partition(".")[0] for action in Action}
    field_paths = {
        id(keyword.value)
        for node in ast.walk(tree)
        for keyword in getattr(node, "keywords", [])
        if keyword.arg == "source"
    }
    unknown = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = re.match(r"^([a-z_]+)\.[a-z_]+$", node.value)
            if (
                match
                and match.group(1) in prefixes
                and id(node) not in field_paths
                and node.value not in set(Action)
            ):
                unknown.append((node.lineno, node.value))
    return unknown


def test_every_action_name_in_the_code_is_an_action():
    unknown = [
        f"{path}:{line} {name}"
        for path, tree in _python_files()
        for line, name in _unknown_actions(tree)
    ]
    assert unknown == []


def test_the_scan_catches_an_action_that_is_not_in_the_enum():
    tree = ast.parse('if event.action == "claim.frobbed": pass\nField(source="claim.status")')
    assert _unknown_actions(tree) == [(1, "claim.frobbed")]


@pytest.mark.django_db
def test_the_timeline_and_the_api_show_every_action_in_words(client, team, monkeypatch):
    # The samples name rows that do not exist; listeners (notifications) would look them up.
    monkeypatch.setattr("app.audit.services._listeners", [])
    with transaction.atomic():
        for make in SAMPLES.values():
            audit_append(workspace=team.workspace, actor=team.editor, event=make())
    client.force_login(team.viewer)
    url = reverse("audit-timeline", kwargs={"slug": team.workspace.slug})
    shown = {}
    page = 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        shown.update(
            {event.seq: (event.action, event.description) for event in response.context["events"]}
        )
        if not response.context["page"].has_next():
            break
        page += 1
    assert len(shown) == AuditEvent.objects.filter(workspace=team.workspace).count()
    assert {action for action, _ in shown.values()} >= set(Action)
    for action, description in shown.values():
        assert action not in description, description
    body = client.get(url).content.decode()
    assert "a-editor changed the public site&#x27;s settings (enabled)" in body

    api = f"/api/v1/audit/events/?workspace={team.workspace.slug}"
    summaries = {}
    while api:
        page = client.get(api).json()
        summaries.update({r["seq"]: (r["action"], r["summary"]) for r in page["results"]})
        api = page["next"]
    assert len(summaries) == len(shown)
    assert all(action not in summary for action, summary in summaries.values())
