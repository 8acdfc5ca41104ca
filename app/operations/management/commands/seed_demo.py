"""Load the demo workspace: users of every role, sample articles, claims and sources."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from app.articles.services import article_import_text
from app.claims.evidence import evidence_add
from app.claims.models import Claim, Evidence
from app.claims.services import claim_create
from app.members.services import member_add, workspace_create
from app.sources.services import source_add
from app.workspaces.models import Membership, Role, Workspace

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "sanad-demo"  # noqa: S105 - a published demo login, refused outside development
DEMO_ROLES = [Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.VIEWER]


class Command(BaseCommand):
    help = (
        "Create or complete the demo workspace (idempotent): a user per role, three "
        "sample articles (two Persian, one English), claims, sources and evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off; the demo passwords are then random and not printed.",
        )

    def handle(self, *args, allow_production: bool = False, **options):
        development = settings.SANAD_ENV != "production"
        if not development and not allow_production:
            raise CommandError(
                "Refusing to create demo users in production (SANAD_ENV=production). "
                "Pass --allow-production if you really want a demo workspace here."
            )
        # On a fresh database the tables do not exist yet: migrate first, and say so.
        pending = MigrationExecutor(connection).migration_plan(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
        if pending:
            self.stdout.write(f"Applying {len(pending)} pending migrations first…")
            call_command("migrate", interactive=False, verbosity=0)
        data = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))
        password = DEMO_PASSWORD if development else None
        with transaction.atomic():
            users = {role: self._demo_user(role, password) for role in DEMO_ROLES}
            workspace = self._demo_workspace(data["workspace"], users)
            counts = {"articles": 0, "claims": 0, "evidence": 0}
            for article_data in data["articles"]:
                self._demo_article(workspace, article_data, users[Role.REVIEWER], counts)
        self.stdout.write(
            f"Demo workspace “{workspace.name}” ready at /w/{workspace.slug}/ "
            f"(added {counts['articles']} articles, {counts['claims']} claims, "
            f"{counts['evidence']} evidence links)."
        )
        if password:
            self.stdout.write(f"Demo logins (password for each: {password}):")
            for role in DEMO_ROLES:
                self.stdout.write(f"  {users[role].username:<14} {role.label.lower()}")

    def _demo_user(self, role: Role, password: str | None):
        user, _ = get_user_model().objects.get_or_create(
            username=f"demo-{role.value}",
            defaults={"display_name": f"Demo {role.label.lower()}", "email": ""},
        )
        # Reset on every run so that the printed login always works.
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user

    def _demo_workspace(self, spec: dict, users: dict) -> Workspace:
        admin = users[Role.ADMIN]
        workspace = Workspace.objects.filter(slug=spec["slug"]).first()
        if workspace is None:
            workspace = workspace_create(name=spec["name"], slug=spec["slug"], creator=admin)
        for role, user in users.items():
            if not Membership.objects.filter(workspace=workspace, user=user).exists():
                if not Membership.objects.filter(workspace=workspace, role=Role.ADMIN).exists():
                    raise CommandError(f"Workspace {spec['slug']} has no admin to add members.")
                actor = Membership.objects.filter(workspace=workspace, role=Role.ADMIN).first().user
                member_add(workspace=workspace, user=user, role=role, actor=actor)
        return workspace

    def _demo_article(self, workspace: Workspace, spec: dict, reviewer, counts: dict) -> None:
        text = (DEMO_DIR / "articles" / spec["file"]).read_text(encoding="utf-8")
        result = article_import_text(
            workspace=workspace,
            text=text,
            title=spec["title"],
            url=spec.get("url", ""),
            outlet=spec.get("outlet", ""),
            author=spec.get("author", ""),
            published_on=dt.date.fromisoformat(spec["published_on"])
            if spec.get("published_on")
            else None,
            language=spec.get("language", ""),
            actor=reviewer,
        )
        counts["articles"] += int(result.created_article)
        snapshot = result.snapshot
        for claim_spec in spec.get("claims", []):
            quote = claim_spec["quote"]
            claim = Claim.objects.filter(snapshot=snapshot, exact=quote).first()
            if claim is None:
                start = snapshot.text.find(quote)
                if start < 0:
                    raise CommandError(f"Demo quote not found in {spec['file']}: {quote[:40]}…")
                claim = claim_create(
                    workspace=workspace,
                    snapshot=snapshot,
                    start=start,
                    end=start + len(quote),
                    exact=quote,
                    restatement=claim_spec.get("restatement", ""),
                    claimant=claim_spec.get("claimant", ""),
                    tags=claim_spec.get("tags", []),
                    actor=reviewer,
                )
                counts["claims"] += 1
            for evidence_spec in claim_spec.get("evidence", []):
                source, _ = source_add(
                    workspace=workspace,
                    url=evidence_spec["source_url"],
                    title=evidence_spec.get("source_title", ""),
                    publisher=evidence_spec.get("publisher", ""),
                    kind=evidence_spec.get("kind", "other"),
                    actor=reviewer,
                )
                if not Evidence.objects.filter(claim=claim, source=source).exists():
                    evidence_add(
                        claim=claim,
                        source=source,
                        stance=evidence_spec["stance"],
                        quote=evidence_spec.get("quote", ""),
                        note=evidence_spec.get("note", ""),
                        actor=reviewer,
                    )
                    counts["evidence"] += 1
