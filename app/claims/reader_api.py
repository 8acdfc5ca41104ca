"""The reader in one request: a snapshot's text with all its claims, cached.

The rendered JSON is kept in the `reader` cache (shared by every worker) under the
snapshot and the workspace's claims version. Every change to a claim is an audit event
in its transaction, so a listener on the trail bumps the version, once the change has
committed: a reader that rendered the old claims before the commit can only store them
under the old version, which nobody asks for again.
"""

import time

from django.core.cache import caches
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from app.api.renderers import ORJSONRenderer, render_json
from app.api.schema import SLUG, example
from app.articles.models import Snapshot
from app.audit.models import AuditEvent
from app.claims.models import Claim
from app.core.errors import NotFound
from app.workspaces.access import workspace_ids_for
from app.workspaces.api_conventions import WorkspaceView

CACHE_ALIAS = "reader"
# The claim label the reader's panel shows (the restatement, else the quote), cut here.
LABEL_LENGTH = 120


def _cache():
    return caches[CACHE_ALIAS]


def _version_key(workspace_id: int) -> str:
    return f"claims-version:{int(workspace_id)}"


def claims_version(workspace_id: int) -> int:
    """The workspace's current claims version (started afresh if the cache lost it).

    A lost version restarts at the clock, never at a number used before, so that a
    payload stored under an old version cannot be taken for a current one.
    """
    cache = _cache()
    key = _version_key(workspace_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns())
        version = cache.get(key)
    return version


def claims_changed(workspace_id: int) -> None:
    """Make every cached reader of the workspace stale (called after the commit)."""
    cache = _cache()
    key = _version_key(workspace_id)
    try:
        cache.incr(key)
    except ValueError:  # no version yet: the next reader starts one at the clock
        cache.add(key, time.time_ns())


def bump_on_claim_event(event: AuditEvent) -> None:
    """Audit listener: a claim's event means the workspace's readers are stale."""
    if event.object_type == "claim" or event.action.startswith("claim."):
        workspace_id = event.workspace_id
        transaction.on_commit(lambda: claims_changed(workspace_id), robust=True)


def reader_payload(snapshot: Snapshot, version: int) -> dict:
    """The snapshot and its claims: one query for all the claims, in text order."""
    rows = (
        Claim.objects.filter(workspace_id=snapshot.workspace_id, snapshot_id=snapshot.pk)
        .order_by("start", "end", "id")
        .values_list(
            "id",
            "start",
            "end",
            "exact",
            "status",
            "anchor_state",
            "rating_label",
            "rating_colour",
            "restatement",
        )
    )
    return {
        "snapshot": {
            "id": snapshot.pk,
            "article": snapshot.article_id,
            "number": snapshot.number,
            "text": snapshot.text,
        },
        "claims_version": version,
        "claims": [
            {
                "id": pk,
                "start": start,
                "end": end,
                "exact": exact,
                "status": status,
                "anchor_state": anchor_state,
                "rating": {"label": label, "colour": colour} if label else None,
                "label": (restatement or exact)[:LABEL_LENGTH],
            }
            for pk, start, end, exact, status, anchor_state, label, colour, restatement in rows
        ],
    }


def reader_json(*, user, workspace, article_id: int, snapshot_id: int) -> bytes:
    """The reader's JSON for one of the workspace's snapshots; `NotFound` for any other."""
    found = (
        Snapshot.objects.filter(
            workspace_id__in=workspace_ids_for(user),
            workspace=workspace,
            article_id=article_id,
            pk=snapshot_id,
        )
        .only("id", "workspace_id", "article_id", "number")
        .first()
    )
    if found is None:
        raise NotFound("No such snapshot.")
    version = claims_version(workspace.pk)
    cache = _cache()
    key = f"reader:{found.pk}:{version}"
    body = cache.get(key)
    if body is None:
        found.text = Snapshot.objects.filter(pk=found.pk).values_list("text", flat=True).get()
        body = render_json(reader_payload(found, version))
        cache.set(key, body)
    return body


class ReaderSnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = serializers.IntegerField()
    number = serializers.IntegerField()
    text = serializers.CharField(help_text="The clean text; offsets are code points into it.")


class ReaderRatingSerializer(serializers.Serializer):
    label = serializers.CharField()
    colour = serializers.CharField()


class ReaderClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    start = serializers.IntegerField(help_text="Code points into the snapshot's text.")
    end = serializers.IntegerField(help_text="Code points, exclusive.")
    exact = serializers.CharField()
    status = serializers.CharField()
    anchor_state = serializers.CharField()
    rating = ReaderRatingSerializer(allow_null=True, help_text="The published verdict's words.")
    label = serializers.CharField(help_text="The restatement, else the quote, shortened.")


class ReaderSerializer(serializers.Serializer):
    snapshot = ReaderSnapshotSerializer()
    claims_version = serializers.IntegerField()
    claims = ReaderClaimSerializer(many=True)


class ReaderView(WorkspaceView):
    serializer_class = ReaderSerializer
    renderer_classes = [ORJSONRenderer]

    @extend_schema(
        summary="The reader: a snapshot's text with all its claims, in one request",
        description="Claims in text order with status, the published verdict's label and "
        "colour, and anchors in code points. Cached until a claim of the workspace changes.",
        parameters=[SLUG],
        responses={200: OpenApiResponse(ReaderSerializer)},
        examples=[
            example(
                "Reader",
                {
                    "snapshot": {"id": 20, "article": 7, "number": 1, "text": "The mayor said…"},
                    "claims_version": 3,
                    "claims": [
                        {
                            "id": 41,
                            "start": 0,
                            "end": 9,
                            "exact": "The mayor",
                            "status": "published",
                            "anchor_state": "anchored",
                            "rating": {"label": "False", "colour": "#b3261e"},
                            "label": "The mayor",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request, slug, pk, snapshot_pk):
        body = reader_json(
            user=request.user, workspace=self.workspace, article_id=pk, snapshot_id=snapshot_pk
        )
        return Response(body)  # already rendered: ORJSONRenderer sends the bytes as they are
