"""The private cluster's pure logic (scripts/localpg): no server is started here."""

import os
import stat
from pathlib import Path

import pytest

from scripts.localpg import bindirs, cluster
from scripts.localpg.cluster import Cluster, read_marker, select_cluster, write_marker
from scripts.localpg.config import DevDbError
from scripts.localpg.server import PidFile, connection_url, parse_lock_file

PIDFILE = """11141
/work/sanad/.local/pg/data
1796123402
5433
/work/sanad/.local/pg/data
*
  5349925         9
ready
"""


def test_a_postmaster_pid_file_is_read_line_by_line():
    info = parse_lock_file(PIDFILE)
    assert info == PidFile(
        pid=11141,
        data_dir=Path("/work/sanad/.local/pg/data"),
        start_time=1796123402,
        port=5433,
        socket_dir=Path("/work/sanad/.local/pg/data"),
        status="ready",
    )


@pytest.mark.parametrize("text", ["", "starting\n", "-\n"])
def test_a_half_written_pid_file_reads_as_no_server(text):
    assert parse_lock_file(text).pid == 0


def test_a_standalone_backend_pid_is_read_as_positive():
    assert parse_lock_file("-4242\n/data\n").pid == 4242


def test_the_url_names_the_socket_directory_as_an_escaped_host():
    info = parse_lock_file(PIDFILE)
    assert connection_url(info) == (
        "postgresql://postgres@%2Fwork%2Fsanad%2F.local%2Fpg%2Fdata:5433/sanad"
    )
    assert connection_url(info, role="sanad_app").startswith("postgresql://sanad_app@")


def test_the_socket_stays_in_a_short_plain_data_directory():
    short = Cluster(Path("/srv/sanad/.local/pg"), "system")
    assert short.default_socket_dir() == Path("/srv/sanad/.local/pg/data")


@pytest.mark.parametrize(
    "root", ["/srv/" + "deep/" * 20 + ".local/pg", "/home/Jane Doe/sanad/.local/pg"]
)
def test_a_long_or_unusual_data_path_gets_a_socket_directory_in_tmp(root):
    socket_dir = Cluster(Path(root), "system").default_socket_dir()
    assert socket_dir.parent == Path("/tmp")  # noqa: S108 - where the module puts it
    assert socket_dir.name.startswith("sanad-")
    # The same cluster always gets the same directory.
    assert Cluster(Path(root), "system").default_socket_dir() == socket_dir


def _fake_bindir(path: Path, tools=bindirs.SERVER_TOOLS) -> Path:
    path.mkdir(parents=True)
    for tool in tools:
        (path / tool).write_text("#!/bin/sh\n")
        (path / tool).chmod(stat.S_IRWXU)
    return path


def test_binaries_are_found_on_path_and_in_debians_versioned_layout(tmp_path, monkeypatch):
    on_path = _fake_bindir(tmp_path / "opt" / "bin")
    debian = tmp_path / "debian"
    sixteen = _fake_bindir(debian / "16" / "bin")
    _fake_bindir(debian / "15" / "bin", tools=("psql",))  # client only: not a server
    _fake_bindir(debian / "beta" / "bin")  # not a version number
    monkeypatch.setattr(bindirs, "DEBIAN_ROOT", debian)
    monkeypatch.setenv("PATH", f"{on_path}{os.pathsep}{os.environ['PATH']}")

    found = bindirs.system_bindirs()

    assert (None, on_path.resolve()) in found
    assert (16, sixteen.resolve()) in found
    assert len(found) == 2


def test_no_server_binaries_anywhere_finds_none(tmp_path, monkeypatch):
    monkeypatch.setattr(bindirs, "DEBIAN_ROOT", tmp_path / "absent")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert bindirs.system_bindirs() == []


@pytest.fixture
def local(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "LOCAL", tmp_path)
    monkeypatch.delenv("SANAD_PG", raising=False)
    return tmp_path


def test_the_marker_records_the_backend_and_more(local):
    (local / "pg").mkdir()
    write_marker(Cluster(local / "pg", "embedded"), bindir="/opt/pg/bin")
    assert read_marker(local / "pg") == {"backend": "embedded", "bindir": "/opt/pg/bin"}
    assert read_marker(local / "nowhere") == {}


def test_auto_picks_system_binaries_for_a_new_cluster_when_there_are_some(local, monkeypatch):
    monkeypatch.setattr(cluster, "system_bindirs", lambda: [(16, Path("/usr/bin"))])
    assert select_cluster(for_start=True) == Cluster(local / "pg", "system")
    monkeypatch.setattr(cluster, "system_bindirs", list)
    assert select_cluster(for_start=True) == Cluster(local / "pg", "embedded")


def test_a_recorded_cluster_is_only_run_by_its_own_backend(local, monkeypatch):
    (local / "pg").mkdir()
    write_marker(Cluster(local / "pg", "system"))
    monkeypatch.setattr(cluster, "system_bindirs", list)

    # Its system binaries are gone: a start gets a separate embedded cluster.
    assert select_cluster(for_start=True) == Cluster(local / "pg-embedded", "embedded")
    assert select_cluster(for_start=False) == Cluster(local / "pg", "system")
    monkeypatch.setenv("SANAD_PG", "embedded")
    assert select_cluster(for_start=True) == Cluster(local / "pg-embedded", "embedded")


@pytest.mark.parametrize("value", ["docker", "systemd"])
def test_an_unknown_sanad_pg_is_refused(local, monkeypatch, value):
    monkeypatch.setenv("SANAD_PG", value)
    with pytest.raises(DevDbError, match="SANAD_PG must be auto, system or embedded"):
        select_cluster(for_start=False)
