from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from app.core.db_roles import apply_runtime_grants, runtime_grants


class Command(BaseCommand):
    help = (
        "Give the app's runtime database role exactly the privileges it needs (read and "
        "write the domain's tables, only read and append to the audit trail). Run it as the "
        "role that owns the tables, after every migrate; --print shows the SQL for a DBA."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the runtime role, e.g. sanad_app")
        parser.add_argument("--print", action="store_true", help="print the SQL, change nothing")

    def handle(self, *args, role: str, **options):
        try:
            statements = runtime_grants(role)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["print"]:
            for statement in statements:
                self.stdout.write(statement + ";")
            return
        try:
            apply_runtime_grants(role)
        except DatabaseError as error:
            raise CommandError(
                f"could not grant to {role!r} (run this as the tables' owner): {error}"
            ) from None
        self.stdout.write(f"granted the runtime privileges to {role}")
