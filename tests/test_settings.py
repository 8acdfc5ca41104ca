"""Settings come from the environment, with safe defaults when it says nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# Variables of the calling environment that would change what the settings say.
_CLEARED = {
    "SANAD_ENV",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "REDIS_URL",
    "SANAD_S3_BUCKET",
    "SANAD_S3_ENDPOINT_URL",
    "SANAD_TRUST_PROXY",
    "SANAD_SIGNING_KEY_PATH",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
}
# What a production deployment must give.
PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "sanad.example.org",
    "SANAD_SIGNING_KEY_PATH": "/run/secrets/sanad-audit-key.pem",
}


def _load_settings(
    code: str = (
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.DATABASES['default']['CONN_MAX_AGE'])"
    ),
    setup: bool = False,
    **env,
) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with `s` = the settings loaded from `env`.

    The settings module is loaded first (every check of the environment is in it); with
    `setup`, django.setup() then loads every app too, which costs about 2 s of CPU a call
    and so is asked for only where a test says the settings boot the whole app.
    """
    environment = {key: value for key, value in os.environ.items() if key not in _CLEARED}
    environment.update(env)
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='app.settings';"
        "from django.conf import settings as s; s.INSTALLED_APPS;"
        + ("import django; django.setup();" if setup else "")
        + code
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
    result = _load_settings(setup=True, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False ['sanad.example.org'] True 31536000 600")


def test_production_needs_a_configured_audit_signing_key():
    without = {key: value for key, value in PRODUCTION.items() if key != "SANAD_SIGNING_KEY_PATH"}
    result = _load_settings(**without)
    assert result.returncode != 0
    assert "SANAD_SIGNING_KEY_PATH must be set in production" in result.stderr

    # The key itself in the environment (shared by several nodes) is configured too.
    result = _load_settings(**without, SANAD_SIGNING_KEY="-----BEGIN PRIVATE KEY-----")
    assert result.returncode == 0, result.stderr

    # Development keeps making one under .local/ on first use.
    result = _load_settings("print(s.SANAD_SIGNING_KEY_PATH)", SANAD_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(".local/audit-signing-key.pem")


_SECURITY = (
    "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
    " s.SECURE_PROXY_SSL_HEADER)"
)


def test_proxy_header_and_hsts_reach_are_off_unless_asked_for():
    result = _load_settings(_SECURITY, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    # A client's own X-Forwarded-Proto is not believed; HSTS covers this host only.
    assert result.stdout.strip() == "31536000 False False None"


def test_the_operator_opts_in_to_the_proxy_header_and_hsts_preload():
    result = _load_settings(
        _SECURITY,
        **PRODUCTION,
        SANAD_TRUST_PROXY="1",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"


_CACHE = "c = s.CACHES['default']; print(c['BACKEND'], c['LOCATION'])"


def test_the_shared_cache_is_a_database_table_by_default():
    result = _load_settings(_CACHE, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.db.DatabaseCache core_cache"


def test_the_shared_cache_is_redis_when_redis_url_is_set():
    result = _load_settings(_CACHE, **PRODUCTION, REDIS_URL="redis://cache.internal:6379/2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/2"
    )


def test_development_mode_turns_debug_on_for_localhost():
    result = _load_settings(setup=True, SANAD_ENV="development")
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


def test_a_bucket_moves_capture_and_job_files_to_object_storage():
    result = _load_settings(
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['location'],"
        " s.STORAGES['jobs']['OPTIONS']['location'], s.STORAGES['jobs']['OPTIONS']['bucket_name'],"
        " s.STORAGES['jobs']['OPTIONS']['endpoint_url'])",
        SANAD_ENV="development",
        SANAD_S3_BUCKET="newsroom-files",
        SANAD_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "media",
        "jobs",
        "newsroom-files",
        "http://127.0.0.1:9000",
    ]
    # And the backend is installed and takes these options.
    result = _load_settings(
        "from storages.backends.s3 import S3Storage; "
        "st = S3Storage(**s.STORAGES['jobs']['OPTIONS']); print(st.bucket_name, st.location)",
        SANAD_ENV="development",
        SANAD_S3_BUCKET="newsroom-files",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["newsroom-files", "jobs"]

    # Without a bucket, the folder.
    result = _load_settings("print('jobs' in s.STORAGES)", SANAD_ENV="development")
    assert result.stdout.strip() == "False"
