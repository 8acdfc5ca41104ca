"""E-mail settings: from EMAIL_URL or EMAIL_HOST; console in development; off in production
unless configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "sanad.example.org",
    "SANAD_SIGNING_KEY_PATH": "/run/secrets/sanad-audit-key.pem",
}


def _email_settings(**env) -> str:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("EMAIL_")
        and key
        not in {"SANAD_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    code = (
        # The settings module alone (where the e-mail settings are made): django.setup()
        # would load every app, ~2 s of CPU a call (tests/test_settings.py boots the app).
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='app.settings';"
        "from django.conf import settings as s;"
        "print(s.EMAIL_BACKEND.rsplit('.', 2)[1], s.SANAD_EMAIL_ENABLED,"
        " getattr(s, 'EMAIL_HOST', ''), getattr(s, 'EMAIL_PORT', ''), s.EMAIL_USE_TLS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION, "dummy False"),
        ({"SANAD_ENV": "development"}, "console True"),
        (
            {**PRODUCTION, "EMAIL_URL": "smtp://mailer:secret@mail.example:587/?tls=True"},
            "smtp True mail.example 587 True",
        ),
        (
            {**PRODUCTION, "EMAIL_HOST": "relay.example", "EMAIL_PORT": "2525"},
            "smtp True relay.example 2525 True",
        ),
    ],
    ids=["production-off", "development-console", "email-url", "email-host"],
)
def test_email_is_configured_from_the_environment(env, expected):
    assert _email_settings(**env).startswith(expected)
