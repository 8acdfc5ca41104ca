"""Re-check cited sources' URLs: mark the ones whose page is gone or changed since the capture."""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from app.sources.captures import links_check_due
from app.sources.models import LinkStatus
from app.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Fetch each cited source again and mark sources whose page answers 4xx/5xx or "
        "cannot be reached (gone) or whose text differs from the latest capture (changed). "
        "The worker runs the same check daily (the `sanad.check_links` periodic task); this "
        "command runs it now. Exit code 0 even when links are broken: broken links are "
        "findings, shown on claim pages and in the link report."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", help="only this workspace (its slug)")
        parser.add_argument(
            "--older-than-hours",
            type=float,
            default=0,
            help="skip sources checked less than this many hours ago",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, workspace=None, older_than_hours=0, no_progress=False, **options):
        target = None
        if workspace:
            target = Workspace.objects.filter(slug=workspace).first()
            if target is None:
                raise CommandError(f"No workspace with the slug {workspace!r}.")

        def found(source, status):
            self.stdout.write(
                f"{status.upper()} source {source.pk} {source.url}: {source.link_detail}"
            )

        counts = links_check_due(
            workspace=target,
            older_than_hours=older_than_hours,
            progress=lambda due: tqdm(due, disable=no_progress, file=sys.stderr),
            found=found,
        )
        self.stdout.write(
            f"{counts[LinkStatus.OK]} live, {counts[LinkStatus.CHANGED]} changed, "
            f"{counts[LinkStatus.GONE]} gone."
        )
