import json

import pytest

from app.audit.models import AuditEvent, Checkpoint
from app.audit.verify import verify_lines

pytestmark = pytest.mark.django_db


def test_events_are_listed_oldest_first_with_summaries(client, team, claim):
    client.force_login(team.viewer)
    response = client.get(f"/api/v1/audit/events/?workspace={team.workspace.slug}")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["seq"] for r in results] == sorted(r["seq"] for r in results)
    assert results[0]["action"] == "workspace.created"
    created = next(r for r in results if r["action"] == "claim.created")
    assert created["summary"].startswith("a-reviewer created claim")


def test_another_workspace_is_404_and_a_missing_one_400(client, team, other_team):
    client.force_login(other_team.viewer)
    assert client.get(f"/api/v1/audit/events/?workspace={team.workspace.slug}").status_code == 404
    assert client.get(f"/api/v1/audit/export/?workspace={team.workspace.slug}").status_code == 404
    missing = client.get("/api/v1/audit/events/")
    assert missing.status_code == 400 and "workspace" in json.dumps(missing.json())


def test_the_api_export_streams_a_verifiable_range(client, team, claim):
    client.force_login(team.viewer)
    response = client.get(
        f"/api/v1/audit/export/?workspace={team.workspace.slug}&from_seq=2&to_seq=4"
    )
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [2, 3, 4]
    assert verify_lines(lines).ok
    assert AuditEvent.objects.filter(action="audit.exported").count() == 1


def test_a_bad_export_range_is_a_400_naming_the_field(client, team):
    client.force_login(team.viewer)
    response = client.get(
        f"/api/v1/audit/export/?workspace={team.workspace.slug}&from_seq=0&format=xml"
    )
    assert response.status_code == 400
    text = json.dumps(response.json())
    assert "from_seq" in text and "format" in text
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_checkpoints_are_created_by_editors_and_listed_for_viewers(client, team):
    url = f"/api/v1/audit/checkpoints/?workspace={team.workspace.slug}"
    client.force_login(team.viewer)
    assert client.post(url).status_code == 403
    client.force_login(team.editor)
    created = client.post(url)
    assert created.status_code == 201 and created.json()["algorithm"] == "Ed25519"
    client.force_login(team.viewer)
    listed = client.get(url).json()["results"]
    assert [c["seq"] for c in listed] == [created.json()["seq"]]
    assert Checkpoint.objects.count() == 1


def test_the_public_key_needs_no_sign_in(client):
    response = client.get("/api/v1/audit/public-key/")
    assert response.status_code == 200
    assert (
        response.json()["algorithm"] == "Ed25519" and "BEGIN PUBLIC KEY" in response.json()["pem"]
    )
