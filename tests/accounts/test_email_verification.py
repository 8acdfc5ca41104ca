"""E-mail verification: a signed link mailed to the address (locmem backend)."""

import pytest
from django.core import mail, signing
from django.urls import reverse

from app.accounts.verification import verification_token
from app.invitations.services import invitation_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link_in(message) -> str:
    return next(line.strip() for line in message.body.splitlines() if "/account/verify/" in line)


def test_a_new_invitee_gets_a_link_that_confirms_the_address(client, team):
    issued = invitation_create(
        workspace=team.workspace, email="new@example.org", role="viewer", actor=team.admin
    )
    client.post(
        reverse("invitation-accept", kwargs={"token": issued.token}),
        {
            "username": "newbie",
            "display_name": "",
            "password": "a long and unusual passphrase",
            "password_again": "a long and unusual passphrase",
        },
    )
    message = mail.outbox[-1]
    assert message.to == ["new@example.org"]
    assert message.subject == "Confirm your e-mail address for Sanad"
    assert "not confirmed" in client.get(reverse("account")).content.decode()
    response = client.get(_link_in(message))
    assert response.status_code == 302
    assert "data-email-verified" in client.get(reverse("account")).content.decode()


def test_the_account_page_sends_a_new_link(client):
    person = UserFactory(username="asks")
    client.force_login(person)
    client.post(reverse("account-verify-send"))
    assert mail.outbox[0].to == [person.email]
    client.logout()
    assert client.get(_link_in(mail.outbox[0])).status_code == 302  # no sign-in needed
    person.refresh_from_db()
    assert person.email_verified_at is not None


def test_a_link_for_an_old_address_or_a_forged_one_fails(client):
    person = UserFactory(username="moved")
    token = verification_token(person)
    person.email = "elsewhere@example.org"
    person.save()
    assert client.get(reverse("account-verify", kwargs={"token": token})).status_code == 400
    forged = signing.TimestampSigner(salt="other").sign_object(
        {"id": person.pk, "email": person.email}
    )
    assert client.get(reverse("account-verify", kwargs={"token": forged})).status_code == 400
    person.refresh_from_db()
    assert person.email_verified_at is None


def test_without_email_nothing_is_sent(client, settings):
    settings.SANAD_EMAIL_ENABLED = False
    person = UserFactory(username="quiet")
    client.force_login(person)
    client.post(reverse("account-verify-send"))
    assert mail.outbox == []
