"""The API's own endpoints (root, schema, docs, JSON 404); the tokens page: app/workspaces."""

from csp.decorators import csp_update
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
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


# The schema, by (language, API version): it is made from the code alone (public, with
# the views' swagger_fake_view), the same for every caller, and making it walks every
# endpoint (~0.25 s). Settings changed under a test empty it.
_SCHEMAS: dict[tuple, dict] = {}
# Its rendered bytes and Content-Type, by the same key and the renderer chosen: writing
# the schema out as YAML costs ~0.1 s a request.
_RENDERED: dict[tuple, tuple[bytes, str]] = {}


@receiver(setting_changed)
def _forget_schemas(**kwargs) -> None:
    _SCHEMAS.clear()
    _RENDERED.clear()


class SchemaView(SpectacularAPIView):
    """drf-spectacular's schema view, made once per process, language and version."""

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version, self.serve_public)
        self.schema_key = key
        schema = _SCHEMAS.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = _SCHEMAS[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(
            data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )

    def finalize_response(self, request, response, *args, **kwargs):
        """The schema response, rendered once per schema, renderer and media type."""
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(self, "schema_key", None)
        if key is None or not isinstance(response, Response) or response.status_code != 200:
            return response
        key = (*key, type(response.accepted_renderer), response.accepted_media_type)
        rendered = _RENDERED.get(key)
        if rendered is None:
            response.render()
            rendered = _RENDERED[key] = (response.content, response["Content-Type"])
        else:
            response.content, response["Content-Type"] = rendered
        return response
