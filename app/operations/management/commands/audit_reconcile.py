import json

from django.core.management.base import BaseCommand, CommandError

from app.operations.reconcile import drift_lines, workspace_reconcile
from app.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Replay a workspace's audit trail and compare it with the live data; "
        "exit 1 when any object drifted from what its events say."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, workspace: str, json: bool = False, **options):
        found = Workspace.objects.filter(slug=workspace).first()
        if found is None:
            raise CommandError(f"No workspace with the slug {workspace!r}.")
        report = workspace_reconcile(workspace=found)
        if json:
            self.stdout.write(_json(report.as_dict()))
        else:
            for line in drift_lines(report):
                self.stdout.write(line)
            checked = ", ".join(f"{n:,} {kind}" for kind, n in report.checked.items())
            verdict = "OK: no drift" if report.ok else f"DRIFT: {len(report.drift)} field(s)"
            self.stdout.write(f"{verdict} ({checked}; {report.events:,} events replayed)")
        if not report.ok:
            raise SystemExit(1)


def _json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)
