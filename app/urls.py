from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from app.accounts import views as account_views
from app.core import health
from app.notifications import views as notification_views
from app.operations import api as operations_api
from app.operations import views as operations_views
from app.public import views as public_views
from app.public.settings_views import public_settings
from app.search.api import SearchAPIView

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # Django's password views, noted in the person's security log (before Django's own).
    path(
        "accounts/password_change/",
        account_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/", account_views.account_view, name="account"),
    path("account/preferences/", account_views.preferences_view, name="account-preferences"),
    path("language/", account_views.language_set_view, name="language-set"),
    # The page scripts' strings (djangojs catalogue) as `gettext` & co., in the page language.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("account/notifications/", notification_views.digest_view, name="account-digest"),
    path("account/verify/send/", account_views.verification_send_view, name="account-verify-send"),
    path("account/verify/<str:token>/", account_views.verify_view, name="account-verify"),
    path("w/<slug:slug>/articles/", include("app.articles.urls")),
    path("w/<slug:slug>/articles/", include("app.sources.article_urls")),
    path("w/<slug:slug>/articles/", include("app.claims.reader_urls")),
    path("w/<slug:slug>/claims/", include("app.claims.urls")),
    path("w/<slug:slug>/ratings/", include("app.claims.rating_urls")),
    path("w/<slug:slug>/sources/", include("app.sources.urls")),
    path("w/<slug:slug>/sources/", include("app.claims.source_urls")),
    path("w/<slug:slug>/search/", include("app.search.urls")),
    path("w/<slug:slug>/exports/", include("app.exports.urls")),
    path("w/<slug:slug>/jobs/", include("app.jobs.urls")),
    path("w/<slug:slug>/audit/reconcile/", operations_views.reconcile, name="audit-reconcile"),
    path("w/<slug:slug>/audit/", include("app.audit.urls")),
    path("audit/", include("app.audit.public_urls")),
    # The public site: no sign-in, no cookies, cacheable (app.public.views).
    path("p/<slug:slug>/", include("app.public.urls")),
    path("robots.txt", public_views.robots, name="robots"),
    path("w/<slug:slug>/public/", public_settings, name="public-settings"),
    path("api/v1/search", SearchAPIView.as_view(), name="api-search"),
    path("api/v1/exports/", include("app.exports.api_urls")),
    path("api/v1/jobs/", include("app.jobs.api_urls")),
    path(
        "api/v1/audit/reconcile/",
        operations_api.ReconcileView.as_view(),
        name="audit-api-reconcile",
    ),
    path("api/v1/audit/", include("app.audit.api_urls")),
    path("w/<slug:slug>/tokens/", include("app.members.token_urls")),
    path("w/<slug:slug>/invitations/", include("app.invitations.urls")),
    path("w/<slug:slug>/", include("app.notifications.urls")),
    path("invite/", include("app.invitations.public_urls")),
    path("api/v1/workspaces/<slug:slug>/", include("app.notifications.api_urls")),
    # After the other api/v1/<prefix>/ lines: it answers every unclaimed /api/v1/ path.
    path("api/v1/", include("app.api.urls")),
    path("", include("app.members.urls")),
    path("", include("app.claims.dashboard_urls")),
]
