from django.core.management.base import BaseCommand, CommandError

from app.audit.services import checkpoint_create
from app.core.errors import DomainError
from app.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Sign a checkpoint of the audit chain's head, for one workspace or all (for a scheduler)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--workspace", metavar="SLUG", help="the workspace's slug")
        target.add_argument("--all", action="store_true", help="every workspace")

    def handle(self, *args, workspace=None, all=False, **options):
        if all:
            workspaces = list(Workspace.objects.order_by("slug"))
        else:
            workspaces = list(Workspace.objects.filter(slug=workspace))
            if not workspaces:
                raise CommandError(f"No workspace with the slug {workspace!r}.")
        for target in workspaces:
            try:
                checkpoint = checkpoint_create(workspace=target, actor=None)
            except DomainError as error:
                self.stderr.write(f"{target.slug}: {error.message}")
                continue
            self.stdout.write(
                f"{target.slug}: signed seq {checkpoint.seq} hash {checkpoint.hash} "
                f"at {checkpoint.at} (key {checkpoint.key_id[:16]})"
            )
