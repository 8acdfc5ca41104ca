"""The API's own endpoints (root, schema, docs, JSON 404) and the browser's tokens page."""

import datetime as dt

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from app.api import services
from app.api.forms import TokenCreateForm
from app.api.schema import example
from app.api.selectors import api_token_get, api_token_list
from app.core.forms import add_service_errors
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace


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
    raise NotFound("No such API endpoint; see /api/v1/docs/.")


# Swagger UI draws its icons as data: SVG images; only this page may load them.
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    permission_classes = [AllowAny]


@login_required
def token_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The caller's tokens in this workspace (an admin sees everyone's), and a form for one more."""
    workspace = enter_workspace(request, slug)
    form = TokenCreateForm(request.POST or None, role=request.membership.role_enum)
    issued = None
    if request.method == "POST" and form.is_valid():
        expires_in = form.cleaned_data["expires_in_days"]
        try:
            issued = services.api_token_create(
                workspace=workspace,
                actor=request.user,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=expires_in)
                if expires_in
                else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            form = TokenCreateForm(role=request.membership.role_enum)
    response = render(
        request,
        "api/tokens.html",
        {
            "workspace": workspace,
            "tokens": api_token_list(user=request.user, workspace=workspace),
            "form": form,
            "issued": issued,
            "is_admin": request.membership.role_enum.includes(Role.ADMIN),
        },
        status=201 if issued else 200,
    )
    # The secret is on this page once: keep it out of caches and the back button.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    token = api_token_get(user=request.user, workspace=workspace, pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token “{token.name}” revoked; scripts using it now get 401.")
    return redirect("api-tokens", slug=workspace.slug)
