"""Jobs over the API: start a background export, watch any job's progress, fetch its file."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from app.api.fields import LooseDateField
from app.claims.models import ClaimStatus
from app.jobs.models import JobKind
from app.jobs.selectors import job_as_dict, job_get
from app.jobs.services import EXPORT_FORMATS, IMPORT_MAX_FILES, job_import_files, job_start
from app.jobs.views import download_response
from app.workspaces.api_conventions import WORKSPACE_QUERY, workspace_from_query
from app.workspaces.models import Role


class ExportJobInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=EXPORT_FORMATS, default="csv")
    article = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    created_from = LooseDateField(required=False)
    created_to = LooseDateField(required=False)
    updated_from = LooseDateField(required=False)
    updated_to = LooseDateField(required=False)
    bom = serializers.BooleanField(default=False)


class ImportFileInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    content = serializers.CharField(trim_whitespace=False)
    url = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True)
    outlet = serializers.CharField(required=False, allow_blank=True)
    author = serializers.CharField(required=False, allow_blank=True)
    published = serializers.CharField(required=False, allow_blank=True)
    language = serializers.CharField(required=False, allow_blank=True)


class ImportJobInput(serializers.Serializer):
    files = ImportFileInput(many=True, allow_empty=False, max_length=IMPORT_MAX_FILES)


def _job_body(request, job) -> dict:
    body = job_as_dict(job)
    body["url"] = request.build_absolute_uri(reverse("api-job-detail", args=[job.pk]))
    body["download_url"] = (
        request.build_absolute_uri(reverse("api-job-download", args=[job.pk]))
        if job.result_file
        else None
    )
    return body


class ExportJobView(APIView):
    @extend_schema(
        summary="Start a background export (viewers)",
        description="Queues an export of the workspace's claims to a file; poll the job "
        "(`url`) until `state` is `done`, then fetch `download_url`. Small exports can "
        "still stream directly from /api/v1/exports/.",
        parameters=[WORKSPACE_QUERY],
        request=ExportJobInput,
        responses={202: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        workspace = workspace_from_query(request)
        data = ExportJobInput(data=request.data)
        data.is_valid(raise_exception=True)
        job = job_start(
            workspace=workspace, actor=request.user, kind=JobKind.EXPORT, params=data.validated_data
        )
        return Response(_job_body(request, job), status=status.HTTP_202_ACCEPTED)


class ImportJobView(APIView):
    @extend_schema(
        summary="Start a bulk import of articles (reviewers)",
        description="Each file is `name` (.html, .htm or .txt), `content` and optional "
        "manifest details (url, title, outlet, author, published, language). A worker imports "
        "them one by one as the caller; `summary` of the finished job counts imported, "
        "new snapshot, unchanged and failed files, with each failure's reason.",
        parameters=[WORKSPACE_QUERY],
        request=ImportJobInput,
        responses={202: OpenApiTypes.OBJECT},
    )
    def post(self, request):
        workspace = workspace_from_query(request, role=Role.REVIEWER)
        data = ImportJobInput(data=request.data)
        data.is_valid(raise_exception=True)
        files = [
            (
                entry["name"],
                entry["content"].encode("utf-8"),
                {key: value for key, value in entry.items() if key not in ("name", "content")},
            )
            for entry in data.validated_data["files"]
        ]
        job = job_import_files(workspace=workspace, actor=request.user, files=files)
        return Response(_job_body(request, job), status=status.HTTP_202_ACCEPTED)


class JobDetailView(APIView):
    @extend_schema(
        summary="A background job's state and progress",
        description="`state` is queued, running, done or failed; `done` of `total` rows; "
        "`error` says why the last attempt failed.",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        return Response(_job_body(request, job_get(user=request.user, job_id=pk)))


class JobDownloadView(APIView):
    @extend_schema(summary="The file a finished job wrote", responses={200: OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        return download_response(job_get(user=request.user, job_id=pk))
