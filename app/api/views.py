"""The API's own endpoints (root, schema, docs, JSON 404); the tokens page: app/workspaces."""

from csp.decorators import csp_update
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from app.api.schema import example


@extend_schema(
    summary="Where to start",
    description="Links to your workspaces, the OpenAPI schema and the interactive docs.",
    responses=inline_serializer(
        "ApiRoot",
        {
            "workspaces": serializers.URLField(),
            "schema": serializers.URLField(),
            "docs": serializers.URLField(),
        },
    ),
    examples=[
        example(
            "Links",
            {
                "workspaces": "https://sanad.example/api/v1/workspaces/",
                "schema": "https://sanad.example/api/v1/schema/",
                "docs": "https://sanad.example/api/v1/docs/",
            },
        )
    ],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request):
    return Response(
        {
            name: request.build_absolute_uri(reverse(route))
            for name, route in (
                ("workspaces", "api-workspace-list"),
                ("schema", "api-schema"),
                ("docs", "api-docs"),
            )
        }
    )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def api_not_found(request, rest=""):
    """Unknown paths under /api/v1/ answer in the API's error shape, not an HTML page."""
    raise NotFound(_("No such API endpoint; see /api/v1/docs/."))


# Swagger UI draws its icons as data: SVG images; only this page may load them.
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    permission_classes = [AllowAny]
