"""Settings for the test suite: the normal settings in `test` mode."""

import os

os.environ.setdefault("SANAD_ENV", "test")

from app.settings import *  # noqa: F403

# Hashing passwords properly costs ~100 ms each; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Files of background jobs: never the development storage folder.
SANAD_STORAGE_DIR = LOCAL_DIR / "test-storage"  # noqa: F405
# Capture files: never the development media folder (each test gets its own, tests/conftest.py).
MEDIA_ROOT = LOCAL_DIR / "test-media"  # noqa: F405
