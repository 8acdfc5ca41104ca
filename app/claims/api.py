"""API of claims, their workflow actions and comments: thin views over the services.

Claim writes are optimistic-locked: the `ETag` of a claim is its version, and
every write needs it back in `If-Match` (428 without it, 412 when stale).
"""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import IF_MATCH, etag, if_match_version, validated
from app.api.filters import UtcDateTimeFilter
from app.api.pagination import ordered_by
from app.api.renderers import ORJSONRenderer
from app.api.schema import SLUG, example, page_of
from app.articles.selectors import snapshot_get
from app.claims import services, workflow
from app.claims.models import Claim, ClaimantType, ClaimStatus, Comment, Retraction, Verdict
from app.claims.selectors import claim_get, claim_list
from app.core.markdown import render_markdown
from app.members.api import UserRefSerializer
from app.workspaces.api_conventions import WorkspaceView
from app.workspaces.selectors import member_user

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description='The claim\'s version, quoted (e.g. `"4"`); send it back in If-Match.',
)


class SelectorSerializer(serializers.Serializer):
    """One W3C Web Annotation selector; positions count Unicode code points."""

    type = serializers.ChoiceField(choices=["TextPositionSelector", "TextQuoteSelector"])
    start = serializers.IntegerField(required=False, min_value=0)
    end = serializers.IntegerField(required=False, min_value=0)
    exact = serializers.CharField(required=False, trim_whitespace=False)
    prefix = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    suffix = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)

    def validate(self, data):
        if data["type"] == "TextPositionSelector":
            missing = [name for name in ("start", "end") if name not in data]
        else:
            missing = [name for name in ("exact",) if name not in data]
        if missing:
            raise serializers.ValidationError(
                {name: [f"A {data['type']} needs `{name}`."] for name in missing}
            )
        return data


class VerdictRatingSerializer(serializers.Serializer):
    """The published verdict's rating in the words it was approved with."""

    id = serializers.IntegerField(source="rating_id")
    label = serializers.CharField(source="rating_label")
    value = serializers.IntegerField(source="rating_value", allow_null=True)
    colour = serializers.CharField(source="rating_colour")
    best = serializers.IntegerField(source="rating_best", allow_null=True)
    worst = serializers.IntegerField(source="rating_worst", allow_null=True)


class ClaimSerializer(serializers.ModelSerializer):
    selectors = SelectorSerializer(many=True, read_only=True)
    rating = serializers.SerializerMethodField()
    assignee = UserRefSerializer(read_only=True, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)

    @extend_schema_field(VerdictRatingSerializer(allow_null=True))
    def get_rating(self, claim: Claim) -> dict | None:
        return VerdictRatingSerializer(claim).data if claim.rating_label else None

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "snapshot",
            "selectors",
            "anchor_state",
            "restatement",
            "claimant",
            "claimant_type",
            "status",
            "rating",
            "verdict_summary",
            "assignee",
            "tags",
            "version",
            "created_by",
            "created_at",
            "updated_at",
        ]


class ClaimDetailSerializer(ClaimSerializer):
    available_actions = serializers.SerializerMethodField(
        help_text="Workflow actions you may take on the claim now; each is the last segment "
        "of its endpoint, `claims/<id>/<action>/`."
    )

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "available_actions"]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(workflow.ACTIONS)))
    def get_available_actions(self, claim: Claim) -> list[str]:
        return sorted(workflow.available_actions(claim=claim, user=self.context["request"].user))


class ClaimCreateSerializer(serializers.Serializer):
    snapshot = serializers.IntegerField(help_text="The snapshot the selectors point into.")
    selectors = SelectorSerializer(many=True, min_length=1, max_length=2)
    restatement = serializers.CharField(required=False, allow_blank=True, default="")
    claimant = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=50
    )


class ClaimUpdateSerializer(serializers.Serializer):
    restatement = serializers.CharField(required=False, allow_blank=True)
    claimant = serializers.CharField(required=False, allow_blank=True, max_length=300)
    claimant_type = serializers.ChoiceField(
        choices=ClaimantType.choices,
        required=False,
        help_text="ClaimReview's author of the claim: Person or Organization.",
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=50
    )


