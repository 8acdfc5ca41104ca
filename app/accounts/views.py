"""Account pages: Django's own password views, noted in the security log, and the
person's account page (their security log and e-mail preference)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.accounts.locale import SESSION_LANGUAGE_KEY, chosen_language
from app.accounts.models import LANGUAGE_CHOICES, SecurityEvent, User
from app.accounts.security import security_event_record
from app.accounts.services import user_preferences_set
from app.accounts.verification import email_verify, verification_email_send


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(
            user=self.request.user, kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        security_event_record(
            user=form.user, kind=SecurityEvent.Kind.PASSWORD_RESET, request=self.request
        )
        return response


@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    # The e-mail digest's form comes from the notifications app's `digest_preference` tag.
    return render(
        request,
        "accounts/account.html",
        {
            "events": SecurityEvent.objects.filter(user=request.user)[:100],
            "email_enabled": settings.SANAD_EMAIL_ENABLED,
            "language_choices": LANGUAGE_CHOICES,
            "calendar_choices": User.Calendar.choices,
        },
    )


@login_required
@require_POST
def verification_send_view(request: HttpRequest) -> HttpResponse:
    if verification_email_send(user=request.user, base_url=request.build_absolute_uri("/")):
        messages.success(request, _("A confirmation link is on its way to your address."))
    else:
        messages.error(request, _("No e-mail can be sent: this server or your account has none."))
    return redirect("account")


def verify_view(request: HttpRequest, token: str) -> HttpResponse:
    """Open a verification link (signed in or not: the link itself is the proof)."""
    email_verify(token=token)
    messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("account" if request.user.is_authenticated else "login")


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def language_set_view(request: HttpRequest) -> HttpResponse:
    """The header's language switcher: the person's profile if signed in, else the session."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Sanad does not speak this language."))
        return redirect(_safe_next(request))
    if request.user.is_authenticated:
        user_preferences_set(user=request.user, language=language)
    request.session[SESSION_LANGUAGE_KEY] = language
    return redirect(_safe_next(request))


@login_required
@require_POST
def preferences_view(request: HttpRequest) -> HttpResponse:
    """The account page's language and calendar."""
    try:
        user_preferences_set(
            user=request.user,
            language=request.POST.get("language", ""),
            calendar=request.POST.get("calendar", request.user.preferred_calendar),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("account")
    request.session.pop(SESSION_LANGUAGE_KEY, None)
    # The confirmation is in the language just chosen.
    chosen, _source = chosen_language(request)
    with translation.override(chosen or settings.LANGUAGE_CODE):
        messages.success(request, _("Your preferences are saved."))
    return redirect("account")
