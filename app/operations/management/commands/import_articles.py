"""Import a folder (or list) of .html/.txt articles, each in its own transaction.

A command of the top layer: it imports files (app/articles/files.py), fetches by URL
(app/sources) and queues background jobs (app/jobs).
"""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from app.articles.files import ARTICLE_SUFFIXES, Outcome, describe_refusal, import_file
from app.core.errors import DomainError
from app.workspaces.models import Workspace

MANIFEST_NAME = "manifest.jsonl"


class Command(BaseCommand):
    help = (
        "Import articles from .html/.htm/.txt files or folders into a workspace. Details per "
        "file (url, title, outlet, author, published, language, trim) may come from a JSON Lines "
        f"manifest ({MANIFEST_NAME} in a folder, or --manifest). A bad file is reported and "
        "skipped; the exit code is 1 if any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders")
        parser.add_argument(
            "--url-list",
            type=Path,
            help="a text file of article URLs, one per line (# starts a comment), each "
            "fetched by the server through the guarded fetcher instead of read from disk",
        )
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument(
            "--as",
            dest="username",
            help="import as this member (reviewer or above); without it the system imports",
        )
        parser.add_argument("--manifest", type=Path, help="a JSON Lines file of per-file details")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--background",
            action="store_true",
            help="copy the files to the storage folder and queue one job (needs --as); a "
            "worker imports them and the job's page shows the progress",
        )

    def handle(
        self,
        *args,
        paths,
        workspace,
        username,
        manifest,
        no_progress,
        url_list=None,
        background=False,
        **options,
    ):
        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace with the slug {workspace!r}.")
        actor = None
        if username:
            actor = get_user_model().objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No user named {username!r}.")
        if url_list is not None:
            if paths:
                raise CommandError("Give files and folders, or --url-list, not both.")
            self._import_urls(url_list, target, actor, no_progress)
            return
        if not paths:
            raise CommandError("Give the files or folders to import, or --url-list FILE.")
        files = self._collect(paths)
        details = self._manifest(manifest, paths)
        if not files:
            raise CommandError("No .html, .htm or .txt files found in the given paths.")

        if background:
            self._queue(files, details, target, actor)
            return
        outcomes = []
        progress = tqdm(files, unit="article", disable=no_progress, file=sys.stderr)
        for path in progress:
            progress.set_postfix_str(path.name[-30:], refresh=False)
            outcomes.append(self._import_one(path, target, actor, details))
        self._report(outcomes)

    def _import_urls(self, url_list: Path, workspace, actor, no_progress: bool) -> None:
        # Imported here: fetching lives in the sources app, above articles.
        from app.sources.captures import article_import_url

        try:
            lines = url_list.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read the URL list {url_list}: {error}") from None
        urls = [line.split("#", 1)[0].strip() for line in lines]
        urls = [url for url in urls if url]
        if not urls:
            raise CommandError(f"{url_list} lists no URLs.")
        outcomes = []
        for url in tqdm(urls, unit="article", disable=no_progress, file=sys.stderr):
            try:
                result = article_import_url(workspace=workspace, url=url, actor=actor).result
            except ValidationError as error:
                outcomes.append(Outcome(url, "failed", describe_refusal(error)))
                continue
            except DomainError as error:
                outcomes.append(Outcome(url, "failed", error.message))
                continue
            if result.unchanged:
                detail = f"same as snapshot #{result.snapshot.number}"
                outcomes.append(Outcome(url, "unchanged", detail))
            elif result.created_article:
                outcomes.append(Outcome(url, "imported", f"article {result.article.pk}"))
            else:
                outcomes.append(
                    Outcome(url, "snapshot_added", f"snapshot #{result.snapshot.number}")
                )
        self._report(outcomes)

    def _collect(self, paths: list[Path]) -> list[Path]:
        files: list[Path] = []
        for path in paths:
            if path.is_dir():
                files.extend(
                    sorted(p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES)
                )
            elif path.is_file():
                files.append(path)
            else:
                raise CommandError(f"{path} does not exist.")
        return files

    def _manifest(self, manifest: Path | None, paths: list[Path]) -> dict[Path, dict]:
        sources = [manifest] if manifest else [p / MANIFEST_NAME for p in paths if p.is_dir()]
        details: dict[Path, dict] = {}
        for source in sources:
            if not source.is_file():
                if manifest:
                    raise CommandError(f"Manifest {source} does not exist.")
                continue
            for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    file_path = (source.parent / entry["file"]).resolve()
                except (json.JSONDecodeError, KeyError, TypeError) as error:
                    raise CommandError(
                        f'{source}:{number}: not a JSON object with a "file" ({error}).'
                    ) from error
                details[file_path] = entry
        return details

    def _import_one(self, path: Path, workspace, actor, manifest: dict) -> Outcome:
        return import_file(
            path, workspace=workspace, actor=actor, entry=manifest.get(path.resolve(), {})
        )

    def _queue(self, files: list[Path], details: dict, workspace, actor) -> None:
        from app.jobs.services import job_import_files

        if actor is None:
            raise CommandError("--background needs --as USERNAME: the job runs as that member.")
        try:
            job = job_import_files(
                workspace=workspace,
                actor=actor,
                files=[
                    (path.name, path.read_bytes(), details.get(path.resolve(), {}))
                    for path in files
                ],
            )
        except (DomainError, ValidationError) as error:
            message = error.message if isinstance(error, DomainError) else describe_refusal(error)
            raise CommandError(message) from None
        self.stdout.write(
            f"Queued job {job.pk} for {len(files)} file(s): "
            f"{settings.SANAD_BASE_URL}/w/{workspace.slug}/jobs/{job.pk}/"
        )

    def _report(self, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            if outcome.status == "failed":
                self.stderr.write(f"FAILED {outcome.path}: {outcome.detail}")
        counts = {
            status: sum(1 for o in outcomes if o.status == status)
            for status in ("imported", "snapshot_added", "unchanged", "failed")
        }
        self.stdout.write(
            f"{counts['imported']} imported, {counts['snapshot_added']} with a new snapshot, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed "
            f"(of {len(outcomes)} files)."
        )
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) failed; see above.")
