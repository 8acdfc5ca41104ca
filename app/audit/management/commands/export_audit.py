import datetime as dt
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date, parse_datetime

from app.audit.export import csv_chunks, jsonl_chunks
from app.audit.services import audit_export_record
from app.workspaces.models import Workspace


def _moment(value: str | None, option: str) -> dt.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None and parse_date(value) is not None:
        moment = dt.datetime.combine(parse_date(value), dt.time())
    if moment is None:
        raise CommandError(f"{option}: not a date or ISO 8601 date-time: {value!r}")
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Export a workspace's audit trail as canonical JSON Lines (or CSV for people), "
        "whole or a seq/date range; the export is itself recorded in the trail first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", metavar="SLUG", required=True)
        parser.add_argument("--from-seq", type=int, help="first event (inclusive)")
        parser.add_argument("--to-seq", type=int, help="last event (inclusive)")
        parser.add_argument("--since", help="events at or after this UTC date/date-time")
        parser.add_argument("--until", help="events before this UTC date/date-time")
        parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        parser.add_argument("-o", "--output", metavar="FILE", help="write here (default stdout)")

    def handle(self, *args, **options):
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        try:
            export = audit_export_record(
                workspace=workspace,
                actor=None,
                fmt=options["format"],
                from_seq=options["from_seq"],
                to_seq=options["to_seq"],
                since=_moment(options["since"], "--since"),
                until=_moment(options["until"], "--until"),
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
            ) from None
        if options["format"] == "csv":
            chunks = (chunk.encode("utf-8") for chunk in csv_chunks(export))
        else:
            chunks = jsonl_chunks(export)
        output = options["output"]
        handle = open(output, "wb") if output else sys.stdout.buffer  # noqa: SIM115
        try:
            for chunk in chunks:
                handle.write(chunk)
        finally:
            if output:
                handle.close()
            else:
                handle.flush()
        if output:
            self.stderr.write(f"Exported events up to seq {export.to_seq} to {output}")
