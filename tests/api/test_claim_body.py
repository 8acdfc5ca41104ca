"""A claim write answers with the claim as it now is, in the serializer's shape.

The create and every workflow action build their response from the instance the service
wrote (`claim_body`, no read back, no serializer): each answer here must equal what
`ClaimDetailSerializer` makes of the claim read afresh from the database afterwards.
"""

import json
from types import SimpleNamespace

import pytest
from rest_framework.renderers import JSONRenderer

from app.claims.api import ClaimDetailSerializer, ClaimSerializer
from app.claims.models import Claim, Rating
from app.claims.selectors import claim_get, claim_list
from tests.exports.conftest import cite

pytestmark = pytest.mark.django_db


def _as_read_afresh(claim_id: int, team, user) -> dict:
    claim = claim_get(user=user, workspace=team.workspace, pk=claim_id)
    data = ClaimDetailSerializer(claim, context={"request": SimpleNamespace(user=user)}).data
    return json.loads(JSONRenderer().render(data))


def _post(client, url, data=None, version=None, code=200) -> dict:
    headers = {} if version is None else {"HTTP_IF_MATCH": f'"{version}"'}
    response = client.post(url, data or {}, format="json", **headers)
    assert response.status_code == code, response.content
    assert response["ETag"] == f'"{response.json()["version"]}"'
    return response.json()


def test_every_write_answers_with_what_a_fresh_read_shows(as_member, ws_url, english_article, team):
    reviewer, editor, other_editor = as_member("reviewer"), as_member("editor"), as_member("admin")
    text = english_article.snapshot.text
    start = text.index("ridership")
    created = _post(
        reviewer,
        ws_url("claims/"),
        {
            "snapshot": english_article.snapshot.pk,
            "selectors": [
                {"type": "TextPositionSelector", "start": start, "end": start + 9},
                {"type": "TextQuoteSelector", "exact": "ridership"},
            ],
            "claimant": "The mayor",
            "tags": ["transport", " Transport ", "budget"],
        },
        code=201,
    )
    assert created == _as_read_afresh(created["id"], team, team.reviewer)
    assert created["tags"] == ["transport", "budget"]

    url = ws_url(f"claims/{created['id']}/")
    claim = Claim.objects.get(pk=created["id"])
    cite(claim, team, "https://stats.example.org/ridership", "refutes")
    rating = Rating.objects.get(workspace=team.workspace, label="False")
    steps = [
        (reviewer, team.reviewer, "assign/", {"assignee": team.editor.pk}),
        (reviewer, team.reviewer, "start-review/", None),
        (reviewer, team.reviewer, "propose/", {"rating": rating.pk, "summary": "No."}),
        (editor, team.editor, "approve/", None),
        (
            editor,
            team.editor,
            "correct/",
            {"rating": rating.pk, "summary": "Still no.", "correction_note": "New figures."},
        ),
        (other_editor, team.admin, "return/", {"reason": "Not yet."}),
        (editor, team.editor, "retract/", {"reason": "Misattributed."}),
        (other_editor, team.admin, "return-retraction/", {"reason": "Correct it instead."}),
        (editor, team.editor, "retract/", {"reason": "Misattributed after all."}),
        (other_editor, team.admin, "approve-retraction/", None),
    ]
    version = created["version"]
    for client, user, action, data in steps:
        answered = _post(client, url + action, data, version=version)
        assert answered == _as_read_afresh(created["id"], team, user), action
        assert answered["version"] == version + 1, action
        version = answered["version"]
    assert answered["status"] == "retracted"
    assert answered["rating"]["label"] == "False"
    assert answered["assignee"]["id"] == team.editor.pk

    # The list builds its items without the serializer too (`claim_item`): the same shape
    # for this claim in its final state and for a plain one.
    plain = _post(
        reviewer,
        ws_url("claims/"),
        {
            "snapshot": english_article.snapshot.pk,
            "selectors": [{"type": "TextQuoteSelector", "exact": "The mayor"}],
        },
        code=201,
    )
    listed = reviewer.get(ws_url("claims/")).json()["results"]
    claims = claim_list(user=team.reviewer, workspace=team.workspace).order_by("-id")
    assert [item["id"] for item in listed] == [plain["id"], created["id"]]
    assert listed == json.loads(JSONRenderer().render(ClaimSerializer(claims, many=True).data))
