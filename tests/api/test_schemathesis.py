"""The API against its own OpenAPI schema, with Schemathesis generating the requests.

Every operation gets a bounded number of generated requests, sent through the WSGI
app as a reviewer's token; each response must not be a 5xx and must match the
schema (status code, content type, headers, body). Path ids are mostly swapped for
real ones of the workspace, so the requests reach the code behind the 404s.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.claims.evidence import evidence_add_with_source
from tests.api.conftest import issue_token

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON, as a client would read it (drops Python-only types such as Decimal).
    import json

    from rest_framework.utils.encoders import JSONEncoder

    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, cls=JSONEncoder)))
    schema.app = get_wsgi_application()
    return schema


@override_settings(SANAD_API_TOKEN_RATE="100000/hour")
@pytest.mark.slow
def test_every_operation_answers_as_its_schema_says(team, claim, english_article, capsys):
    evidence = evidence_add_with_source(
        claim=claim, url="https://stats.example.org/t", stance="refutes", actor=team.reviewer
    )
    real_ids = {
        "claims": claim.pk,
        "articles": english_article.article.pk,
        "snapshots": english_article.snapshot.pk,
        "sources": evidence.source_id,
        "ratings": team.workspace.ratings.first().pk,
        "members": team.workspace.memberships.first().pk,
    }
    headers = {"Authorization": f"Bearer {issue_token(team.reviewer, team.workspace)}"}
    requests_made: dict[str, int] = {}

    def aim(case) -> None:
        """Point the generated request at the team's workspace and, mostly, real objects."""
        params = case.path_parameters or {}
        if "slug" in params:
            params["slug"] = team.workspace.slug
        if "id" in params and isinstance(params["id"], int) and params["id"] % 4 != 0:
            segments = case.operation.path.split("/")
            collection = segments[segments.index("{id}") - 1]
            params["id"] = real_ids.get(collection, params["id"])

    def runner(operation):
        label = f"{operation.method.upper()} {operation.path}"

        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        )
        def run(case):
            aim(case)
            case.call_and_validate(headers=headers, checks=CHECKS)
            requests_made[label] = requests_made.get(label, 0) + 1

        return run

    # Django's WSGI handler closes the database connection after each request, which
    # would end the test's transaction; the test client avoids that the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for result in _schema().get_all_operations():
            runner(result.ok())()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)

    total = sum(requests_made.values())
    with capsys.disabled():
        print(f"\nschemathesis: {total} requests over {len(requests_made)} operations")
    assert len(requests_made) >= 30
    assert total >= len(requests_made) * 3
