"""Reconciliation over the API, for editors: `GET /api/v1/audit/reconcile/?workspace=`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from app.operations.reconcile import workspace_reconcile
from app.workspaces.api_conventions import WORKSPACE_QUERY, workspace_from_query
from app.workspaces.models import Role


class ReconcileView(APIView):
    @extend_schema(
        summary="Compare live data with what the audit trail says (editors)",
        description="Replays the workspace's trail into the state it implies for claims, "
        "evidence, articles and snapshots, and lists every live field that differs "
        "(`drift`: object, field, trail value, live value, last event's seq).",
        parameters=[WORKSPACE_QUERY],
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Drift found",
                {
                    "workspace": "desk",
                    "ok": False,
                    "checked": {"claim": 2, "evidence": 1, "article": 1, "snapshot": 1},
                    "events": 12,
                    "drift": [
                        {
                            "object_type": "claim",
                            "object_id": "31",
                            "field": "rating_id",
                            "trail": 6,
                            "live": 1,
                            "last_seq": 11,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        workspace = workspace_from_query(request, role=Role.EDITOR)
        return Response(workspace_reconcile(workspace=workspace).as_dict())
