"""Which language a request is answered in.

In order: the person's own choice (their profile, or the session for someone signed
out), then the browser's Accept-Language, then the default language of the workspace
the page belongs to, then settings.LANGUAGE_CODE. The workspace is known only once a
view has entered it (`app.workspaces.views.enter_workspace`), so the middleware settles
the first two and the workspace completes the choice when nothing before it did.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

SESSION_LANGUAGE_KEY = "sanad_language"


def _supported(code: str) -> str | None:
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def browser_language(request: HttpRequest) -> str | None:
    """The first of Sanad's languages the Accept-Language header asks for, or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header):
        if code != "*" and (language := _supported(code)):
            return language
    return None


def chosen_language(request: HttpRequest) -> tuple[str | None, str]:
    """The language the person or their browser chose, and where it came from."""
    # Without a session cookie there is no one signed in and no stored choice; not
    # touching the session then keeps `Vary: Cookie` off anonymous responses.
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    user = getattr(request, "user", None) if has_session else None
    if (
        user is not None
        and user.is_authenticated
        and (language := _supported(getattr(user, "language", "") or "-"))
    ):
        return language, "user"
    session = getattr(request, "session", None) if has_session else None
    if session is not None and (language := _supported(session.get(SESSION_LANGUAGE_KEY) or "-")):
        return language, "session"
    if language := browser_language(request):
        return language, "browser"
    return None, "default"


def _activate(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = translation.get_language()


def apply_workspace_default(request: HttpRequest, language: str) -> None:
    """Answer in the workspace's language when neither the person nor the browser chose."""
    if getattr(request, "language_source", None) == "default" and _supported(language):
        _activate(request, language)
        request.language_source = "workspace"


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Vary and Content-Language) with Sanad's order.

    The choice is made once the view is known, so that views marked `language_fixed`
    (the public site) are left alone: no session read, no Vary.
    """

    def process_request(self, request: HttpRequest) -> None:
        request.language_source = "default"
        _activate(request, settings.LANGUAGE_CODE)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if getattr(view_func, "language_fixed", False):
            request.language_source = "fixed"
            return
        language, source = chosen_language(request)
        request.language_source = source
        if language:
            _activate(request, language)

    def process_response(self, request: HttpRequest, response):
        if getattr(request, "language_source", None) == "fixed":
            return response
        return super().process_response(request, response)
