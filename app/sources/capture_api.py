"""API of fetching by URL and of captures; every rule is `app.sources.captures`'."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from app.api.conventions import validated
from app.api.pagination import ordered_by
from app.api.schema import SLUG, example, page_of
from app.articles.api import (
    ARTICLE_EXAMPLE,
    SNAPSHOT_SUMMARY_EXAMPLE,
    ImportResultSerializer,
    import_result_data,
)
from app.articles.selectors import article_get
from app.sources import captures
from app.sources.models import Capture
from app.sources.selectors import capture_get, capture_list, source_get
from app.workspaces.api_conventions import WorkspaceView


class CaptureSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="`fetch` (by Sanad) or `upload`.")
    sha256 = serializers.SerializerMethodField(
        help_text="SHA-256 (hex) of each stored part: payload, warc, file, screenshot, pdf, text."
    )

    class Meta:
        model = Capture
        fields = [
            "id",
            "kind",
            "source",
            "article",
            "snapshot",
            "url",
            "final_url",
            "captured_at",
            "status_code",
            "media_type",
            "render_note",
            "sha256",
        ]

    def get_sha256(self, capture: Capture) -> dict[str, str]:
        return capture.hashes


class CaptureDetailSerializer(CaptureSerializer):
    text = serializers.CharField(read_only=True, help_text="The archived main text, plain.")

    class Meta(CaptureSerializer.Meta):
        fields = [*CaptureSerializer.Meta.fields, "file_name", "etag", "last_modified", "text"]


class ArticleFetchSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200)
    author = serializers.CharField(required=False, allow_blank=True, max_length=300)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)


class FetchResultSerializer(ImportResultSerializer):
    capture = CaptureSerializer()


class CheckAgainSerializer(serializers.Serializer):
    not_modified = serializers.BooleanField(help_text="The server answered 304: nothing stored.")
    created_snapshot = serializers.BooleanField()
    snapshot = serializers.IntegerField(allow_null=True)
    capture = CaptureSerializer(allow_null=True)


CAPTURE_EXAMPLE = {
    "id": 3,
    "kind": "fetch",
    "source": 9,
    "article": None,
    "snapshot": None,
    "url": "https://stats.example.gov/transit-2025",
    "final_url": "https://stats.example.gov/transit-2025",
    "captured_at": "2025-06-18T09:30:00.000000Z",
    "status_code": 200,
    "media_type": "text/html",
    "render_note": "",
    "sha256": {"payload": "ab" * 32, "warc": "cd" * 32, "text": "ef" * 32},
}


class ArticleFetchView(WorkspaceView):
    serializer_class = FetchResultSerializer

    @extend_schema(
        summary="Import an article by fetching its URL (reviewers and above)",
        description="The server fetches the page through its guarded fetcher (public "
        "http(s) addresses only, size, time and type limits), imports it like an HTML "
        "upload and keeps a WARC capture. A refused or failed fetch is 400 on `url`.",
        parameters=[SLUG],
        request=ArticleFetchSerializer,
        responses={201: FetchResultSerializer, 200: FetchResultSerializer},
        examples=[
            example("By URL", {"url": "https://example.org/fa/agreement"}, request=True),
            example(
                "Fetched",
                {
                    "article": ARTICLE_EXAMPLE,
                    "snapshot": {**SNAPSHOT_SUMMARY_EXAMPLE, "origin": "url"},
                    "created_article": True,
                    "created_snapshot": True,
                    "reanchored": {},
                    "capture": {**CAPTURE_EXAMPLE, "source": None, "article": 12, "snapshot": 20},
                },
                status=201,
            ),
        ],
    )
    def post(self, request, slug):
        data = validated(ArticleFetchSerializer, request)
        details = {k: v for k, v in data.items() if k != "url" and v is not None}
        imported = captures.article_import_url(
            workspace=self.workspace, url=data["url"], actor=request.user, **details
        )
        result = imported.result
        article = article_get(user=request.user, workspace=self.workspace, pk=result.article.pk)
        body = FetchResultSerializer(
            {**import_result_data(result, article), "capture": imported.capture}
        ).data
        code = status.HTTP_201_CREATED if result.created_snapshot else status.HTTP_200_OK
        return Response(body, status=code)


class ArticleCheckAgainView(WorkspaceView):
    serializer_class = CheckAgainSerializer

    @extend_schema(
        summary="Fetch the article's URL again (conditional; reviewers and above)",
        description="Sends the last capture's ETag/Last-Modified. A 304 stores nothing; a "
        "changed text adds a snapshot and re-anchors the claims.",
        parameters=[SLUG],
        request=None,
        responses={200: CheckAgainSerializer},
        examples=[
            example(
                "Not modified",
                {
                    "not_modified": True,
                    "created_snapshot": False,
                    "snapshot": None,
                    "capture": None,
                },
            )
        ],
    )
    def post(self, request, slug, pk):
        article = article_get(user=request.user, workspace=self.workspace, pk=pk)
        checked = captures.article_check_again(
            workspace=self.workspace, article=article, actor=request.user
        )
        result = checked.result
        return Response(
            CheckAgainSerializer(
                {
                    "not_modified": checked.not_modified,
                    "created_snapshot": bool(result and result.created_snapshot),
                    "snapshot": result.snapshot.pk if result else None,
                    "capture": checked.capture,
                }
            ).data
        )


class SourceCaptureListView(WorkspaceView, ListAPIView):
    queryset = Capture.objects.none()
    serializer_class = CaptureSerializer
    pagination_class = ordered_by("-id")

    def scoped_queryset(self):
        source = source_get(user=self.request.user, workspace=self.workspace, pk=self.kwargs["pk"])
        return capture_list(user=self.request.user, workspace=self.workspace, source=source)

    @extend_schema(
        summary="A source's captures, newest first",
        parameters=[SLUG],
        examples=[example("Captures", page_of(CAPTURE_EXAMPLE))],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Capture the source now (reviewers and above)",
        description="Fetches the source's URL through the guarded fetcher and keeps a WARC, "
        "the archived text and (with Chromium) a screenshot and PDF, with their hashes.",
        parameters=[SLUG],
        request=None,
        responses={201: CaptureSerializer},
        examples=[example("Captured", CAPTURE_EXAMPLE, status=201)],
    )
    def post(self, request, slug, pk):
        source = source_get(user=request.user, workspace=self.workspace, pk=pk)
        capture = captures.source_capture(
            workspace=self.workspace, source=source, actor=request.user
        )
        return Response(CaptureSerializer(capture).data, status=status.HTTP_201_CREATED)


class CaptureDetailView(WorkspaceView):
    serializer_class = CaptureDetailSerializer

    @extend_schema(
        summary="One capture: hashes and archived text",
        parameters=[SLUG],
        examples=[
            example(
                "Capture",
                {
                    **CAPTURE_EXAMPLE,
                    "file_name": "",
                    "etag": '"5f1c"',
                    "last_modified": "Wed, 18 Jun 2025 09:00:00 GMT",
                    "text": "Ridership rose 4% in 2025.",
                },
            )
        ],
    )
    def get(self, request, slug, pk):
        capture = capture_get(user=request.user, workspace=self.workspace, pk=pk)
        return Response(CaptureDetailSerializer(capture).data)