class ProposeSerializer(serializers.Serializer):
    rating = serializers.IntegerField(help_text="A current rating of the workspace's scale.")
    summary = serializers.CharField()


class CorrectSerializer(ProposeSerializer):
    correction_note = serializers.CharField(help_text="What changed and why.")
    restatement = serializers.CharField(
        required=False, allow_blank=True, help_text="The claim reworded; left out, it stays."
    )
    claimant = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text="Left out, it stays."
    )


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AssignSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        allow_null=True, help_text="A reviewer's user id, or null to unassign."
    )


class CommentSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)
    body_html = serializers.SerializerMethodField(help_text="The Markdown body, sanitized.")

    class Meta:
        model = Comment
        fields = ["id", "claim", "author", "body", "body_html", "created_at"]

    def get_body_html(self, comment: Comment) -> str:
        return str(render_markdown(comment.body))


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(help_text="Markdown.")


class ClaimFilter(django_filters.FilterSet):
    article = django_filters.NumberFilter(field_name="article_id")
    snapshot = django_filters.NumberFilter(field_name="snapshot_id")
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    rating = django_filters.NumberFilter(field_name="rating_id", help_text="Verdict rating id.")
    verdict = django_filters.CharFilter(
        field_name="rating_label",
        lookup_expr="iexact",
        help_text="Verdict label as published, e.g. False.",
    )
    assignee = django_filters.NumberFilter(field_name="assignee_id", help_text="User id.")
    tag = django_filters.CharFilter(method="filter_tag", help_text="Claims with this tag.")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = UtcDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    updated_before = UtcDateTimeFilter(field_name="updated_at", lookup_expr="lt")

    class Meta:
        model = Claim
        fields = []

    def filter_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value])


CLAIM_EXAMPLE = {
    "id": 31,
    "article": 12,
    "snapshot": 20,
    "selectors": [
        {"type": "TextPositionSelector", "start": 0, "end": 9},
        {"type": "TextQuoteSelector", "exact": "The mayor", "prefix": "", "suffix": " said rid"},
    ],
    "anchor_state": "anchored",
    "restatement": "Ridership rose 12% in 2025.",
    "claimant": "The mayor",
    "claimant_type": "Person",
    "status": "in_review",
    "rating": None,
    "verdict_summary": "",
    "assignee": {"id": 3, "username": "maryam", "display_name": "Maryam"},
    "tags": ["transport"],
    "version": 4,
    "created_by": 3,
    "created_at": "2025-06-18T09:40:00.000000Z",
    "updated_at": "2025-06-18T10:02:00.000000Z",
}
CLAIM_DETAIL_EXAMPLE = {**CLAIM_EXAMPLE, "available_actions": ["assign", "propose"]}


_DATETIME = serializers.DateTimeField()  # its output format, without a serializer around it


def _text(value) -> str:
    return value if type(value) is str else str(value)  # a choice's enum member, as its value


def claim_item(claim: Claim) -> dict:
    """What `ClaimSerializer` makes of `claim`, without building the serializer.

    DRF builds a ModelSerializer's nested fields anew for every instance (about a
    millisecond a write, a third of a 50-claim list page's CPU). The serializer stays the
    documented shape (schema); tests/api/test_claim_body.py checks that both give the
    same for claims in every state, one at a time and as a list page.
    """
    assignee = claim.assignee if claim.assignee_id is not None else None
    return {
        "id": claim.pk,
        "article": claim.article_id,
        "snapshot": claim.snapshot_id,
        "selectors": claim.selectors,
        "anchor_state": _text(claim.anchor_state),
        "restatement": _text(claim.restatement),
        "claimant": _text(claim.claimant),
        "claimant_type": _text(claim.claimant_type),
        "status": _text(claim.status),
        "rating": {
            "id": claim.rating_id,
            "label": _text(claim.rating_label),
            "value": claim.rating_value,
            "colour": _text(claim.rating_colour),
            "best": claim.rating_best,
            "worst": claim.rating_worst,
        }
        if claim.rating_label
        else None,
        "verdict_summary": _text(claim.verdict_summary),
        "assignee": None
        if assignee is None
        else {
            "id": assignee.pk,
            "username": _text(assignee.username),
            "display_name": _text(assignee.display_name),
        },
        "tags": [_text(tag) for tag in claim.tags],
        "version": claim.version,
        "created_by": claim.created_by_id,
        "created_at": _DATETIME.to_representation(claim.created_at),
        "updated_at": _DATETIME.to_representation(claim.updated_at),
    }


