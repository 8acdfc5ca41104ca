"""API of workspaces and their members: thin views over the selectors and services."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.accounts.selectors import user_by_username
from app.api.conventions import validated
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.core.errors import NotFound
from app.members import services
from app.workspaces.access import membership_of
from app.workspaces.api_conventions import WorkspaceView
from app.workspaces.models import Membership, Role, Workspace
from app.workspaces.selectors import member_list, workspace_list


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class WorkspaceOutSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(
        help_text="What you may do here: your role, capped by your token's when using one."
    )

    class Meta:
        model = Workspace
        fields = ["id", "slug", "name", "created_at", "role"]

    def get_role(self, workspace: Workspace) -> str:
        membership = membership_of(self.context["request"].user, workspace)
        return membership.role if membership else ""


class MemberOutSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class MemberRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


WORKSPACE_EXAMPLE = {
    "id": 1,
    "slug": "desk-a",
    "name": "Desk A",
    "created_at": "2025-06-18T09:30:00.000000Z",
    "role": "reviewer",
}
MEMBER_EXAMPLE = {
    "id": 7,
    "user": {"id": 3, "username": "maryam", "display_name": "Maryam"},
    "role": "editor",
    "created_at": "2025-06-18T09:31:00.000000Z",
}


class WorkspaceListView(ListAPIView):
    serializer_class = WorkspaceOutSerializer
    pagination_class = ordered_by("id")

    def get_queryset(self):
        return workspace_list(user=self.request.user)

    @extend_schema(
        summary="Your workspaces",
        description="The workspaces you belong to (with a token: only the token's).",
        examples=[example("Your workspaces", page_of(WORKSPACE_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class WorkspaceDetailView(WorkspaceView):
    serializer_class = WorkspaceOutSerializer

    @extend_schema(
        summary="One workspace",
        parameters=[SLUG],
        examples=[example("A workspace", WORKSPACE_EXAMPLE)],
    )
    def get(self, request, slug):
        return Response(self.get_serializer(self.workspace).data)


class MemberListView(WorkspaceView, ListAPIView):
    write_role = Role.ADMIN
    queryset = Membership.objects.none()
    serializer_class = MemberOutSerializer
    pagination_class = ordered_by("id")

    def scoped_queryset(self):
        return member_list(user=self.request.user, workspace=self.workspace)

    @extend_schema(
        summary="Members of the workspace",
        parameters=[SLUG],
        examples=[example("Members", page_of(MEMBER_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a member (admins)",
        parameters=[SLUG],
        request=MemberAddSerializer,
        responses={201: MemberOutSerializer},
        examples=[
            example("Add an editor", {"username": "maryam", "role": "editor"}, request=True),
            example("The new member", MEMBER_EXAMPLE, status=201),
        ],
    )
    def post(self, request, slug):
        data = validated(MemberAddSerializer, request)
        user = user_by_username(data["username"])
        if user is None:
            raise serializers.ValidationError({"username": [_("No user has that username.")]})
        membership = services.member_add(
            workspace=self.workspace, user=user, role=data["role"], actor=request.user
        )
        return Response(MemberOutSerializer(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(WorkspaceView):
    write_role = Role.ADMIN
    serializer_class = MemberOutSerializer

    def _membership(self) -> Membership:
        membership = (
            member_list(user=self.request.user, workspace=self.workspace)
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if membership is None:
            raise NotFound(_("No such member."))
        return membership

    @extend_schema(
        summary="One member", parameters=[SLUG], examples=[example("A member", MEMBER_EXAMPLE)]
    )
    def get(self, request, slug, pk):
        return Response(MemberOutSerializer(self._membership()).data)

    @extend_schema(
        summary="Change a member's role (admins)",
        description="The last admin cannot step down; make someone else admin first.",
        parameters=[SLUG],
        request=MemberRoleSerializer,
        responses={200: MemberOutSerializer},
        examples=[
            example("Make an editor", {"role": "editor"}, request=True),
            example("The member", MEMBER_EXAMPLE),
        ],
    )
    def patch(self, request, slug, pk):
        membership = self._membership()  # another workspace's member is 404 before all else
        data = validated(MemberRoleSerializer, request)
        membership = services.member_change_role(
            membership=membership, role=data["role"], actor=request.user
        )
        return Response(MemberOutSerializer(membership).data)
