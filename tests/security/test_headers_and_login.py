"""Security headers, deployment settings and login throttling."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_check_deploy_passes_with_no_warnings_in_production():
    environment = {
        key: value
        for key, value in os.environ.items()
        # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment
        # never has it.
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SANAD_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(
        SANAD_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="sanad.example.org",
        SANAD_SIGNING_KEY_PATH="/run/secrets/sanad-audit-key.pem",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Silenced: HSTS includeSubDomains and preload, off unless the operator opts in.
    assert "no issues (2 silenced)" in result.stdout


def test_pages_carry_a_strict_content_security_policy(client, team):
    client.force_login(team.viewer)
    response = client.get(reverse("workspace-home", kwargs={"slug": team.workspace.slug}))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_hold_no_inline_script_or_style():
    """The policy forbids them, so a template that used one would break in the browser."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for needle in ("<style", " style=", " onclick=", " onload=", " onerror=", " onsubmit="):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle.strip()}")
        for line in text.splitlines():
            # A JSON-LD block (public fact-checks' ClaimReview) is data, never run, and
            # outside script-src; anything else inline is script.
            data_block = '<script type="application/ld+json">' in line
            if "<script" in line and "src=" not in line and not data_block:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
    assert offenders == []


def test_login_guessing_locks_the_username_from_that_address_out(client):
    user = UserFactory(username="guessed")
    user.set_password("the-right-passphrase-42")
    user.save()
    url = reverse("login")
    for attempt in range(4):
        response = client.post(url, {"username": "guessed", "password": f"wrong-{attempt}"})
        assert response.status_code == 200  # the form again, with its error
    fifth = client.post(url, {"username": "guessed", "password": "wrong-5"})
    assert fifth.status_code == 429
    # Now even the right password is refused from this address.
    locked = client.post(url, {"username": "guessed", "password": "the-right-passphrase-42"})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out for this user.
    other = client.post(
        url,
        {"username": "guessed", "password": "the-right-passphrase-42"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert other.status_code == 302


def test_a_weak_new_password_is_refused(client):
    user = UserFactory(username="weak")
    user.set_password("the-right-passphrase-42")
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "the-right-passphrase-42",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "too common" in page or "entirely numeric" in page
    user.refresh_from_db()
    assert user.check_password("the-right-passphrase-42")


def test_only_the_api_docs_page_may_load_data_images(client, team):
    """Swagger UI's icons are data: SVGs; nowhere else needs them."""
    docs = client.get("/api/v1/docs/").headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in docs and "script-src 'self';" in docs + ";"
    client.force_login(team.viewer)
    page = client.get(reverse("workspace-home", kwargs={"slug": team.workspace.slug}))
    assert "data:" not in page.headers["Content-Security-Policy"]
