"""What the commands do: bring the cluster up under a lock, or find it running."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator

from .binaries import binaries
from .cluster import Cluster, read_marker, select_cluster, write_marker
from .config import DevDbError, log
from .control import initialize, start
from .database import bootstrap
from .osuser import server_user
from .server import connection_url, probe, remove_stale_pidfile, stop_orphans, wait_until_settled


@contextlib.contextmanager
def locked(cluster: Cluster) -> Iterator[None]:
    cluster.root.mkdir(parents=True, exist_ok=True)
    with open(cluster.root / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another devdb run on {cluster.root}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def ensure() -> str:
    cluster = select_cluster(for_start=True)
    with locked(cluster):
        state, info = wait_until_settled(cluster)
        if state == "busy":
            raise DevDbError(
                f"the server (pid {info.pid}) does not accept connections; see {cluster.log_file}"
            )
        bins = binaries(cluster, install=True)
        if state != "running":
            user = server_user(cluster)
            stop_orphans(cluster)
            if not cluster.initialized():
                initialize(cluster, bins, user)
            elif not read_marker(cluster.root):
                write_marker(cluster)
            if state == "stale":
                remove_stale_pidfile(cluster, info)
            start(cluster, bins, user)
            state, info = probe(cluster)
            if state != "running":
                raise DevDbError(f"the server did not come up; see {cluster.log_file}")
        bootstrap(cluster, bins, info)
        return connection_url(info)


def running_url(cluster: Cluster) -> str | None:
    if not cluster.data.is_dir():
        return None
    state, info = probe(cluster)
    return connection_url(info) if state == "running" else None
