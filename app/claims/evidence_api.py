"""API of the evidence linking sources to claims; rules stay in `evidence`."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import validated
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.claims import evidence as services
from app.claims.models import Evidence
from app.claims.selectors import claim_get, evidence_for_claim
from app.sources.api import SOURCE_EXAMPLE, SourceSerializer
from app.sources.models import Source
from app.sources.selectors import source_get
from app.workspaces.api_conventions import WorkspaceView


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


class EvidenceListView(WorkspaceView, ListAPIView):
    queryset = Evidence.objects.none()
    serializer_class = EvidenceSerializer
    pagination_class = ordered_by("id")

    _claim = None

    def claim(self):
        if self._claim is None:  # read once per request
            self._claim = claim_get(
                user=self.request.user, workspace=self.workspace, pk=self.kwargs["pk"]
            )
        return self._claim

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
