"""Everything under /api/v1/ that the other API modules (exports, audit, search) do not claim."""

from django.urls import include, path, re_path

from app.api import views

urlpatterns = [
    path("", views.api_root, name="api-root"),
    path("schema/", views.SchemaView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("workspaces/", include("app.members.api_urls")),
    path("workspaces/<slug:slug>/", include("app.articles.api_urls")),
    path("workspaces/<slug:slug>/", include("app.claims.api_urls")),
    path("workspaces/<slug:slug>/", include("app.sources.api_urls")),
    re_path(r"^(?P<rest>.*)$", views.api_not_found),
]
