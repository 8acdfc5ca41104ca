"""The audit trail over the API: events, exports, checkpoints and the public key.

Thin views over the same selectors and services as the browser; the workspace is
named by `?workspace=<slug>` and must be one of the caller's (404 otherwise).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from app.api.fields import LooseDateField
from app.api.pagination import ordered_by
from app.audit import services, signing
from app.audit.describe import describe
from app.audit.models import AuditEvent, Checkpoint
from app.audit.selectors import checkpoints_for, events_for_workspace
from app.audit.views import export_response
from app.workspaces.api_conventions import WORKSPACE_QUERY, workspace_from_query
from app.workspaces.models import Role


class EventOutSerializer(serializers.ModelSerializer):
    object = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField(help_text="The event in words.")

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "at",
            "actor",
            "action",
            "object",
            "before",
            "after",
            "reason",
            "request_id",
            "prev_hash",
            "hash",
            "summary",
        ]

    def get_object(self, event: AuditEvent) -> dict:
        return {"type": event.object_type, "id": event.object_id}

    def get_summary(self, event: AuditEvent) -> str:
        return describe(event)


class EventFilterSerializer(serializers.Serializer):
    actor = serializers.CharField(required=False, max_length=150)
    action = serializers.CharField(required=False, max_length=64)
    since = LooseDateField(required=False)
    until = LooseDateField(required=False)


class AuditEventListView(ListAPIView):
    serializer_class = EventOutSerializer
    pagination_class = ordered_by("seq")
    queryset = AuditEvent.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        filters = EventFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return events_for_workspace(
            user=self.request.user,
            workspace=workspace_from_query(self.request),
            **filters.validated_data,
        )

    @extend_schema(
        summary="Audit events of a workspace",
        description="Oldest first, cursor-paginated; each with its hash-chain fields.",
        parameters=[WORKSPACE_QUERY, EventFilterSerializer],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _AnyAccept(BaseContentNegotiation):
    """A download's media type is fixed by its address; errors stay JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=services.EXPORT_FORMATS, default="jsonl")
    from_seq = serializers.IntegerField(required=False, min_value=1, max_value=services.SEQ_MAX)
    to_seq = serializers.IntegerField(required=False, min_value=1, max_value=services.SEQ_MAX)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class AuditExportView(APIView):
    content_negotiation_class = _AnyAccept

    @extend_schema(
        summary="Export the audit trail",
        description=(
            "Canonical JSON Lines (verifiable offline) or CSV, streamed. The export is "
            "recorded as an `audit.exported` event first; without `to_seq` it ends with "
            "that event. `since` is inclusive, `until` exclusive."
        ),
        parameters=[WORKSPACE_QUERY, ExportQuerySerializer],
        responses={(200, "application/jsonl"): OpenApiTypes.STR},
    )
    def get(self, request):
        workspace = workspace_from_query(request)
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        arguments = dict(query.validated_data)
        fmt = arguments.pop("format")
        try:
            export = services.audit_export_record(
                workspace=workspace, actor=request.user, fmt=fmt, **arguments
            )
        except DjangoValidationError as error:
            raise exceptions.ValidationError(error.message_dict) from None
        return export_response(export, workspace.slug, fmt)


class CheckpointOutSerializer(serializers.ModelSerializer):
    algorithm = serializers.SerializerMethodField()

    class Meta:
        model = Checkpoint
        fields = [
            "workspace",
            "seq",
            "hash",
            "at",
            "signature",
            "key_id",
            "public_key",
            "algorithm",
        ]

    def get_algorithm(self, checkpoint: Checkpoint) -> str:
        return "Ed25519"


class CheckpointListView(ListAPIView):
    serializer_class = CheckpointOutSerializer
    pagination_class = ordered_by("-seq")
    queryset = Checkpoint.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return checkpoints_for(user=self.request.user, workspace=workspace_from_query(self.request))

    @extend_schema(
        summary="Signed checkpoints of a workspace",
        description="Newest first. Verify with the public key; see docs/audit.md.",
        parameters=[WORKSPACE_QUERY],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Sign a checkpoint now",
        description="Editors and admins; covers the head before its own event.",
        parameters=[WORKSPACE_QUERY],
        request=None,
        responses={201: CheckpointOutSerializer},
    )
    def post(self, request, *args, **kwargs):
        workspace = workspace_from_query(request, Role.EDITOR)
        checkpoint = services.checkpoint_create(workspace=workspace, actor=request.user)
        return Response(CheckpointOutSerializer(checkpoint).data, status=status.HTTP_201_CREATED)


class PublicKeySerializer(serializers.Serializer):
    algorithm = serializers.CharField()
    key_id = serializers.CharField()
    public_key = serializers.CharField(help_text="The 32 raw bytes, base64")
    pem = serializers.CharField()


class PublicKeyView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The checkpoint-signing public key",
        description="Public: anyone may check a checkpoint with it.",
        responses=PublicKeySerializer,
        auth=[],
    )
    def get(self, request):
        return Response(
            {
                "algorithm": "Ed25519",
                "key_id": signing.key_id(),
                "public_key": signing.public_key_base64(),
                "pem": signing.public_key_pem(),
            }
        )
