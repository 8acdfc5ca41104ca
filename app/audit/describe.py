"""Audit events in words, for timelines, the API and the CSV export.

Each sentence is built from what the event itself recorded (the username at the time,
the `after` values), so it stays true after users are renamed or objects change. The
sentence of each action is defined beside its constructor in `app.audit.events`.
"""

from collections.abc import Mapping
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from app.audit.events import DESCRIPTIONS, Action, Fields, Said, short


def actor_name(actor: dict) -> str:
    """The actor as people know it: the username then, a token, or the system."""
    kind = actor.get("type")
    if kind == "user":
        name = actor.get("username") or gettext("user #%(id)s") % {"id": actor.get("id")}
        token = actor.get("token")
        if isinstance(token, dict):
            return gettext("%(name)s (via token “%(token)s”)") % {
                "name": name,
                "token": token.get("name"),
            }
        return name
    if kind == "token":
        return gettext("API token #%(id)s") % {"id": actor.get("id")}
    return gettext("the system")


def describe(event: Any, names: Mapping[int, str] | None = None) -> str:
    """Say what the event records in one sentence, e.g. "a-editor proposed False for claim 12: …".

    `names` maps user ids to usernames for users the event mentions by id only
    (assignees, proposers); without it they are shown as "user #id".
    """
    who = actor_name(event.actor or {})
    try:
        description = DESCRIPTIONS[Action(event.action)]
    except ValueError:  # not an action of this code base (e.g. a test's own)
        text = gettext("%(who)s: %(action)s on %(type)s %(id)s") % {
            "who": who,
            "action": event.action,
            "type": event.object_type,
            "id": event.object_id,
        }
    else:
        said = Said(
            who=who,
            id=event.object_id,
            before=Fields(event.before),
            after=Fields(event.after),
            names=names or {},
        )
        text = description.render(said)
    # A correction's note is its sentence already.
    if event.reason and event.action != Action.CLAIM_CORRECTION_PROPOSED:
        text += f" — “{short(event.reason, 200)}”"
    return text


def mentioned_user_ids(events: list[Any]) -> set[int]:
    """User ids that `describe` would otherwise show as numbers."""
    ids = set()
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        for key in ("assignee", "proposed_by", "user"):
            if isinstance(after.get(key), int):
                ids.add(after[key])
    return ids


def object_url(event: Any, slug: str) -> str | None:
    """Where the event's object can be seen now, or None when it has no page."""
    after = event.after if isinstance(event.after, dict) else {}
    targets = {
        "claim": ("claim-detail", event.object_id),
        "article": ("article-detail", event.object_id),
        "snapshot": ("article-detail", after.get("article")),
        "comment": ("claim-detail", after.get("claim")),
        "evidence": ("claim-detail", after.get("claim")),
        "source": ("source-detail", event.object_id),
        "membership": ("workspace-members", None),
        "rating": ("rating-list", None),
    }
    target = targets.get(event.object_type)
    if target is None:
        return None
    name, pk = target
    try:
        if pk is None:
            return reverse(name, kwargs={"slug": slug})
        return reverse(name, kwargs={"slug": slug, "pk": int(pk)})
    except (NoReverseMatch, TypeError, ValueError):
        return None
