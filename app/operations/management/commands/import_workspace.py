from django.core.management.base import BaseCommand, CommandError

from app.operations.backup import BackupError, workspace_import


class Command(BaseCommand):
    help = (
        "Restore a workspace archive written by export_workspace into this database, in one "
        "transaction, with its original ids and an identical audit chain. Refuses a corrupt "
        "archive, a different migration state, or a workspace that already exists here."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        try:
            summary = workspace_import(path=archive, log=lambda line: self.stderr.write(line))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(
            f"Restored workspace {summary.workspace.slug}: {sum(summary.rows.values())} rows "
            f"in {len(summary.rows)} tables; {summary.audit_events} audit events verified, "
            f"head {summary.head_hash}; users matched {len(summary.users_matched)}, "
            f"created {len(summary.users_created)}. No audit event was appended."
        )
        self.stdout.write(summary.workspace.slug)
