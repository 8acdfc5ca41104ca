from django.contrib import admin
from django.urls import include, path

from app.public import views as public_views
from app.public.settings_views import public_settings
from app.search.api import SearchAPIView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("w/<slug:slug>/articles/", include("app.articles.urls")),
    path("w/<slug:slug>/claims/", include("app.claims.urls")),
    path("w/<slug:slug>/ratings/", include("app.claims.rating_urls")),
    path("w/<slug:slug>/sources/", include("app.sources.urls")),
    path("w/<slug:slug>/search/", include("app.search.urls")),
    path("w/<slug:slug>/exports/", include("app.exports.urls")),
    path("w/<slug:slug>/audit/", include("app.audit.urls")),
    path("audit/", include("app.audit.public_urls")),
    # The public site: no sign-in, no cookies, cacheable (app.public.views).
    path("p/<slug:slug>/", include("app.public.urls")),
    path("robots.txt", public_views.robots, name="robots"),
    path("w/<slug:slug>/public/", public_settings, name="public-settings"),
    path("api/v1/search", SearchAPIView.as_view(), name="api-search"),
    path("api/v1/exports/", include("app.exports.api_urls")),
    path("api/v1/audit/", include("app.audit.api_urls")),
    path("w/<slug:slug>/tokens/", include("app.api.browser_urls")),
    # After the other api/v1/<prefix>/ lines: it answers every unclaimed /api/v1/ path.
    path("api/v1/", include("app.api.urls")),
    path("", include("app.workspaces.urls")),
]
