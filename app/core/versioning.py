"""Optimistic locking, the same for every versioned row (claims, articles).

Every write to such a row locks it for the transaction and checks that the writer
saw the current version: of two people acting on the same version, the second waits
for the first's transaction, then gets `StaleVersion`.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from app.core.errors import StaleVersion


def lock_version(
    queryset: models.QuerySet, pk: Any, version: int, *, noun: str, of: tuple[str, ...] = ()
) -> Any:
    """The row `pk` of `queryset`, locked, if it is still at `version`.

    `of` names the tables to lock when the queryset joins others (PostgreSQL's
    `FOR UPDATE OF`; needed when one of them is outer-joined); empty locks them all.
    """
    current = queryset.select_for_update(of=of).get(pk=pk)
    if current.version != version:
        raise StaleVersion(
            _(
                "This %(noun)s was changed since you opened it (version %(version)s; it is "
                "now at version %(current)s). Reload to see the current %(noun)s."
            )
            % {"noun": noun, "version": version, "current": current.version}
        )
    return current


def changed_values(instance: models.Model, values: dict) -> dict:
    """The entries of `values` that differ from the instance's fields."""
    return {name: value for name, value in values.items() if getattr(instance, name) != value}
