from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "app.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from app.articles.followers import SnapshotFollower, on_new_snapshot
        from app.audit.services import on_append_statements
        from app.claims.reader_api import version_bumps
        from app.claims.services import (
            claims_reanchor,
            claims_reanchor_preview,
            rating_scale_create_default,
        )
        from app.workspaces.hooks import on_workspace_created

        # A new snapshot of an article moves its claims (articles cannot import claims).
        on_new_snapshot(SnapshotFollower(follow=claims_reanchor, preview=claims_reanchor_preview))
        # A new workspace gets the default rating scale (workspaces cannot import claims).
        on_workspace_created(rating_scale_create_default)
        # Every change to a claim is an audit event: the cached readers follow the trail.
        on_append_statements(version_bumps)
