"""Which models a workspace owns: the one definition backup, restore and purge share.

A model is the workspace's when one of its foreign keys points at `Workspace` (many
rows to one workspace), whatever that field is called: a row that names its
workspace belongs to it. Unmanaged and proxy models hold no rows of their own.
Nothing here lists a model, so a model added later is owned the moment it points at
its workspace.
"""

import graphlib
from collections.abc import Iterable

from django.apps import apps
from django.db import models

from app.workspaces.models import Workspace


def _workspace_relations(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.many_to_one and f.related_model is Workspace
    ]


def workspace_owned_models(
    candidates: Iterable[type[models.Model]] | None = None,
) -> list[type[models.Model]]:
    """Every model whose rows a workspace owns (the workspace itself not included).

    Among `candidates` (all installed models by default), in their order;
    `parents_first` orders them for writing.
    """
    return [
        model
        for model in (apps.get_models() if candidates is None else candidates)
        if model is not Workspace
        and model._meta.managed
        and not model._meta.proxy
        and _workspace_relations(model)
    ]


def workspace_column(model: type[models.Model]) -> str:
    """The column naming the owning workspace: `workspace_id` when the model has one."""
    relations = _workspace_relations(model)
    named = [f for f in relations if f.name == "workspace"]
    return (named or relations)[0].column


def parents_first(owned: list[type[models.Model]]) -> list[type[models.Model]]:
    """`owned` ordered so every model comes after the owned models it points at.

    Deleting goes the other way round (children before parents).
    """
    graph = graphlib.TopologicalSorter()
    inside = set(owned)
    for model in owned:
        parents = {
            f.related_model
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in inside and f.related_model is not model
        }
        graph.add(model, *parents)
    return list(graph.static_order())
