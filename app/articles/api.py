"""API of articles and their snapshots; imports go through the same services as the browser."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import IF_MATCH, etag, if_match_version, validated
from app.api.fields import LooseDateField
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.articles import services
from app.articles.models import Article, Direction, Snapshot
from app.articles.selectors import article_get, article_list, snapshot_get
from app.workspaces.api_conventions import WorkspaceView


class SnapshotSummarySerializer(serializers.ModelSerializer):
    characters = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = ["id", "article", "number", "sha256", "origin", "characters", "created_at"]

    def get_characters(self, snapshot: Snapshot) -> int:
        return len(snapshot.text)


class SnapshotSerializer(SnapshotSummarySerializer):
    text = serializers.CharField(
        read_only=True, help_text="The clean text; claim offsets are code points into it."
    )

    class Meta(SnapshotSummarySerializer.Meta):
        fields = [*SnapshotSummarySerializer.Meta.fields, "metadata", "text"]


class ArticleSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "title",
            "outlet",
            "author",
            "published_on",
            "language",
            "direction",
            "version",
            "claim_count",
            "created_at",
            "updated_at",
        ]


class ArticleDetailSerializer(ArticleSerializer):
    snapshots = SnapshotSummarySerializer(many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "snapshots"]


class ArticleUpdateSerializer(serializers.Serializer):
    """Any of the article's details; those left out stay as they are."""

    title = serializers.CharField(required=False, max_length=500)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author = serializers.CharField(required=False, allow_blank=True, max_length=300)
    published_on = LooseDateField(
        required=False,
        allow_null=True,
        help_text="2024-06-18, 18.06.2024, 18 June 2024, ۲۹ خرداد ۱۴۰۳ (Solar Hijri) …",
    )
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)


class ArticleImportSerializer(serializers.Serializer):
    """Either `text` (kept as given, NFC) or `html` (the article is extracted from it)."""

    text = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    html = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author = serializers.CharField(required=False, allow_blank=True, max_length=300)
    published_on = LooseDateField(
        required=False,
        allow_null=True,
        help_text=(
            "Any form the browser accepts: 2024-06-18, 18 June 2024, ۱۸ ژوئن ۲۰۲۴, "
            "۲۹ خرداد ۱۴۰۳; a day and month that could be swapped (05.09.2025) are refused."
        ),
    )
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    trim = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Text only: leave out the lines the trim proposal marks as site chrome.",
    )

    def validate(self, data):
        has_text, has_html = "text" in data, "html" in data
        if has_text == has_html:
            message = "Give the article as either `text` or `html`, not both."
            if not has_text:
                message = "Give the article as `text` or as `html`."
            raise serializers.ValidationError({"text": [message], "html": [message]})
        if has_html and data.get("trim"):
            raise serializers.ValidationError(
                {"trim": [_("Trimming applies to pasted text only.")]}
            )
        return data


class ImportResultSerializer(serializers.Serializer):
    article = ArticleSerializer()
    snapshot = SnapshotSummarySerializer()
    created_article = serializers.BooleanField()
    created_snapshot = serializers.BooleanField()
    reanchored = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How the previous snapshot's claims moved: anchored, fuzzy, orphaned.",
    )
    changes = serializers.DictField(
        allow_null=True,
        help_text="For a changed re-import: the differing lines of the text (`diff`), how "
        "the previous snapshot's claims land (`claims`) and how many published ones move "
        "(`published_claims_affected`); null otherwise.",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="What decoding repaired: stray bytes replaced, NUL bytes dropped.",
    )
    date_candidates = serializers.ListField(
        child=serializers.DictField(),
        help_text=(
            "Dates found in the page's metadata and text, with where (`where`, `start`, "
            "`end`); an ambiguous day/month has both `readings`. Dates in the text are "
            "offered, never applied; only the page's own publication date is."
        ),
    )


def import_result_data(result: services.ImportResult, article: Article) -> dict:
    """What every import answers (pasted, uploaded or fetched), for `ImportResultSerializer`."""
    return {
        "article": article,
        "snapshot": result.snapshot,
        "created_article": result.created_article,
        "created_snapshot": result.created_snapshot,
        "reanchored": result.reanchored,
        "changes": result.change.as_dict() if result.change else None,
        "warnings": result.warnings,
        "date_candidates": result.snapshot.metadata.get("date_candidates", []),
    }


ARTICLE_EXAMPLE = {
    "id": 12,
    "url": "https://example.org/fa/agreement",
    "title": "قرارداد همکاری",
    "outlet": "Example News",
    "author": "",
    "published_on": "2024-06-18",
    "language": "fa",
    "direction": "rtl",
    "version": 1,
    "claim_count": 3,
    "created_at": "2025-06-18T09:30:00.000000Z",
    "updated_at": "2025-06-18T09:30:00.000000Z",
}
SNAPSHOT_SUMMARY_EXAMPLE = {
    "id": 20,
    "article": 12,
    "number": 1,
    "sha256": "5f1c" + "0" * 60,
    "origin": "text",
    "characters": 151,
    "created_at": "2025-06-18T09:30:00.000000Z",
}


