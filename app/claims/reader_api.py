"""The reader in one request: a snapshot's text with all its claims, cached.

The rendered JSON is kept in the `reader` cache (shared by every worker) under the
snapshot and the workspace's claims version (`ReaderVersion`). Every change to a claim
is an audit event in its transaction, and the version is bumped by a statement sent in
the same round trip as that event, so it commits exactly with the change: a reader that
read the old version renders at most the old claims (or the new ones) under the old
key, which nobody asks for once the new version is visible.
"""

from django.core.cache import caches
from django.db.models import Subquery
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from app.api.renderers import ORJSONRenderer, render_json
from app.api.schema import SLUG, example
from app.articles.models import Snapshot
from app.audit.events import PendingEvent
from app.claims.models import ArticleClaimsVersion, Claim, ReaderVersion
from app.core.errors import NotFound
from app.workspaces.access import workspace_ids_for
from app.workspaces.api_conventions import WorkspaceView

CACHE_ALIAS = "reader"
# The claim label the reader's panel shows (the restatement, else the quote), cut here.
LABEL_LENGTH = 120


def claims_version(workspace_id: int) -> int:
    """The workspace's claims version: 0 until a claim first changes."""
    found = ReaderVersion.objects.filter(workspace_id=workspace_id).values_list(
        "version", flat=True
    )
    return next(iter(found), 0)


def article_claims_version(article_id: int) -> int:
    """The article's claims version: 0 until one of its claims first changes."""
    found = ArticleClaimsVersion.objects.filter(article_id=article_id).values_list(
        "version", flat=True
    )
    return next(iter(found), 0)


def version_bumps(appended: list[tuple[int, PendingEvent]]) -> list[str]:
    """Audit round-trip statements: one bump per workspace whose claims an event changed,
    and one statement bumping every article those claims are on (found by the claims'
    ids: a new claim is already in the table when its event is appended)."""
    table = ReaderVersion._meta.db_table
    workspaces = sorted(
        {
            int(workspace_id)
            for workspace_id, event in appended
            if event.object_type == "claim" or str(event.action).startswith("claim.")
        }
    )
    statements = [
        f"INSERT INTO {table} (workspace_id, version) VALUES ({w}, 1) "  # noqa: S608 - ints
        f"ON CONFLICT (workspace_id) DO UPDATE SET version = {table}.version + 1"
        for w in workspaces
    ]
    claims = sorted({int(event.object_id) for _, event in appended if event.object_type == "claim"})
    if claims:
        articles = ArticleClaimsVersion._meta.db_table
        ids = ", ".join(str(pk) for pk in claims)
        statements.append(
            f"INSERT INTO {articles} (article_id, workspace_id, version) "  # noqa: S608 - ints
            f"SELECT DISTINCT article_id, workspace_id, 1 FROM {Claim._meta.db_table} "
            f"WHERE id IN ({ids}) "
            f"ON CONFLICT (article_id) DO UPDATE SET version = {articles}.version + 1"
        )
    return statements


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
    version = ReaderVersion.objects.filter(workspace_id=workspace.pk).values("version")
    found = (
        Snapshot.objects.filter(
            workspace_id__in=workspace_ids_for(user),
            workspace=workspace,
            article_id=article_id,
            pk=snapshot_id,
        )
        .only("id", "workspace_id", "article_id", "number")
        .annotate(claims_version=Subquery(version))  # read before the claims are
        .first()
    )
    if found is None:
        raise NotFound("No such snapshot.")
    version = found.claims_version or 0
    cache = caches[CACHE_ALIAS]
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
