"""Each person's security log: sign-ins, failures, lockouts, password changes and resets."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from app.accounts.models import SecurityEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-passphrase-42"


@pytest.fixture
def person():
    user = UserFactory(username="leila")
    user.set_password(PASSWORD)
    user.save()
    return user


def _kinds(user) -> list[str]:
    return list(
        SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def _sign_in(client, password=PASSWORD, agent="Browser A"):
    return client.post(
        reverse("login"), {"username": "leila", "password": password}, HTTP_USER_AGENT=agent
    )


def test_sign_ins_and_a_new_browser_are_logged(client, person):
    assert _sign_in(client).status_code == 302
    client.logout()
    _sign_in(client)
    client.logout()
    _sign_in(client, agent="Browser B")
    assert _kinds(person) == ["signed_in", "signed_in", "signed_in_new_device"]
    event = SecurityEvent.objects.filter(user=person).order_by("id").last()
    assert event.user_agent == "Browser B" and event.ip_address == "127.0.0.1"


def test_failures_and_the_lockout_are_logged(client, person):
    for attempt in range(5):
        _sign_in(client, password=f"wrong-{attempt}")
    kinds = _kinds(person)
    assert kinds.count("sign_in_failed") == 5
    assert "locked_out" in kinds


def test_an_unknown_username_logs_nothing(client, person):
    client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert not SecurityEvent.objects.exists()


def test_a_password_change_is_logged(client, person):
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    assert _kinds(person)[-1] == "password_changed"


def test_a_password_reset_is_logged(client, person):
    url = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    form = client.get(url, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another long passphrase", "new_password2": "another long passphrase"},
    )
    assert _kinds(person) == ["password_reset"]


def test_the_account_page_shows_only_ones_own_log(client, person):
    other = UserFactory(username="other")
    SecurityEvent.objects.create(user=other, kind="sign_in_failed", user_agent="Other browser")
    _sign_in(client)
    page = client.get(reverse("account")).content.decode()
    assert 'data-security-event="signed_in"' in page
    assert "Other browser" not in page


def test_the_digest_preference_is_saved_and_checked(client, person):
    from app.notifications.models import NotificationPreference

    client.force_login(person)
    client.post(reverse("account-digest"), {"digest": "daily"})
    assert NotificationPreference.objects.get(user=person).digest == "daily"
    client.post(reverse("account-digest"), {"digest": "hourly"})
    assert NotificationPreference.objects.get(user=person).digest == "daily"


def test_a_reset_by_email_sends_a_working_link_in_the_apps_own_words(client, person):
    from django.core import mail

    assert "Forgot your password?" in client.get(reverse("login")).content.decode()
    page = client.get(reverse("password_reset"))
    assert 'href="/static/css/sanad.css"' in page.content.decode()  # styled like the app
    client.post(reverse("password_reset"), {"email": person.email})
    message = mail.outbox[0]
    assert message.subject == "Reset your Sanad password"
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    form = client.get(link.strip(), follow=True)
    assert form.context["validlink"] is True
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "another long passphrase", "new_password2": "another long passphrase"},
    )
    person.refresh_from_db()
    assert person.check_password("another long passphrase")
    assert _kinds(person)[-1] == "password_reset"
