"""Re-check cited sources' URLs: mark the ones whose page is gone or changed since the capture."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone
from tqdm import tqdm

from app.sources.captures import source_link_check
from app.sources.models import LinkStatus, Source
from app.workspaces.models import Workspace


class Command(BaseCommand):
    help = (
        "Fetch each cited source again (run it periodically, e.g. daily from cron) and mark "
        "sources whose page answers 4xx/5xx or cannot be reached (gone) or whose text "
        "differs from the latest capture (changed). Exit code 0 even when links are broken: "
        "broken links are findings, shown on claim pages and in the link report."
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
        sources = (
            Source.objects.filter(evidence__isnull=False).distinct().select_related("workspace")
        )
        if workspace:
            target = Workspace.objects.filter(slug=workspace).first()
            if target is None:
                raise CommandError(f"No workspace with the slug {workspace!r}.")
            sources = sources.filter(workspace=target)
        if older_than_hours:
            cutoff = timezone.now() - dt.timedelta(hours=older_than_hours)
            sources = sources.filter(
                Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff)
            )
        counts = {status: 0 for status in (LinkStatus.OK, LinkStatus.CHANGED, LinkStatus.GONE)}
        for source in tqdm(list(sources.order_by("id")), disable=no_progress, file=sys.stderr):
            status = source_link_check(source=source)
            counts[status] += 1
            if status != LinkStatus.OK:
                self.stdout.write(
                    f"{status.upper()} source {source.pk} {source.url}: {source.link_detail}"
                )
        self.stdout.write(
            f"{counts[LinkStatus.OK]} live, {counts[LinkStatus.CHANGED]} changed, "
            f"{counts[LinkStatus.GONE]} gone."
        )
