"""Account pages: Django's own password views, noted in the security log, and the
person's account page (their security log and e-mail preference)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from app.accounts.models import SecurityEvent
from app.accounts.security import security_event_record
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
