import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from app.operations.backup import BackupError, workspace_export
from app.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Write one workspace (every table it owns, the users it refers to, and its audit "
        "trail as the canonical export) into a single zip archive for import_workspace."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "-o",
            "--output",
            help="archive path (default: <slug>-<UTC time>.sanad.zip in the current folder)",
        )

    def handle(self, *args, slug, output, **options):
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {slug!r}.")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        path = Path(output or f"{slug}-{stamp}.sanad.zip")
        if path.exists():
            raise CommandError(f"{path} exists; choose another path.")
        # Progress goes to stderr, so that stdout carries only the archive's path.
        try:
            summary = workspace_export(
                workspace=workspace, path=path, log=lambda line: self.stderr.write(line)
            )
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"Exported workspace {summary.workspace_slug}: {sum(summary.rows.values())} rows "
            f"in {len(summary.rows)} tables, {summary.users} users, "
            f"{summary.audit_events} audit events (head {summary.head_hash}). "
            "No audit event was appended."
        )
        self.stdout.write(str(path))
