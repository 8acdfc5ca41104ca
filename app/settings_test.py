"""Settings for the test suite: the normal settings in `test` mode."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SANAD_ENV", "test")
# Files the tests make (background jobs' files, the signing key) go to a temporary folder,
# never into the checkout. Set in the environment, so that subprocesses (manage.py, a
# gunicorn or worker a test starts, xdist's workers) use the same folder; removed at exit
# by the process that made it.
if not os.environ.get("SANAD_TEST_FILES"):
    os.environ["SANAD_TEST_FILES"] = tempfile.mkdtemp(prefix="sanad-test-files-")
    atexit.register(shutil.rmtree, os.environ["SANAD_TEST_FILES"], ignore_errors=True)
os.environ["SANAD_STORAGE_DIR"] = os.path.join(os.environ["SANAD_TEST_FILES"], "storage")
os.environ["SANAD_SIGNING_KEY_PATH"] = os.path.join(os.environ["SANAD_TEST_FILES"], "signing.pem")
os.environ.pop("SANAD_SIGNING_KEY", None)
# The caches stay in the test database, so a test's entries go with its rolled-back
# transaction: an outside Redis would carry them into the next test, which may reuse the
# same rows (tests/conftest.py shares fixtures' rows) and so the same cache keys.
os.environ.pop("REDIS_URL", None)

from app.settings import *  # noqa: F403

# Hashing passwords properly costs ~100 ms each; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
