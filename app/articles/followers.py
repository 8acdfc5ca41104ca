"""What follows an article onto its new snapshot, done by an app above articles.

Claims are anchored to snapshots, so a new snapshot moves them (re-anchoring), and a
re-import preview says where they would land. Articles sit below claims and cannot
import them: the claims app registers its follower here when Django starts
(`ClaimsConfig.ready`), as the notifications app registers with the audit trail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SnapshotFollower:
    # (previous=, snapshot=, actor=) -> {state: count}; runs inside the import's transaction.
    follow: Callable[..., dict]
    # (previous=, text=) -> ({state: count}, published claims affected); writes nothing.
    preview: Callable[..., tuple[dict, int]]


_followers: list[SnapshotFollower] = []


def on_new_snapshot(follower: SnapshotFollower) -> None:
    """Register `follower` (once) for every snapshot that replaces an earlier one."""
    if follower not in _followers:
        _followers.append(follower)


def _merged(counts: list[dict]) -> dict:
    total: dict = {}
    for each in counts:
        for state, count in each.items():
            total[state] = total.get(state, 0) + count
    return total


def snapshot_followed(*, previous: Any, snapshot: Any, actor: Any) -> dict:
    """Move what `previous` carried onto `snapshot`; how many landed in each state."""
    return _merged(
        [f.follow(previous=previous, snapshot=snapshot, actor=actor) for f in _followers]
    )


def snapshot_follow_preview(*, previous: Any, text: str) -> tuple[dict, int]:
    """Where what `previous` carries would land on `text`, and how many published ones move."""
    previews = [f.preview(previous=previous, text=text) for f in _followers]
    return _merged([counts for counts, _ in previews]), sum(moved for _, moved in previews)