def claim_body(claim: Claim, *, user) -> dict:
    """What `ClaimDetailSerializer` makes of `claim` (the write responses' body)."""
    return {
        **claim_item(claim),
        "available_actions": sorted(workflow.available_actions(claim=claim, user=user)),
    }


def _claim_response(request, claim: Claim, code: int = status.HTTP_200_OK) -> Response:
    body = claim_body(claim, user=request.user)
    return Response(body, status=code, headers={"ETag": etag(claim.version)})


class ClaimListView(WorkspaceView, ListAPIView):
    queryset = Claim.objects.none()
    serializer_class = ClaimSerializer
    renderer_classes = [ORJSONRenderer]  # pages of up to 200 claims
    pagination_class = ordered_by("-id")
    filterset_class = ClaimFilter

    def scoped_queryset(self):
        return claim_list(user=self.request.user, workspace=self.workspace)

    @extend_schema(
        summary="Claims, newest first, filterable",
        parameters=[SLUG],
        examples=[example("Claims", page_of(CLAIM_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        """The page's claims as `ClaimSerializer` shapes them (`claim_item`)."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([claim_item(claim) for claim in page])

    @extend_schema(
        summary="Highlight a claim (reviewers and above)",
        description="Anchor by a TextPositionSelector (code points, end exclusive) whose "
        "text must equal a TextQuoteSelector's `exact` when both are given, or by a "
        "TextQuoteSelector alone (found by its quote and context).",
        parameters=[SLUG],
        request=ClaimCreateSerializer,
        responses={201: ClaimDetailSerializer},
        examples=[
            example(
                "Both selectors",
                {
                    "snapshot": 20,
                    "selectors": [
                        {"type": "TextPositionSelector", "start": 0, "end": 9},
                        {"type": "TextQuoteSelector", "exact": "The mayor"},
                    ],
                    "claimant": "The mayor",
                    "tags": ["transport"],
                },
                request=True,
            ),
            example(
                "Quote only",
                {
                    "snapshot": 20,
                    "selectors": [
                        {"type": "TextQuoteSelector", "exact": "قرارداد", "prefix": "گفت: "}
                    ],
                },
                request=True,
            ),
            example("Created", CLAIM_DETAIL_EXAMPLE, status=201),
        ],
    )
    def post(self, request, slug):
        data = validated(ClaimCreateSerializer, request)
        snapshot = snapshot_get(
            user=request.user,
            workspace=self.workspace,
            pk=data["snapshot"],
            fields=services.SNAPSHOT_FIELDS_FOR_ANCHORING,
        )
        claim = services.claim_create_from_selectors(
            workspace=self.workspace,
            snapshot=snapshot,
            selectors=[dict(selector) for selector in data["selectors"]],
            restatement=data["restatement"],
            claimant=data["claimant"],
            tags=data["tags"],
            actor=request.user,
        )
        # Just created: no verdict or retraction can be pending, so the response's
        # `available_actions` need not look for one.
        workflow.note_pending(claim, verdict=None, retraction=None)
        return _claim_response(request, claim, status.HTTP_201_CREATED)


class _OneClaim(WorkspaceView):
    serializer_class = ClaimDetailSerializer

    _claim: Claim | None = None
    # The claim's columns the handler needs (all, with its article and assignee, if empty).
    claim_fields: tuple[str, ...] = ()

    def claim(self) -> Claim:
        # Read once per request: `initial` checks it exists before the body is read,
        # the handler then uses the same row.
        if self._claim is None:
            self._claim = claim_get(
                user=self.request.user,
                workspace=self.workspace,
                pk=self.kwargs["pk"],
                fields=self.claim_fields,
            )
        return self._claim


class ClaimDetailView(_OneClaim):
    @extend_schema(
        summary="One claim, with its ETag",
        parameters=[SLUG, ETAG_HEADER],
        examples=[example("Claim", CLAIM_DETAIL_EXAMPLE)],
    )
    def get(self, request, slug, pk):
        return _claim_response(request, self.claim())

    @extend_schema(
        summary="Edit restatement, claimant or tags (reviewers and above)",
        parameters=[SLUG, IF_MATCH, ETAG_HEADER],
        request=ClaimUpdateSerializer,
        responses={200: ClaimDetailSerializer},
        examples=[
            example("New restatement", {"restatement": "Ridership rose 12%."}, request=True),
            example("Updated", CLAIM_DETAIL_EXAMPLE),
        ],
    )
    def patch(self, request, slug, pk):
        claim = self.claim()
        version = if_match_version(request, claim.version)
        data = validated(ClaimUpdateSerializer, request)
        claim = services.claim_update(claim=claim, version=version, actor=request.user, **data)
        return _claim_response(request, claim)


class _ClaimActionView(_OneClaim):
    """A workflow transition: POST, If-Match, the claim back with its new ETag."""

    input_serializer: type[serializers.Serializer] | None = None
    # Before the transition only whether the claim is the caller's (404) and its version
    # (If-Match) are needed: the service locks and reads the row itself.
    claim_fields = ("id", "workspace_id", "version")

    def post(self, request, slug, pk):
        claim = self.claim()
        version = if_match_version(request, claim.version)
        data = validated(self.input_serializer, request) if self.input_serializer else {}
        done = self.perform(claim, version, data)
        # The service returns the claim it locked and changed (or a verdict or retraction
        # of it), with its assignee and what is pending now: the response reads nothing.
        return _claim_response(request, done if isinstance(done, Claim) else done.claim)

    def perform(self, claim: Claim, version: int, data: dict) -> Claim | Verdict | Retraction:
        raise NotImplementedError


def _action_schema(summary: str, description: str, request=None, request_example=None):
    examples = [example("The claim after the action", CLAIM_DETAIL_EXAMPLE)]
    if request_example is not None:
        examples.insert(0, example(summary, request_example, request=True))
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[SLUG, IF_MATCH, ETAG_HEADER],
        request=request,
        responses={200: ClaimDetailSerializer},
        examples=examples,
    )


class StartReviewView(_ClaimActionView):
    @_action_schema("Start review", "open → in_review; assigns you if nobody is assigned.")
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.claim_start_review(claim=claim, version=version, actor=self.request.user)


class ProposeView(_ClaimActionView):
    input_serializer = ProposeSerializer

    @_action_schema(
        "Propose a verdict",
        "in_review → verdict_proposed. Needs at least one evidence link; another editor "
        "has to approve it. A published claim is corrected instead (`correct`).",
        ProposeSerializer,
        {"rating": 6, "summary": "Official figures show a 4% rise, not 12%."},
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.verdict_propose(
            claim=claim, version=version, actor=self.request.user, **data
        )


class CorrectView(_ClaimActionView):
    input_serializer = CorrectSerializer
    write_role = workflow.LEAST_ROLE[workflow.CORRECT]

    @_action_schema(
        "Propose a correction (editors)",
        "For a published claim: a new verdict with a mandatory correction note, which may "
        "also reword the restatement and claimant; another editor approves it.",
        CorrectSerializer,
        {"rating": 5, "summary": "Revised figures: 10%.", "correction_note": "New data."},
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.verdict_correct(
            claim=claim, version=version, actor=self.request.user, **data
        )


class ApproveView(_ClaimActionView):
    write_role = workflow.LEAST_ROLE[workflow.APPROVE]

    @_action_schema(
        "Approve and publish",
        "Editors other than the proposer (four-eyes rule): the pending verdict is published.",
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.verdict_approve(claim=claim, version=version, actor=self.request.user)


class ReturnView(_ClaimActionView):
    input_serializer = ReturnSerializer

    @_action_schema(
        "Send a proposal back",
        "An editor, or the proposer withdrawing; a reason is required.",
        ReturnSerializer,
        {"reason": "The second source is an opinion piece."},
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.verdict_return(
            claim=claim, version=version, reason=data["reason"], actor=self.request.user
        )


class RetractSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the fact-check is retracted; shown publicly.")


class RetractView(_ClaimActionView):
    input_serializer = RetractSerializer
    write_role = workflow.LEAST_ROLE[workflow.RETRACT]

    @_action_schema(
        "Propose a retraction (editors)",
        "For a published claim: withdraw it with a public reason; another editor approves.",
        RetractSerializer,
        {"reason": "The quoted statement was misattributed."},
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.claim_retract(
            claim=claim, version=version, reason=data["reason"], actor=self.request.user
        )


class ApproveRetractionView(_ClaimActionView):
    write_role = workflow.LEAST_ROLE[workflow.APPROVE_RETRACTION]

    @_action_schema(
        "Approve a retraction",
        "Editors other than the proposer: the claim becomes `retracted` for good.",
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.retraction_approve(claim=claim, version=version, actor=self.request.user)


class ReturnRetractionView(_ClaimActionView):
    input_serializer = ReturnSerializer
    write_role = workflow.LEAST_ROLE[workflow.RETURN_RETRACTION]

    @_action_schema(
        "Send a retraction back",
        "Editors; a reason is required. The fact-check stays published.",
        ReturnSerializer,
        {"reason": "The correction route fits better."},
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        return workflow.retraction_return(
            claim=claim, version=version, reason=data["reason"], actor=self.request.user
        )


class AssignView(_ClaimActionView):
    input_serializer = AssignSerializer

    @_action_schema(
        "Assign the claim",
        "To a reviewer, editor or admin of the workspace, or to nobody.",
        AssignSerializer,
        {"assignee": 3},
    )
    def post(self, request, slug, pk):
        return super().post(request, slug, pk)

    def perform(self, claim, version, data):
        assignee = None
        if data["assignee"] is not None:
            assignee = member_user(
                user=self.request.user, workspace=self.workspace, user_id=data["assignee"]
            )
            if assignee is None:
                raise serializers.ValidationError({"assignee": [_("No such member.")]})
        return workflow.claim_assign(
            claim=claim, version=version, assignee=assignee, actor=self.request.user
        )


COMMENT_EXAMPLE = {
    "id": 5,
    "claim": 31,
    "author": {"id": 3, "username": "maryam", "display_name": "Maryam"},
    "body": "The **2024** report says otherwise.",
    "body_html": "<p>The <strong>2024</strong> report says otherwise.</p>",
    "created_at": "2025-06-18T10:05:00.000000Z",
}


class CommentListView(_OneClaim, ListAPIView):
    queryset = Comment.objects.none()
    serializer_class = CommentSerializer
    pagination_class = ordered_by("id")

    def scoped_queryset(self):
        return self.claim().comments.select_related("author")

    @extend_schema(
        summary="Comments on a claim, oldest first",
        parameters=[SLUG],
        examples=[example("Comments", page_of(COMMENT_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Comment on a claim (reviewers and above)",
        parameters=[SLUG],
        request=CommentCreateSerializer,
        responses={201: CommentSerializer},
        examples=[
            example("Markdown", {"body": "The **2024** report says otherwise."}, request=True),
            example("Added", COMMENT_EXAMPLE, status=201),
        ],
    )
    def post(self, request, slug, pk):
        data = validated(CommentCreateSerializer, request)
        comment = services.comment_add(claim=self.claim(), body=data["body"], actor=request.user)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
