"""Every service that changes data writes an audit event: checked by walking them all.

Service functions are discovered, not listed: every public function defined in an
`app.<domain>.services`, `.workflow`, `.ratings`, `.relations`, `.evidence` or `.tokens`
module. Each must be classified below, either with a call that changes data (the test
asserts that data changed *and* the workspace's chain grew) or as exempt with the reason.
A new service that nobody classified fails `test_every_service_function_is_classified`.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pytest
from django.apps import apps
from django.db import connection, transaction

import app
from app.audit import events
from app.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SERVICE_MODULES = ("services", "workflow", "ratings", "relations", "evidence", "tokens")


def discovered_services() -> dict[str, Callable]:
    found = {}
    for package in pkgutil.iter_modules(app.__path__):
        if not package.ispkg:
            continue
        for module_name in SERVICE_MODULES:
            name = f"app.{package.name}.{module_name}"
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name == name:
                    continue
                raise
            for attribute, value in vars(module).items():
                if (
                    inspect.isfunction(value)
                    and value.__module__ == name
                    and not attribute.startswith("_")
                ):
                    found[f"{name}.{attribute}"] = value
    return found


@dataclass
class World:
    team: object
    other_team: object
    claim: object
    snapshot: object


def call(path: str, **kwargs) -> Callable[[], object]:
    """The service call to measure, with its arguments bound."""
    module, name = path.rsplit(".", 1)
    function = getattr(importlib.import_module(module), name)
    return lambda: function(**kwargs)


def _evidenced(w):
    from app.claims.evidence import evidence_add_with_source

    evidence_add_with_source(
        claim=w.claim, url="https://example.org/doc", stance="refutes", actor=w.team.reviewer
    )
    w.claim.refresh_from_db()
    return w.claim


def _in_review(w):
    from app.claims.workflow import claim_start_review

    claim = _evidenced(w)
    return claim_start_review(claim=claim, version=claim.version, actor=w.team.reviewer)


def _proposed(w):
    from app.claims.workflow import verdict_propose

    claim = _in_review(w)
    verdict_propose(
        claim=claim, version=claim.version, rating=_rating(w), summary="No.", actor=w.team.reviewer
    )
    claim.refresh_from_db()
    return claim


def _published(w):
    from app.claims.workflow import verdict_approve

    claim = _proposed(w)
    verdict_approve(claim=claim, version=claim.version, actor=w.team.editor)
    claim.refresh_from_db()
    return claim


def _retraction_proposed(w):
    from app.claims.workflow import claim_retract

    claim = _published(w)
    claim_retract(claim=claim, version=claim.version, reason="Misattributed.", actor=w.team.editor)
    claim.refresh_from_db()
    return claim


def _rating(w):
    from app.claims.models import Rating

    return Rating.objects.filter(workspace=w.team.workspace).order_by("position").first()


def _ratings_reversed(w):
    from app.claims.models import Rating

    ratings = Rating.objects.filter(workspace=w.team.workspace).order_by("-position")
    return list(ratings.values_list("pk", flat=True))


def _retired(w):
    from app.claims.ratings import rating_retire

    return rating_retire(rating=_rating(w), actor=w.team.admin)


def _second_claim(w):
    from app.claims.services import claim_create

    return claim_create(
        workspace=w.team.workspace,
        snapshot=w.snapshot,
        start=4,
        end=9,
        exact="mayor",
        actor=w.team.reviewer,
    )


def _linked(w):
    from app.claims.relations import claim_link_related

    other = _second_claim(w)
    claim_link_related(claim=w.claim, other=other, actor=w.team.reviewer)
    return other


def _source(w):
    from app.sources.services import source_add

    source, _ = source_add(
        workspace=w.team.workspace, url="https://example.org/s", actor=w.team.reviewer
    )
    return source


def _token(w):
    from app.members.tokens import api_token_create

    return api_token_create(workspace=w.team.workspace, actor=w.team.admin, name="t")


def _annotation_for_other_team(w):
    from app.articles.services import article_import_text
    from app.claims.models import Claim
    from app.exports.records import ExportContext, annotation

    article_import_text(
        workspace=w.other_team.workspace,
        text=w.snapshot.text,
        title="Copy",
        actor=w.other_team.reviewer,
    )
    context = ExportContext(
        workspace_slug=w.team.workspace.slug,
        workspace_name=w.team.workspace.name,
        base_url="https://sanad.example",
    )
    claims = Claim.objects.select_related("article", "snapshot", "rating", "created_by")
    return annotation(claims.get(pk=w.claim.pk), context)


def _reimport(w):
    from app.articles.services import article_import_text
    from app.claims.services import claim_create

    first = article_import_text(
        workspace=w.team.workspace,
        text="The minister signed the deal.\n",
        url="https://example.org/deal",
        actor=w.team.reviewer,
    )
    claim_create(
        workspace=w.team.workspace,
        snapshot=first.snapshot,
        start=4,
        end=12,
        exact="minister",
        actor=w.team.reviewer,
    )
    return call(
        "app.articles.services.article_import_text",
        workspace=w.team.workspace,
        text="Update: the minister signed the deal.\n",
        url="https://example.org/deal",
        actor=w.team.reviewer,
    )


def _bare_workspace():
    from app.workspaces.models import Workspace

    return Workspace.objects.create(name="Bare", slug="bare")


def _membership(w, user):
    from app.workspaces.models import Membership

    return Membership.objects.get(workspace=w.team.workspace, user=user)


HTML = (
    "<html><body><article><h1>Budget</h1><p>"
    + "The budget grew by four percent this year, the minister said. " * 4
    + "</p></article></body></html>"
)

# For each service: prepare the world (setup may call other services), then return
# the one call whose effect is measured.
CALLS: dict[str, Callable[[World], Callable[[], object]]] = {
    "app.members.services.workspace_create": lambda w: call(
        "app.members.services.workspace_create", name="Fresh desk", creator=w.team.admin
    ),
    "app.members.services.workspace_language_set": lambda w: call(
        "app.members.services.workspace_language_set",
        workspace=w.team.workspace,
        language="fa",
        actor=w.team.admin,
    ),
    "app.members.services.member_add": lambda w: call(
        "app.members.services.member_add",
        workspace=w.team.workspace,
        user=w.other_team.viewer,
        role="viewer",
        actor=w.team.admin,
    ),
    "app.members.services.member_change_role": lambda w: call(
        "app.members.services.member_change_role",
        membership=_membership(w, w.team.viewer),
        role="reviewer",
        actor=w.team.admin,
    ),
    "app.articles.services.article_import_text": lambda w: call(
        "app.articles.services.article_import_text",
        workspace=w.team.workspace,
        text="Another text.\n",
        title="Another",
        actor=w.team.reviewer,
    ),
    "app.articles.services.article_import_html": lambda w: call(
        "app.articles.services.article_import_html",
        workspace=w.team.workspace,
        html=HTML,
        actor=w.team.reviewer,
    ),
    "app.claims.services.claim_create": lambda w: lambda: _second_claim(w),
    "app.claims.services.claim_create_from_selectors": lambda w: call(
        "app.claims.services.claim_create_from_selectors",
        workspace=w.team.workspace,
        snapshot=w.snapshot,
        selectors=[{"type": "TextPositionSelector", "start": 4, "end": 9}],
        actor=w.team.reviewer,
    ),
    "app.claims.services.claim_update": lambda w: call(
        "app.claims.services.claim_update",
        claim=w.claim,
        version=w.claim.version,
        actor=w.team.reviewer,
        restatement="Ridership rose by 12%.",
    ),
    "app.claims.services.comment_add": lambda w: call(
        "app.claims.services.comment_add", claim=w.claim, body="Checking.", actor=w.team.reviewer
    ),
    "app.claims.services.rating_scale_create_default": lambda w: call(
        "app.claims.services.rating_scale_create_default", workspace=_bare_workspace(), actor=None
    ),
    # Runs inside an import of a changed text of an article with claims, which it re-anchors.
    "app.claims.services.claims_reanchor": lambda w: _reimport(w),
    "app.claims.workflow.claim_start_review": lambda w: call(
        "app.claims.workflow.claim_start_review",
        claim=w.claim,
        version=w.claim.version,
        actor=w.team.reviewer,
    ),
    "app.claims.workflow.verdict_propose": lambda w: (
        lambda claim: call(
            "app.claims.workflow.verdict_propose",
            claim=claim,
            version=claim.version,
            rating=_rating(w),
            summary="No.",
            actor=w.team.reviewer,
        )
    )(_in_review(w)),
    "app.claims.workflow.verdict_correct": lambda w: (
        lambda claim: call(
            "app.claims.workflow.verdict_correct",
            claim=claim,
            version=claim.version,
            rating=_rating(w),
            summary="Still no.",
            correction_note="Newer figures.",
            actor=w.team.editor,
        )
    )(_published(w)),
    "app.articles.services.article_update": lambda w: call(
        "app.articles.services.article_update",
        article=w.snapshot.article,
        version=w.snapshot.article.version,
        title="A corrected headline",
        actor=w.team.reviewer,
    ),
    "app.claims.workflow.verdict_approve": lambda w: (
        lambda claim: call(
            "app.claims.workflow.verdict_approve",
            claim=claim,
            version=claim.version,
            actor=w.team.editor,
        )
    )(_proposed(w)),
    "app.claims.workflow.verdict_return": lambda w: (
        lambda claim: call(
            "app.claims.workflow.verdict_return",
            claim=claim,
            version=claim.version,
            reason="Needs a second source.",
            actor=w.team.editor,
        )
    )(_proposed(w)),
    "app.claims.workflow.claim_retract": lambda w: (
        lambda claim: call(
            "app.claims.workflow.claim_retract",
            claim=claim,
            version=claim.version,
            reason="Misattributed.",
            actor=w.team.editor,
        )
    )(_published(w)),
    "app.claims.workflow.retraction_approve": lambda w: (
        lambda claim: call(
            "app.claims.workflow.retraction_approve",
            claim=claim,
            version=claim.version,
            actor=w.team.admin,
        )
    )(_retraction_proposed(w)),
    "app.claims.workflow.retraction_return": lambda w: (
        lambda claim: call(
            "app.claims.workflow.retraction_return",
            claim=claim,
            version=claim.version,
            reason="Correct it instead.",
            actor=w.team.admin,
        )
    )(_retraction_proposed(w)),
    "app.public.services.public_site_update": lambda w: call(
        "app.public.services.public_site_update",
        workspace=w.team.workspace,
        enabled=True,
        actor=w.team.admin,
    ),
    "app.claims.workflow.claim_assign": lambda w: call(
        "app.claims.workflow.claim_assign",
        claim=w.claim,
        version=w.claim.version,
        assignee=w.team.editor,
        actor=w.team.editor,
    ),
    "app.claims.ratings.rating_create": lambda w: call(
        "app.claims.ratings.rating_create",
        workspace=w.team.workspace,
        label="Satire",
        value=None,
        colour="#888888",
        actor=w.team.admin,
    ),
    "app.claims.ratings.rating_update": lambda w: call(
        "app.claims.ratings.rating_update",
        rating=_rating(w),
        description="Accurate and complete.",
        actor=w.team.admin,
    ),
    "app.claims.ratings.rating_reorder": lambda w: call(
        "app.claims.ratings.rating_reorder",
        workspace=w.team.workspace,
        ordered_ids=_ratings_reversed(w),
        actor=w.team.admin,
    ),
    "app.claims.ratings.rating_retire": lambda w: call(
        "app.claims.ratings.rating_retire", rating=_rating(w), actor=w.team.admin
    ),
    "app.claims.ratings.rating_restore": lambda w: call(
        "app.claims.ratings.rating_restore", rating=_retired(w), actor=w.team.admin
    ),
    "app.claims.relations.claim_link_related": lambda w: call(
        "app.claims.relations.claim_link_related",
        claim=w.claim,
        other=_second_claim(w),
        actor=w.team.reviewer,
    ),
    "app.claims.relations.claim_unlink_related": lambda w: call(
        "app.claims.relations.claim_unlink_related",
        claim=w.claim,
        other=_linked(w),
        actor=w.team.reviewer,
    ),
    "app.sources.services.source_add": lambda w: call(
        "app.sources.services.source_add",
        workspace=w.team.workspace,
        url="https://example.org/stats",
        actor=w.team.reviewer,
    ),
    "app.claims.evidence.evidence_add": lambda w: call(
        "app.claims.evidence.evidence_add",
        claim=w.claim,
        source=_source(w),
        stance="supports",
        actor=w.team.reviewer,
    ),
    "app.claims.evidence.evidence_add_with_source": lambda w: lambda: _evidenced(w),
    "app.members.tokens.api_token_create": lambda w: lambda: _token(w),
    "app.members.tokens.api_token_revoke": lambda w: call(
        "app.members.tokens.api_token_revoke", token=_token(w).token, actor=w.team.admin
    ),
    "app.exports.services.export_create": lambda w: call(
        "app.exports.services.export_create",
        workspace=w.team.workspace,
        actor=w.team.viewer,
        format="csv",
        filters=importlib.import_module("app.exports.forms").ExportFilters(),
    ),
    "app.jobs.services.job_start": lambda w: call(
        "app.jobs.services.job_start",
        workspace=w.team.workspace,
        actor=w.team.viewer,
        kind="export",
        params={"format": "jsonl"},
    ),
    "app.jobs.services.job_import_files": lambda w: call(
        "app.jobs.services.job_import_files",
        workspace=w.team.workspace,
        actor=w.team.reviewer,
        files=[("note.txt", b"A short note about the mayor.\n", {})],
    ),
    "app.exports.services.annotations_import": lambda w: call(
        "app.exports.services.annotations_import",
        workspace=w.other_team.workspace,
        document=_annotation_for_other_team(w),
        actor=w.other_team.reviewer,
    ),
    "app.audit.services.save_versioned_change": lambda w: call(
        "app.audit.services.save_versioned_change",
        instance=w.snapshot.article,
        changed={"title": "Renamed"},
        version=w.snapshot.article.version,
        actor=w.team.reviewer,
        record=partial(events.article_updated, article=w.snapshot.article),
    ),
    "app.audit.services.audit_append": lambda w: call(
        "app.audit.services.audit_append",
        workspace=w.team.workspace,
        actor=w.team.admin,
        event=events.annotations_imported(workspace=w.team.workspace, created=0, skipped=0),
    ),
    "app.audit.services.checkpoint_create": lambda w: call(
        "app.audit.services.checkpoint_create", workspace=w.team.workspace, actor=w.team.editor
    ),
    "app.audit.services.audit_export_record": lambda w: call(
        "app.audit.services.audit_export_record", workspace=w.team.workspace, actor=w.team.viewer
    ),
    "app.members.services.member_deactivate": lambda w: call(
        "app.members.services.member_deactivate",
        membership=_membership(w, w.team.viewer),
        actor=w.team.admin,
    ),
    "app.members.services.member_reactivate": lambda w: call(
        "app.members.services.member_reactivate",
        membership=_deactivated(w),
        actor=w.team.admin,
    ),
    "app.members.services.member_remove": lambda w: call(
        "app.members.services.member_remove",
        membership=_membership(w, w.team.viewer),
        actor=w.team.admin,
    ),
    "app.members.services.member_leave": lambda w: call(
        "app.members.services.member_leave", workspace=w.team.workspace, actor=w.team.viewer
    ),
    "app.members.services.member_password_reset_issue": lambda w: call(
        "app.members.services.member_password_reset_issue",
        membership=_membership(w, w.team.viewer),
        actor=w.team.admin,
    ),
    "app.invitations.services.invitation_create": lambda w: lambda: _invited(w),
    "app.invitations.services.invitation_resend": lambda w: call(
        "app.invitations.services.invitation_resend",
        invitation=_invited(w).invitation,
        actor=w.team.admin,
    ),
    "app.invitations.services.invitation_revoke": lambda w: call(
        "app.invitations.services.invitation_revoke",
        invitation=_invited(w).invitation,
        actor=w.team.admin,
    ),
    "app.invitations.services.invitation_remove_expired": lambda w: _long_expired(w),
    # Opening an expired link records its expiry (and then refuses it).
    "app.invitations.services.invitation_open": lambda w: _open_expired(w),
    "app.invitations.services.invitation_accept": lambda w: call(
        "app.invitations.services.invitation_accept",
        token=_invited(w).token,
        user=w.other_team.viewer,
    ),
    "app.invitations.services.invitation_accept_new_user": lambda w: call(
        "app.invitations.services.invitation_accept_new_user",
        token=_invited(w).token,
        username="newcomer",
        display_name="New",
        password="a long and unusual passphrase",
    ),
}


def _deactivated(w):
    from app.members.services import member_deactivate

    return member_deactivate(membership=_membership(w, w.team.viewer), actor=w.team.admin)


def _invited(w):
    from app.invitations.services import invitation_create

    return invitation_create(
        workspace=w.team.workspace, email="new@example.org", role="editor", actor=w.team.admin
    )


def _long_expired(w):
    import datetime as dt

    from django.utils import timezone

    from app.invitations.models import Invitation

    issued = _invited(w)
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=365)
    )
    return call("app.invitations.services.invitation_remove_expired")


def _open_expired(w):
    import datetime as dt

    from django.utils import timezone

    from app.invitations.models import Invitation
    from app.invitations.services import InvitationUnusable, invitation_open

    issued = _invited(w)
    Invitation.objects.filter(pk=issued.invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    def open_it():
        with pytest.raises(InvitationUnusable):
            invitation_open(token=issued.token)

    return open_it


# Services whose only change is the event itself (recording an export, appending).
EVENT_IS_THE_CHANGE = {
    "app.audit.services.audit_append",
    "app.audit.services.audit_export_record",
    "app.exports.services.export_create",
    # Issuing a reset link stores nothing: Django's reset token is derived, not saved.
    "app.members.services.member_password_reset_issue",
}

# Functions in service modules that change no data, or whose change is not an event.
EXEMPT: dict[str, str] = {
    "app.articles.services.text_sha256": "pure: hashes text",
    "app.articles.services.import_max_bytes": "pure: reads a setting",
    "app.claims.services.clean_tags": "pure: normalizes input",
    "app.claims.services.words_frozen_because": "read-only: the freeze rule in words",
    "app.claims.services.lock_claim": "reads under a row lock for the service that writes",
    "app.claims.services.published_claim_writes": (
        "opens the database's guard for the workflow's own statements; writes nothing itself"
    ),
    "app.articles.services.snapshot_change": "read-only: previews a re-import",
    "app.claims.services.claims_reanchor_preview": "read-only: where a re-import moves claims",
    "app.claims.workflow.pending_verdict": "read-only",
    "app.claims.workflow.pending_retraction": "read-only",
    "app.claims.workflow.available_actions": "read-only",
    "app.claims.workflow.note_pending": (
        "writes nothing: remembers on an instance what a transition left pending"
    ),
    "app.claims.relations.related_claims": "read-only",
    "app.audit.services.actor_record": "pure: describes an actor",
    "app.audit.services.to_jsonable": "pure: converts values",
    "app.audit.services.fields_of": "pure: reads fields",
    "app.audit.services.on_event_appended": "registers a listener at start-up; writes nothing",
    "app.audit.services.on_append_statements": (
        "registers statements that travel with every append at start-up; writes nothing"
    ),
    "app.audit.services.atomic_audited": (
        "a transaction block for services: appends the events they queued, writes nothing else"
    ),
    "app.members.tokens.secret_sha256": "pure: hashes a secret",
    "app.invitations.services.invitation_by_token": "read-only",
    "app.notifications.services.notifications_mark_read": (
        "a reader's own bookkeeping; the events that caused the notifications are in the chain"
    ),
    "app.notifications.services.claim_follow_set": (
        "a reader's own bookmark of a claim, seen by nobody else"
    ),
    "app.notifications.services.notification_preference_set": (
        "a person's own e-mail preference, not workspace data"
    ),
    "app.accounts.services.user_preferences_set": (
        "a person's own language and calendar, not workspace data"
    ),
    "app.members.tokens.api_token_authenticate": (
        "bookkeeping only: notes the token's last use and counts it in the throttle's "
        "window; every change made with the token is audited under the token's name"
    ),
}


def data_fingerprint() -> dict[str, str]:
    """A digest of every table's rows except the audit trail's own."""
    digests = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model is AuditEvent or not model._meta.managed:
                continue
            table = model._meta.db_table
            query = "SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), ''))"
            cursor.execute(f'{query} FROM "{table}" t')
            digests[table] = cursor.fetchone()[0]
    return digests


def test_every_service_function_is_classified():
    services = discovered_services()
    unclassified = sorted(set(services) - set(CALLS) - set(EXEMPT))
    assert unclassified == [], (
        "Classify these service functions in tests/audit/test_every_service_is_audited.py "
        "(a call that changes data, or exempt with a reason):\n" + "\n".join(unclassified)
    )
    assert sorted((set(CALLS) | set(EXEMPT)) - set(services)) == [], "stale entries"


@pytest.mark.parametrize("path", sorted(CALLS))
def test_each_service_that_changes_data_writes_an_audit_event(path, team, other_team, claim):
    world = World(team=team, other_team=other_team, claim=claim, snapshot=claim.snapshot)
    service_call = CALLS[path](world)
    data_before, events_before = data_fingerprint(), AuditEvent.objects.count()
    with transaction.atomic():
        service_call()
    if path not in EVENT_IS_THE_CHANGE:
        assert data_fingerprint() != data_before, f"{path}: the classified call changed nothing"
    assert AuditEvent.objects.count() > events_before, f"{path} changed data without an event"


def test_a_service_that_forgot_its_event_would_be_caught(team, monkeypatch):
    """The walk itself can fail: a member change without its event is noticed."""
    import app.members.services as workspace_services
    from app.workspaces.models import Membership

    monkeypatch.setattr(workspace_services, "audit_append", lambda **kwargs: None)
    before_data, before_events = data_fingerprint(), AuditEvent.objects.count()
    membership = Membership.objects.get(workspace=team.workspace, user=team.viewer)
    workspace_services.member_change_role(membership=membership, role="reviewer", actor=team.admin)
    assert data_fingerprint() != before_data
    assert AuditEvent.objects.count() == before_events
