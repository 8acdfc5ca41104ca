"""Settings come from the environment, with safe defaults when it says nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_settings(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"SANAD_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(env)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='app.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.DATABASES['default']['CONN_MAX_AGE'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_is_the_default_and_needs_a_secret_key():
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_settings_are_locked_down():
    result = _load_settings(SECRET_KEY="x" * 50, ALLOWED_HOSTS="sanad.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ['sanad.example.org'] True 31536000 600")


def test_development_mode_turns_debug_on_for_localhost():
    result = _load_settings(SANAD_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True ['127.0.0.1', 'localhost', 'testserver'] False")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "sqlite:///x.db", "SANAD_ENV": "development"}, "PostgreSQL only"),
        ({"DATABASE_URL": "", "SANAD_ENV": "development"}, "DATABASE_URL is not set"),
        ({"SANAD_ENV": "staging"}, "SANAD_ENV must be"),
        ({"SANAD_ENV": "development", "DEBUG": "maybe"}, "DEBUG must be a boolean"),
    ],
)
def test_bad_settings_fail_with_a_clear_message(env, message):
    result = _load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr
