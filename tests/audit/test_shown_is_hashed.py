"""What people are shown of the trail is what was hashed.

An event's columns are copies of its canonical text for querying: the database refuses
to insert a row whose copies disagree, and every page, API response and CSV line takes
the event's fields from the canonical text, so a column changed behind the triggers'
back shows nothing forged.
"""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from app.audit.models import AuditEvent
from tests.db_roles import as_owner

pytestmark = pytest.mark.django_db

COLUMNS = [
    "workspace_id",
    "seq",
    "at",
    "actor_user_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "reason",
    "request_id",
    "prev_hash",
    "hash",
    "canonical",
]


@pytest.mark.parametrize(
    "column, forged",
    [
        ("actor", """'{"type": "user", "id": 1, "username": "someone-else"}'::jsonb"""),
        ("after", """'{"restatement": "forged"}'::jsonb"""),
        ("action", "'claim.deleted'"),
        ("object_id", "'999'"),
        ("reason", "'forged'"),
        ("at", "at + interval '1 day'"),
        ("actor_user_id", "12345"),
        ("hash", "repeat('a', 64)"),
    ],
)
def test_an_event_whose_columns_disagree_with_its_canonical_text_is_refused(claim, column, forged):
    event = AuditEvent.objects.filter(workspace=claim.workspace).latest("seq")
    # The same event again, after itself, with one column saying something else.
    select = ", ".join(
        forged if name == column else "seq + 1" if name == "seq" else name for name in COLUMNS
    )
    with (
        pytest.raises(IntegrityError, match="canonical"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO audit_auditevent ({', '.join(COLUMNS)}) "  # noqa: S608 - test SQL
            f"SELECT {select} FROM audit_auditevent WHERE id = %s",
            [event.pk],
        )


def _forge_columns_behind_the_triggers(event_id: int) -> None:
    """What someone with the table owner's rights could do: edit the copies, not the text."""
    with as_owner(), connection.cursor() as cursor:
        # Superuser-only: no trigger fires in this mode (a runtime role cannot set it).
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET "
            """actor = '{"type": "user", "id": 999, "username": "mallory"}'::jsonb, """
            """after = jsonb_set(after, '{exact}', '"forged quote"'), """
            "reason = 'forged reason' WHERE id = %s",
            [event_id],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_pages_the_api_and_the_csv_show_the_hashed_event_not_forged_columns(client, team, claim):
    event = AuditEvent.objects.get(action="claim.created", object_id=str(claim.pk))
    _forge_columns_behind_the_triggers(event.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT actor->>'username' FROM audit_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone()[0] == "mallory"  # the column really was changed

    client.force_login(team.viewer)
    claim_page = client.get(
        reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})
    ).content.decode()
    timeline = client.get(
        reverse("audit-timeline", kwargs={"slug": team.workspace.slug})
    ).content.decode()
    api = client.get(f"/api/v1/audit/events/?workspace={team.workspace.slug}").json()
    csv = b"".join(
        client.get(
            f"/api/v1/audit/export/?workspace={team.workspace.slug}&format=csv"
        ).streaming_content
    ).decode()
    for shown in (claim_page, timeline, json.dumps(api, ensure_ascii=False), csv):
        assert "mallory" not in shown and "forged" not in shown
        assert team.reviewer.username in shown
