"""API of sources and of the evidence linking them to claims; rules stay in `services`."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import WorkspaceView, validated
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.claims.selectors import claim_get
from app.sources import services
from app.sources.models import Evidence, Source
from app.sources.selectors import evidence_for_claim, source_get, source_list


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
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    archived_url = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    kind = serializers.ChoiceField(choices=Source.Kind.choices, default=Source.Kind.OTHER)


class EvidenceSerializer(serializers.ModelSerializer):
    source = SourceSerializer(read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "claim", "source", "stance", "quote", "note", "added_by", "created_at"]


class EvidenceCreateSerializer(serializers.Serializer):
    """Cite an existing source by `source`, or any address by `url` (found or created)."""

    source = serializers.IntegerField(required=False, help_text="An existing source's id.")
    url = serializers.CharField(required=False, max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    published_on = serializers.DateField(required=False, allow_null=True, default=None)
    archived_url = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, default=""
    )
    kind = serializers.ChoiceField(choices=Source.Kind.choices, default=Source.Kind.OTHER)
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    quote = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        if ("source" in data) == ("url" in data):
            message = "Give either `source` (an existing source) or `url`."
            raise serializers.ValidationError({"source": [message], "url": [message]})
        return data


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
EVIDENCE_EXAMPLE = {
    "id": 14,
    "claim": 31,
    "source": SOURCE_EXAMPLE,
    "stance": "refutes",
    "quote": "Ridership grew 4.1%.",
    "note": "",
    "added_by": 3,
    "created_at": "2025-06-18T10:01:00.000000Z",
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


class EvidenceListView(WorkspaceView, ListAPIView):
    queryset = Evidence.objects.none()
    serializer_class = EvidenceSerializer
    pagination_class = ordered_by("id")

    def claim(self):
        return claim_get(user=self.request.user, workspace=self.workspace, pk=self.kwargs["pk"])

    def scoped_queryset(self):
        return evidence_for_claim(user=self.request.user, claim=self.claim())

    @extend_schema(
        summary="Evidence linked to a claim",
        parameters=[SLUG],
        examples=[example("Evidence", page_of(EVIDENCE_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Link a source to a claim (reviewers and above)",
        description="With `url` the source is found by normalized address or created, in "
        "one transaction with the link; a source already linked to the claim is 409.",
        parameters=[SLUG],
        request=EvidenceCreateSerializer,
        responses={201: EvidenceSerializer},
        examples=[
            example(
                "Cite a URL",
                {"url": SOURCE_EXAMPLE["url"], "kind": "dataset", "stance": "refutes"},
                request=True,
            ),
            example("Cite a known source", {"source": 9, "stance": "context"}, request=True),
            example("Linked", EVIDENCE_EXAMPLE, status=201),
        ],
    )
    def post(self, request, slug, pk):
        data = dict(validated(EvidenceCreateSerializer, request))
        claim = self.claim()
        link = {key: data.pop(key) for key in ("stance", "quote", "note")}
        if "source" in data:
            source = source_get(user=request.user, workspace=self.workspace, pk=data["source"])
            evidence = services.evidence_add(claim=claim, source=source, actor=request.user, **link)
        else:
            evidence = services.evidence_add_with_source(
                claim=claim, actor=request.user, **link, **data
            )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)
