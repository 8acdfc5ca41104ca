"""The OS user the server runs as (never root), and the directories it must reach."""

from __future__ import annotations

import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .cluster import Cluster
from .config import DEFAULT_OS_USER, DevDbError, log


@dataclass(frozen=True)
class OsUser:
    name: str
    uid: int
    gid: int

    @classmethod
    def from_pw(cls, entry: pwd.struct_passwd) -> OsUser:
        return cls(entry.pw_name, entry.pw_uid, entry.pw_gid)

    def groups(self) -> set[int]:
        return set(os.getgrouplist(self.name, self.gid))

    def subprocess_kwargs(self) -> dict:
        if os.geteuid() == self.uid:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": sorted(self.groups())}


def current_user() -> OsUser:
    return OsUser.from_pw(pwd.getpwuid(os.geteuid()))


def server_user(cluster: Cluster) -> OsUser:
    """The OS user the server runs as."""
    if os.geteuid() != 0:
        me = current_user()
        if cluster.data.exists() and cluster.data.stat().st_uid != me.uid:
            owner = owner_name(cluster.data)
            raise DevDbError(
                f"{cluster.data} belongs to {owner}; run this as {owner} or as root, "
                f"or delete {cluster.root}"
            )
        return me
    if cluster.data.exists():
        owner_uid = cluster.data.stat().st_uid
        if owner_uid != 0:
            try:
                return OsUser.from_pw(pwd.getpwuid(owner_uid))
            except KeyError:
                raise DevDbError(
                    f"{cluster.data} belongs to uid {owner_uid}, which has no account"
                ) from None
    name = os.environ.get("SANAD_PG_USER", DEFAULT_OS_USER)
    if name == "root":
        raise DevDbError("PostgreSQL cannot run as root; SANAD_PG_USER must name another user")
    try:
        return OsUser.from_pw(pwd.getpwnam(name))
    except KeyError:
        pass
    log(f"creating the system user {name!r} to run PostgreSQL (it refuses to run as root)")
    if shutil.which("useradd"):
        command = [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name,
        ]
    elif shutil.which("adduser"):  # busybox / Alpine
        command = ["adduser", "-S", "-D", "-H", "-s", "/sbin/nologin", name]
    else:
        raise DevDbError(f"no user {name!r} and neither useradd nor adduser to create it")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DevDbError(f"could not create user {name!r}: {result.stderr.strip()}")
    return OsUser.from_pw(pwd.getpwnam(name))


def owner_name(path: Path) -> str:
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _can_search(st: os.stat_result, user: OsUser, groups: set[int]) -> bool:
    if user.uid == 0:
        return True
    if st.st_uid == user.uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid in groups:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def ensure_traversable(target: Path, user: OsUser) -> None:
    """Let `user` reach `target`: add o+x to the directories on the way that need it."""
    if user.uid == os.geteuid():
        return
    groups = user.groups()
    for directory in [*reversed(target.parents), target]:
        st = directory.stat()
        if _can_search(st, user, groups):
            continue
        os.chmod(directory, stat.S_IMODE(st.st_mode) | stat.S_IXOTH)
        log(
            f"added the search bit for others (o+x) on {directory} so that "
            f"the {user.name} user can reach {target}"
        )


def check_access(user: OsUser, path: Path) -> None:
    if user.uid == os.geteuid():
        return
    result = subprocess.run(
        ["/bin/sh", "-c", 'cd -- "$1"', "sh", str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        **user.subprocess_kwargs(),
    )
    if result.returncode != 0:
        raise DevDbError(f"the {user.name} user cannot enter {path}: {result.stderr.strip()}")


def chown_to(path: Path, user: OsUser) -> None:
    if os.geteuid() == 0 and path.stat().st_uid != user.uid:
        os.chown(path, user.uid, user.gid)
