"""API of sources (the evidence linking them to claims: app/claims/evidence_api.py)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import validated
from app.api.fields import LooseDateField
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.sources import services
from app.sources.models import Source
from app.sources.selectors import source_get, source_list
from app.workspaces.api_conventions import WorkspaceView


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "published_on",
            "archived_url",
            "kind",
            "created_at",
        ]


class SourceCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    published_on = LooseDateField(required=False, allow_null=True, default=None)
    archived_url = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    kind = serializers.ChoiceField(choices=Source.Kind.choices, default=Source.Kind.OTHER)


SOURCE_EXAMPLE = {
    "id": 9,
    "url": "https://stats.example.gov/transit-2025.pdf",
    "title": "Transit statistics 2025",
    "publisher": "Statistics office",
    "published_on": "2025-03-01",
    "archived_url": "",
    "kind": "dataset",
    "created_at": "2025-06-18T10:00:00.000000Z",
}


class SourceListView(WorkspaceView, ListAPIView):
    queryset = Source.objects.none()
    serializer_class = SourceSerializer
    pagination_class = ordered_by("-id")

    def scoped_queryset(self):
        return source_list(user=self.request.user, workspace=self.workspace)

    @extend_schema(
        summary="Sources, newest first",
        parameters=[SLUG],
        examples=[example("Sources", page_of(SOURCE_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Add a source (reviewers and above)",
        description="A source is unique per workspace by normalized URL: an address "
        "already cited returns that source with 200 instead of 201.",
        parameters=[SLUG],
        request=SourceCreateSerializer,
        responses={201: SourceSerializer, 200: SourceSerializer},
        examples=[
            example(
                "Dataset",
                {"url": SOURCE_EXAMPLE["url"], "title": "Transit statistics", "kind": "dataset"},
                request=True,
            ),
            example("Created", SOURCE_EXAMPLE, status=201),
        ],
    )
    def post(self, request, slug):
        data = validated(SourceCreateSerializer, request)
        source, created = services.source_add(workspace=self.workspace, actor=request.user, **data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(SourceSerializer(source).data, status=code)


class SourceDetailView(WorkspaceView):
    serializer_class = SourceSerializer

    @extend_schema(
        summary="One source", parameters=[SLUG], examples=[example("Source", SOURCE_EXAMPLE)]
    )
    def get(self, request, slug, pk):
        source = source_get(user=request.user, workspace=self.workspace, pk=pk)
        return Response(SourceSerializer(source).data)
