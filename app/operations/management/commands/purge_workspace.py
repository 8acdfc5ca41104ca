import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from app.operations.purge import workspace_purge
from app.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Erase a whole workspace, its audit trail included (a legal obligation, not routine). "
        "Run it with the owner's credentials (DATABASE_URL=$DATABASE_OWNER_URL), not the "
        "app's runtime role; signs and logs the final head first. See docs/audit.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--confirm", required=True, metavar="SLUG", help="repeat the slug")
        parser.add_argument("--reason", required=True, help="why, e.g. the court order number")
        parser.add_argument("--operator", default="", help="who runs it (default: the OS user)")

    def handle(self, *args, slug, confirm, reason, operator, **options):
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {slug!r}.")
        try:
            record = workspace_purge(
                workspace=workspace,
                confirm=confirm,
                reason=reason,
                operator=operator or getpass.getuser(),
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(" ".join(messages) for messages in error.message_dict.values())
            ) from None
        except PermissionError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Purged workspace {record.workspace_slug} ({record.event_count} audit events, "
            f"final head seq {record.head_seq} hash {record.head_hash}). "
            f"Operator log entry #{record.pk}; final checkpoint:\n"
        )
        self.stdout.write(str(record.final_checkpoint))
