"""One definition of what a workspace owns, and backup, restore and purge all use it."""

from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from app.operations import purge
from app.operations.backup import workspace_tables
from app.workspaces.models import Workspace
from app.workspaces.owned import parents_first, workspace_column, workspace_owned_models


def models_pointing_at_a_workspace() -> set[type[models.Model]]:
    """Found independently of `owned`: any stored field whose target is `Workspace`."""
    return {
        model
        for model in apps.get_models()
        if model is not Workspace
        and model._meta.managed
        and any(
            getattr(f, "remote_field", None) is not None and f.remote_field.model is Workspace
            for f in model._meta.get_fields()
            if f.concrete
        )
    }


def test_every_model_with_a_workspace_foreign_key_is_owned():
    pointing = models_pointing_at_a_workspace()

    assert pointing, "the project has tenant models"
    assert set(workspace_owned_models()) == pointing


def test_backup_and_purge_cover_the_same_models():
    backed_up = {table.model for table in workspace_tables()}
    purged = set(purge._workspace_owned_models())

    assert backed_up == {Workspace, *purged}
    assert purged == set(workspace_owned_models())


def test_purge_deletes_children_before_the_rows_they_point_at():
    order = purge._workspace_owned_models()
    position = {model: index for index, model in enumerate(order)}

    for model in order:
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if target in position and target is not model:
                assert position[model] < position[target], (model, target)


@isolate_apps("app.workspaces")
def test_a_foreign_key_to_the_workspace_is_ownership_whatever_its_name():
    class Desk(models.Model):
        newsroom = models.ForeignKey(Workspace, on_delete=models.CASCADE)

        class Meta:
            app_label = "workspaces"

        def __str__(self) -> str:
            return str(self.pk)

    class Note(models.Model):
        desk = models.ForeignKey(Desk, on_delete=models.CASCADE)

        class Meta:
            app_label = "workspaces"

        def __str__(self) -> str:
            return str(self.pk)

    assert workspace_owned_models([Desk, Note, Workspace]) == [Desk]
    assert workspace_column(Desk) == "newsroom_id"
    assert parents_first([Note, Desk]) == [Desk, Note]
