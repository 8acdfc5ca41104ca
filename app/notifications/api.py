"""API of one person's work and notifications in a workspace (thin views over selectors)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import validated
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.notifications.models import Notification
from app.notifications.selectors import my_work, notification_list
from app.notifications.services import notifications_mark_read
from app.workspaces.api_conventions import WorkspaceView
from app.workspaces.models import Role


class _UserRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class _ClaimRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    exact = serializers.CharField(read_only=True)
    article = serializers.IntegerField(source="article_id", read_only=True)


class _VerdictRef(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    claim = _ClaimRef(read_only=True)
    rating = serializers.CharField(source="rating.label", read_only=True)
    summary = serializers.CharField(read_only=True)
    is_correction = serializers.BooleanField(read_only=True)
    proposed_by = _UserRef(read_only=True)
    proposed_at = serializers.DateTimeField(read_only=True)
    return_reason = serializers.CharField(read_only=True)


class MyWorkSerializer(serializers.Serializer):
    assigned = _ClaimRef(many=True, read_only=True)
    awaiting_approval = _VerdictRef(many=True, read_only=True)
    returned = _VerdictRef(many=True, read_only=True)
    following = _ClaimRef(many=True, read_only=True)


class NotificationOutSerializer(serializers.ModelSerializer):
    actor = _UserRef(read_only=True, allow_null=True)
    claim = serializers.IntegerField(source="claim_id", read_only=True, allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "actor", "claim", "detail", "event_seq", "created_at", "read"]

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="Notifications to mark read; all unread ones when left out.",
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


CLAIM_REF = {"id": 12, "status": "in_review", "exact": "ridership rose 12%", "article": 3}
VERDICT_REF = {
    "id": 5,
    "claim": {**CLAIM_REF, "status": "verdict_proposed"},
    "rating": "Mostly false",
    "summary": "The figures show a 2% rise.",
    "is_correction": False,
    "proposed_by": {"id": 4, "username": "reza", "display_name": "Reza"},
    "proposed_at": "2025-06-18T09:30:00.000000Z",
    "return_reason": "",
}


class MyWorkView(WorkspaceView):
    serializer_class = MyWorkSerializer

    @extend_schema(
        summary="My work in the workspace",
        description="Claims assigned to you and not yet published, proposals by others "
        "awaiting your approval (editors and admins), and your proposals returned to you "
        "with the reason, and the claims you follow. Each list holds at most 200 items.",
        parameters=[SLUG],
        examples=[
            example(
                "My work",
                {
                    "assigned": [CLAIM_REF],
                    "awaiting_approval": [VERDICT_REF],
                    "returned": [],
                    "following": [],
                },
            )
        ],
    )
    def get(self, request, slug):
        work = my_work(user=request.user, workspace=self.workspace)
        return Response(self.get_serializer(work).data)


class NotificationListView(WorkspaceView, ListAPIView):
    queryset = Notification.objects.none()
    serializer_class = NotificationOutSerializer
    pagination_class = ordered_by("-created_at", "-id")

    def scoped_queryset(self):
        return notification_list(user=self.request.user, workspace=self.workspace)

    @extend_schema(
        summary="My notifications in the workspace",
        parameters=[SLUG],
        examples=[
            example(
                "Notifications",
                page_of(
                    {
                        "id": 9,
                        "kind": "approval_waiting",
                        "actor": {"id": 4, "username": "reza", "display_name": "Reza"},
                        "claim": 12,
                        "detail": "",
                        "event_seq": 41,
                        "created_at": "2025-06-18T09:30:00.000000Z",
                        "read": False,
                    }
                ),
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NotificationReadView(WorkspaceView):
    serializer_class = MarkReadSerializer
    write_role = Role.VIEWER

    @extend_schema(
        summary="Mark notifications read",
        parameters=[SLUG],
        request=MarkReadSerializer,
        responses={200: MarkedSerializer},
        examples=[example("Marked", {"marked": 3})],
    )
    def post(self, request, slug):
        data = validated(MarkReadSerializer, request)
        marked = notifications_mark_read(
            workspace=self.workspace, user=request.user, ids=data.get("ids")
        )
        return Response({"marked": marked})
