"""What apps above workspaces add to a new workspace, registered when Django starts.

A workspace is born with a rating scale, but ratings belong to the claims app, which
sits above workspaces: the claims app registers its part here (`ClaimsConfig.ready`)
and `workspace_create` runs every registered part inside its own transaction.
"""

from collections.abc import Callable
from typing import Any

_on_created: list[Callable[..., Any]] = []


def on_workspace_created(listener: Callable[..., Any]) -> None:
    """Register `listener(workspace=, actor=)` (once) for every workspace created."""
    if listener not in _on_created:
        _on_created.append(listener)


def workspace_created(*, workspace: Any, actor: Any) -> None:
    """Run every registered listener, in registration order, in the caller's transaction."""
    for listener in _on_created:
        listener(workspace=workspace, actor=actor)
