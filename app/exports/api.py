"""Exports over the API: the same streams as the browser's Export page.

Each format has its own address (`/api/v1/exports/csv/` …), because each answers with
a different media type. The workspace is `?workspace=<slug>`: one the caller belongs
to, or 404. Filters are validated by the browser's `ExportForm`, so a bad one is a 400
naming the field.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from app.articles.selectors import snapshot_get
from app.core.errors import NotFound, PermissionDenied
from app.exports.downloads import export_response
from app.exports.forms import ANNOTATIONS, CLAIMREVIEW, CSV, JSONL, ExportForm
from app.exports.selectors import claim_in_workspace
from app.exports.services import annotations_import
from app.workspaces.api_conventions import WORKSPACE_QUERY, workspace_from_query
from app.workspaces.models import Role


class _AnyAccept(BaseContentNegotiation):
    """Serve the export whatever the client's Accept says.

    The download's media type is fixed by its address, and an error is always JSON;
    DRF's negotiation would otherwise answer `Accept: text/csv` with 406.
    """

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


FILTERS = [
    WORKSPACE_QUERY,
    OpenApiParameter("article", OpenApiTypes.INT, description="Only this article's claims."),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=["open", "in_review", "verdict_proposed", "published", "corrected"],
    ),
    *(
        OpenApiParameter(name, OpenApiTypes.DATE, description="Inclusive whole day (UTC).")
        for name in ("created_from", "created_to", "updated_from", "updated_to")
    ),
]


def _messages(form_errors) -> dict:
    return {field: [str(text) for text in messages] for field, messages in form_errors.items()}


class _ExportView(APIView):
    format: str = ""
    content_negotiation_class = _AnyAccept

    def paging(self, data: dict, workspace) -> dict:
        """Options beyond the browser form's; only the Web Annotation export has any."""
        return {}

    def get(self, request):
        workspace = workspace_from_query(request)
        data = {key: value for key, value in request.query_params.items() if key != "workspace"}
        data["format"] = self.format
        paging = self.paging(data, workspace)
        form = ExportForm(data, user=request.user, workspace=workspace)
        if not form.is_valid():
            raise exceptions.ValidationError(_messages(form.errors))
        try:
            return export_response(
                request=request, user=request.user, workspace=workspace, form=form, **paging
            )
        except NotFound as error:
            raise exceptions.NotFound(error.message) from error


class CsvExportView(_ExportView):
    format = CSV

    @extend_schema(
        operation_id="exports_csv",
        summary="Claims as CSV",
        description=(
            "One row per claim, UTF-8 (with a byte order mark when `bom=true`), RFC 4180 "
            "quoting. Text cells that start with = + - @, tab or carriage return get a "
            "leading apostrophe so spreadsheets do not run them as formulas."
        ),
        parameters=[*FILTERS, OpenApiParameter("bom", OpenApiTypes.BOOL)],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
        },
        tags=["exports"],
    )
    def get(self, request):
        return super().get(request)


class JsonLinesExportView(_ExportView):
    format = JSONL

    @extend_schema(
        operation_id="exports_jsonl",
        summary="Claims as JSON Lines",
        description=(
            "One complete JSON object per line and claim: article, snapshot, W3C "
            "selectors, verdict history, evidence with sources, tags, and with "
            "`comments=true` the comments."
        ),
        parameters=[*FILTERS, OpenApiParameter("comments", OpenApiTypes.BOOL)],
        responses={
            (200, "application/jsonl"): OpenApiTypes.STR,
        },
        tags=["exports"],
    )
    def get(self, request):
        return super().get(request)


class ClaimReviewExportView(_ExportView):
    format = CLAIMREVIEW

    @extend_schema(
        operation_id="exports_claimreview",
        summary="Published verdicts as schema.org ClaimReview",
        description=(
            "A JSON array of ClaimReview objects, one per published or corrected claim, "
            "each with its own `@context`."
        ),
        parameters=FILTERS,
        responses={
            (200, "application/ld+json"): OpenApiTypes.ANY,
        },
        tags=["exports"],
    )
    def get(self, request):
        return super().get(request)


