"""GET /api/v1/search: the selector behind the results page, as JSON."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from app.api.fields import LooseDateField
from app.claims.models import ClaimStatus
from app.search.models import Kind
from app.search.selectors import MAX_QUERY_LENGTH, PAGE_SIZE, search
from app.workspaces.selectors import workspace_list


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH)
    workspace = serializers.SlugField(required=False)
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=Kind.values), required=False, default=list
    )
    status = serializers.ChoiceField(choices=ClaimStatus.values, required=False, default="")
    verdict = serializers.IntegerField(required=False, min_value=1, default=None)
    date_from = LooseDateField(required=False, default=None)
    date_to = LooseDateField(required=False, default=None)
    page = serializers.IntegerField(required=False, min_value=1, max_value=500, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)

    def validate(self, data):
        if data["date_from"] and data["date_to"] and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError(
                {"date_to": [_("The end date is before the start date.")]}
            )
        return data


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="object_id")
    workspace = serializers.CharField(source="workspace_slug")
    title_html = serializers.CharField(help_text="Escaped text; only <mark> tags are markup.")
    snippet_html = serializers.CharField(help_text="Escaped text; only <mark> tags are markup.")
    url = serializers.CharField()
    status = serializers.CharField()
    verdict = serializers.CharField()
    date = LooseDateField(source="occurred_on", allow_null=True)
    score = serializers.FloatField()


class SearchPageSerializer(serializers.Serializer):
    query = serializers.CharField()
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = SearchHitSerializer(many=True)


class SearchAPIView(APIView):
    """Ranked search over articles, claims, sources and comments of the caller's workspaces.

    `workspace` narrows to one workspace (404 if the caller is not a member); `kind` may
    repeat; `status` and `verdict` (a rating id) concern claims only.
    """

    @extend_schema(
        summary="Search articles, claims, sources and comments",
        parameters=[SearchQuerySerializer],
        responses={200: SearchPageSerializer},
    )
    def get(self, request):
        params = SearchQuerySerializer(
            data={
                **request.query_params.dict(),
                "kind": request.query_params.getlist("kind"),
            }
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        workspace = None
        if data.get("workspace"):
            workspace = workspace_list(user=request.user).filter(slug=data["workspace"]).first()
            if workspace is None:
                raise NotFound(_("No such workspace."))
        page = search(
            user=request.user,
            query=data["q"],
            workspace=workspace,
            kinds=data["kind"],
            status=data["status"],
            rating=data["verdict"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            page=data["page"],
            per_page=data.get("page_size") or PAGE_SIZE,
        )
        return Response(
            {
                "query": data["q"],
                "page": page.page,
                "has_next": page.has_next,
                "results": SearchHitSerializer(page.hits, many=True).data,
            }
        )