class ArticleListView(WorkspaceView, ListAPIView):
    queryset = Article.objects.none()
    serializer_class = ArticleSerializer
    pagination_class = ordered_by("-id")

    def scoped_queryset(self):
        return article_list(user=self.request.user, workspace=self.workspace)

    @extend_schema(
        summary="Articles, newest first",
        parameters=[SLUG],
        examples=[example("Articles", page_of(ARTICLE_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Import an article (reviewers and above)",
        description="Pasted `text` is kept as given apart from Unicode NFC; `html` is run "
        "through the same extraction as the browser's upload. Re-importing an article "
        "(same URL) with changed text adds a snapshot and re-anchors its claims; the "
        "same text adds nothing and answers 200.",
        parameters=[SLUG],
        request=ArticleImportSerializer,
        responses={201: ImportResultSerializer, 200: ImportResultSerializer},
        examples=[
            example(
                "Persian text",
                {
                    "text": "وزیر گفت: قرارداد در ۱۸ ژوئن ۲۰۲۴ امضا شد.\n",
                    "title": "قرارداد همکاری",
                    "url": "https://example.org/fa/agreement",
                    "language": "fa",
                },
                request=True,
            ),
            example(
                "HTML page",
                {"html": "<html><body><article><p>The mayor said…</p></article></body></html>"},
                request=True,
            ),
            example(
                "Imported",
                {
                    "article": ARTICLE_EXAMPLE,
                    "snapshot": SNAPSHOT_SUMMARY_EXAMPLE,
                    "created_article": True,
                    "created_snapshot": True,
                    "reanchored": {},
                    "changes": None,
                    "warnings": [],
                    "date_candidates": [],
                },
                status=201,
            ),
        ],
    )
    def post(self, request, slug):
        data = dict(validated(ArticleImportSerializer, request))
        details = {
            key: data[key]
            for key in ("title", "url", "outlet", "author", "published_on", "language")
            if data.get(key) is not None
        }
        if "text" in data:
            result = services.article_import_text(
                workspace=self.workspace,
                text=data["text"],
                trim=data["trim"],
                actor=request.user,
                **details,
            )
        else:
            result = services.article_import_html(
                workspace=self.workspace, html=data["html"], actor=request.user, **details
            )
        article = article_get(user=request.user, workspace=self.workspace, pk=result.article.pk)
        body = ImportResultSerializer(import_result_data(result, article)).data
        code = status.HTTP_201_CREATED if result.created_snapshot else status.HTTP_200_OK
        return Response(body, status=code)


ARTICLE_ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description='The article\'s version, quoted (e.g. `"2"`); send it back in If-Match.',
)


class ArticleDetailView(WorkspaceView):
    serializer_class = ArticleDetailSerializer

    def article(self) -> Article:
        return article_get(user=self.request.user, workspace=self.workspace, pk=self.kwargs["pk"])

    def _response(self, article: Article) -> Response:
        body = ArticleDetailSerializer(article).data
        return Response(body, headers={"ETag": etag(article.version)})

    @extend_schema(
        summary="One article with its snapshots, and its ETag",
        parameters=[SLUG, ARTICLE_ETAG],
        examples=[example("Article", {**ARTICLE_EXAMPLE, "snapshots": [SNAPSHOT_SUMMARY_EXAMPLE]})],
    )
    def get(self, request, slug, pk):
        return self._response(self.article())

    @extend_schema(
        summary="Correct the article's details (reviewers and above)",
        description="Title, URL (normalized; unique in the workspace), outlet, author, "
        "publication date (either calendar), language and direction. Published "
        "fact-checks of the article show the change in their history; their ClaimReview "
        "describes the article as it is now.",
        parameters=[SLUG, IF_MATCH, ARTICLE_ETAG],
        request=ArticleUpdateSerializer,
        responses={200: ArticleDetailSerializer},
        examples=[
            example("New title", {"title": "قرارداد همکاری دو کشور"}, request=True),
            example(
                "Updated",
                {
                    **ARTICLE_EXAMPLE,
                    "title": "قرارداد همکاری دو کشور",
                    "version": 2,
                    "snapshots": [SNAPSHOT_SUMMARY_EXAMPLE],
                },
            ),
        ],
    )
    def patch(self, request, slug, pk):
        article = self.article()
        version = if_match_version(request, article.version)
        data = validated(ArticleUpdateSerializer, request)
        services.article_update(article=article, version=version, actor=request.user, **data)
        return self._response(self.article())


class SnapshotDetailView(WorkspaceView):
    serializer_class = SnapshotSerializer

    @extend_schema(
        summary="One snapshot with its text",
        parameters=[SLUG],
        examples=[
            example(
                "Snapshot",
                {
                    **SNAPSHOT_SUMMARY_EXAMPLE,
                    "metadata": {"characters": 151},
                    "text": "The mayor said ridership rose 12% in 2025.\n",
                },
            )
        ],
    )
    def get(self, request, slug, pk):
        snapshot = snapshot_get(user=request.user, workspace=self.workspace, pk=pk)
        return Response(SnapshotSerializer(snapshot).data)
