"""The invitation e-mail: what the invitee reads, sent only when e-mail is configured."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from app.invitations.models import Invitation


def invitation_email_send(*, invitation: Invitation, link: str) -> bool:
    """Mail the link to the invitee; False when e-mail is off (the admin passes it on).

    The message names only this workspace, its inviter and the role.
    """
    if not settings.SANAD_EMAIL_ENABLED:
        return False
    context = {"invitation": invitation, "link": link, "workspace": invitation.workspace}
    # The invitee has no account yet, so no language of their own: the workspace's.
    with translation.override(invitation.workspace.default_language):
        subject = _("You are invited to %(workspace)s on Sanad") % {
            "workspace": invitation.workspace.name
        }
        message = render_to_string("invitations/email.txt", context)
    send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])
    return True
