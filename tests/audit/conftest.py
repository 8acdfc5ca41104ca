import pytest


@pytest.fixture(autouse=True)
def signing_key_path(settings, tmp_path):
    """Each test signs with a fresh key of its own, never the checkout's."""
    path = tmp_path / "keys" / "audit-signing-key.pem"
    settings.SANAD_SIGNING_KEY_PATH = path
    settings.SANAD_SIGNING_KEY = ""
    return path
