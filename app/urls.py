from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("w/<slug:slug>/articles/", include("app.articles.urls")),
    path("w/<slug:slug>/claims/", include("app.claims.urls")),
    path("w/<slug:slug>/ratings/", include("app.claims.rating_urls")),
    path("w/<slug:slug>/sources/", include("app.sources.urls")),
    path("w/<slug:slug>/exports/", include("app.exports.urls")),
    path("api/v1/exports/", include("app.exports.api_urls")),
    path("", include("app.workspaces.urls")),
]
