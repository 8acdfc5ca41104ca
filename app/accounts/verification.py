"""E-mail address verification: a signed, expiring link mailed to the address.

The link signs the user's id *and* the address (Django's `TimestampSigner`, keyed by
SECRET_KEY), so it stops working when the address changes; nothing is stored until the
link is opened.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from app.core.errors import DomainError

_SALT = "sanad.accounts.email-verification"
MAX_AGE_SECONDS = 3 * 24 * 3600


class VerificationFailed(DomainError):
    code = "verification_failed"
    status = 400


def verification_token(user: Any) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object({"id": user.pk, "email": user.email})


def verification_email_send(*, user: Any, base_url: str) -> bool:
    """Mail a verification link to the user's address; False when e-mail is off or the
    user has no address."""
    if not settings.SANAD_EMAIL_ENABLED or not user.email:
        return False
    link = base_url.rstrip("/") + reverse(
        "account-verify", kwargs={"token": verification_token(user)}
    )
    send_mail(
        subject=_("Confirm your e-mail address for Sanad"),
        message=render_to_string("accounts/verification_email.txt", {"user": user, "link": link}),
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def email_verify(*, token: str) -> Any:
    """Mark the address in `token` verified. Raises `VerificationFailed` for a bad,
    expired or outdated link (the address changed since)."""
    try:
        data = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise VerificationFailed(_("This link has expired; ask for a new one.")) from None
    except signing.BadSignature:
        raise VerificationFailed(_("This verification link is not valid.")) from None
    user = get_user_model().objects.filter(pk=data.get("id")).first()
    if user is None or not user.email or user.email != data.get("email"):
        raise VerificationFailed(_("This link is for an address the account no longer has."))
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user
