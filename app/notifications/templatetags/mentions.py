"""`link_mentions`: turn `@username` of a workspace's members into links in rendered text."""

import re

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from app.notifications.events import MENTION
from app.workspaces.models import Membership

register = template.Library()

_TAG = re.compile(r"(<[^>]*>)")
# Text inside these elements is left alone: a link cannot hold a link, code is literal.
_SKIP = {"a", "code", "pre"}


def _members(workspace) -> dict[str, int]:
    """username → user id of the workspace's active members, read once per page."""
    cached = getattr(workspace, "_mention_members", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(workspace=workspace, deactivated_at__isnull=True).values_list(
                "user__username", "user_id"
            )
        )
        workspace._mention_members = cached
    return cached


@register.filter
def link_mentions(html: SafeString, workspace) -> SafeString:
    """Link each `@username` of a member to the claims assigned to them.

    Works on sanitized HTML (the `markdown` filter's output): only text between tags
    changes, and only names of this workspace's members become links.
    """
    members = _members(workspace)
    if not members or "@" not in html:
        return html
    claims_url = reverse("claim-list", kwargs={"slug": workspace.slug})
    depth = 0
    parts = []
    for part in _TAG.split(str(html)):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _SKIP:
                depth += -1 if part.startswith("</") else 1
            parts.append(part)
            continue
        if depth > 0:
            parts.append(part)
            continue

        def link(match: re.Match) -> str:
            username = match.group(1)
            trailing = ""
            if username not in members and username.rstrip(".") in members:
                trimmed = username.rstrip(".")
                username, trailing = trimmed, match.group(1)[len(trimmed) :]
            if username not in members:
                return match.group(0)
            href = f"{claims_url}?assignee={members[username]}"
            return (
                f'<a class="mention" href="{escape(href)}">@{escape(username)}</a>'
                f"{escape(trailing)}"
            )

        parts.append(MENTION.sub(link, part))
    return mark_safe("".join(parts))  # noqa: S308 - input was sanitized; we add escaped links
