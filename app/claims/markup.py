"""Markup that the claims page and the reader panel build in Python instead of templates.

Their loops rendered an include and a `{% url %}` per claim, most of those pages' CPU;
what they share is here once. The output must stay byte for byte what the templates made
(tests/claims/test_claim_list_rows.py, tests/articles/test_reader_panel_cache.py).
"""

import html

from django.urls import reverse

from app.claims.models import AnchorState


def escape(value) -> str:
    """Django's `escape` (the same five characters), without its lazy-string wrapper."""
    return html.escape(str(value))


def url_prefix(name: str, workspace) -> str:
    """A page's address without the object id: one `reverse` for every row."""
    url = reverse(name, kwargs={"slug": workspace.slug, "pk": 0})
    if not url.endswith("/0/"):
        raise ValueError(f"unexpected URL {url}")
    return url[: -len("0/")]


def status_badges(claim) -> str:
    """templates/claims/_status.html: the status, the verdict when there is one, the
    anchor state when it is not anchored."""
    badges = f'<span class="badge status-{escape(claim.status)}">'
    badges += f"{escape(claim.get_status_display())}</span>"
    if claim.rating_label:
        badges += (
            f' <span class="badge verdict" data-colour="{escape(claim.rating_colour)}" '
            f'dir="auto">{escape(claim.rating_label)}</span>'
        )
    if claim.anchor_state != AnchorState.ANCHORED:
        badges += (
            f' <span class="badge anchor-{escape(claim.anchor_state)}">'
            f"{escape(claim.get_anchor_state_display())}</span>"
        )
    return badges