class AnnotationExportView(_ExportView):
    format = ANNOTATIONS

    @extend_schema(
        operation_id="exports_annotations",
        summary="Claims as W3C Web Annotations",
        description=(
            "Without `page`: the AnnotationCollection with `total`, its first "
            "AnnotationPage embedded and a link to the `last`. With `page` (from 0): that "
            "AnnotationPage alone, linked to its `prev` and `next`. Pages hold 1,000 "
            "annotations."
        ),
        parameters=[*FILTERS, OpenApiParameter("page", OpenApiTypes.INT)],
        responses={
            (200, "application/ld+json"): OpenApiTypes.ANY,
        },
        tags=["exports"],
    )
    def get(self, request):
        return super().get(request)

    def paging(self, data: dict, workspace) -> dict:
        paging: dict = {}
        if data.get("page") == "all":
            del data["page"]
            paging["whole"] = True
        if "after" in data:
            paging["after"] = self._cursor(data.pop("after"), workspace)
            if "page" in data or paging.get("whole"):
                raise exceptions.ValidationError(
                    {"after": [_("Ask for a page number or a claim to start after, not both.")]}
                )
        return paging

    @staticmethod
    def _cursor(value: str, workspace) -> int:
        try:
            cursor = int(value)
        except ValueError:
            cursor = -1
        # Past a bigint PostgreSQL would refuse the parameter rather than find no claim.
        if not 0 <= cursor < 2**63:
            raise exceptions.ValidationError({"after": [_("Enter a claim id or 0.")]})
        if cursor and not claim_in_workspace(workspace=workspace, pk=cursor):
            raise exceptions.ValidationError({"after": [_("No such claim in this workspace.")]})
        return cursor


class AnnotationImportSerializer(serializers.Serializer):
    document = serializers.JSONField(
        help_text="An AnnotationCollection (with its first page embedded), an AnnotationPage, "
        "an Annotation or a list of annotations."
    )
    snapshot = serializers.IntegerField(
        required=False, help_text="Put every annotation on this snapshot instead of matching."
    )


class AnnotationImportResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.IntegerField(), help_text="New claim ids.")
    skipped = serializers.IntegerField(help_text="Annotations whose claim already existed.")


class AnnotationImportView(APIView):
    @extend_schema(
        operation_id="exports_annotations_import",
        summary="Recreate claims from W3C Web Annotations",
        description=(
            "Each annotation goes to the snapshot with the same text (by the target's "
            "`sanad:textSha256`), else to the latest snapshot of the article with the "
            "target's source URL, at the offsets of its selectors. All or nothing."
        ),
        parameters=[WORKSPACE_QUERY],
        request=AnnotationImportSerializer,
        responses={201: AnnotationImportResultSerializer},
        examples=[
            OpenApiExample(
                "One annotation",
                request_only=True,
                value={
                    "document": {
                        "type": "Annotation",
                        "motivation": "assessing",
                        "body": [
                            {
                                "type": "TextualBody",
                                "value": "Ridership rose 12% in 2025.",
                                "purpose": "describing",
                            }
                        ],
                        "target": {
                            "source": "https://example.org/ridership",
                            "selector": [
                                {"type": "TextPositionSelector", "start": 15, "end": 41},
                                {
                                    "type": "TextQuoteSelector",
                                    "exact": "ridership rose 12% in 2025",
                                    "prefix": "The mayor said ",
                                    "suffix": ".",
                                },
                            ],
                        },
                    }
                },
            ),
            OpenApiExample(
                "Created",
                response_only=True,
                status_codes=["201"],
                value={"created": [41], "skipped": 0},
            ),
        ],
        tags=["exports"],
    )
    def post(self, request):
        # Refuse a viewer before reading the body (the service checks again).
        workspace = workspace_from_query(request, Role.REVIEWER)
        serializer = AnnotationImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            snapshot = None
            if "snapshot" in serializer.validated_data:
                snapshot = snapshot_get(
                    user=request.user,
                    workspace=workspace,
                    pk=serializer.validated_data["snapshot"],
                )
            result = annotations_import(
                workspace=workspace,
                document=serializer.validated_data["document"],
                snapshot=snapshot,
                actor=request.user,
            )
        except DjangoValidationError as error:
            detail = error.message_dict if hasattr(error, "error_dict") else error.messages
            raise exceptions.ValidationError(detail) from error
        except NotFound as error:
            raise exceptions.NotFound(error.message) from error
        except PermissionDenied as error:
            raise exceptions.PermissionDenied(error.message) from error
        body = {"created": [claim.pk for claim in result.created], "skipped": result.skipped}
        return Response(AnnotationImportResultSerializer(body).data, status=201)
