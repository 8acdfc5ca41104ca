"""Audit events in words, for timelines and the CSV export.

Each sentence is built from what the event itself recorded (the username at the time,
the `after` values), so it stays true after users are renamed or objects change.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator

Describer = Callable[[str, Any, dict, dict, Mapping[int, str]], str]


def actor_name(actor: dict) -> str:
    """The actor as people know it: the username then, a token, or the system."""
    kind = actor.get("type")
    if kind == "user":
        name = actor.get("username") or f"user #{actor.get('id')}"
        token = actor.get("token")
        return f"{name} (via token “{token.get('name')}”)" if isinstance(token, dict) else name
    if kind == "token":
        return f"API token #{actor.get('id')}"
    return "the system"


def _short(value: Any, limit: int = 80) -> str:
    return Truncator(str(value or "").replace("\n", " ")).chars(limit)


def _user(names: Mapping[int, str], user_id: Any) -> str:
    if user_id is None:
        return "nobody"
    return names.get(user_id) or f"user #{user_id}"


def _changed(before: dict, after: dict) -> str:
    fields = [key for key in after if key not in {"version"}] or list(before)
    return ", ".join(fields) or "nothing"


def _rating(after: dict) -> str:
    """The rating an event names: `{"id", "label", …}` now, a bare label in older events."""
    rating = after.get("rating")
    if isinstance(rating, dict):
        return str(rating.get("label") or f"rating #{rating.get('id')}")
    return str(rating) if rating is not None else "no rating"


_SENTENCES: dict[str, Describer] = {
    "workspace.created": lambda who, oid, b, a, n: f"{who} created the workspace “{a.get('name')}”",
    "member.added": lambda who, oid, b, a, n: (
        f"{who} added {a.get('username') or _user(n, a.get('user'))} as {a.get('role')}"
    ),
    "member.role_changed": lambda who, oid, b, a, n: (
        f"{who} changed the role of member #{oid} from {b.get('role')} to {a.get('role')}"
    ),
    "article.created": lambda who, oid, b, a, n: (
        f"{who} imported the article “{_short(a.get('title'))}”"
    ),
    "article.snapshot_added": lambda who, oid, b, a, n: (
        f"{who} added snapshot #{a.get('number')} of article {a.get('article')}"
        f" ({a.get('characters')} characters)"
    ),
    "claim.created": lambda who, oid, b, a, n: (
        f"{who} created claim {oid}: “{_short(a.get('exact'))}”"
    ),
    "claim.updated": lambda who, oid, b, a, n: f"{who} edited claim {oid} ({_changed(b, a)})",
    "claim.status_changed": lambda who, oid, b, a, n: (
        f"{who} moved claim {oid} from {b.get('status')} to {a.get('status')}"
    ),
    "claim.verdict_proposed": lambda who, oid, b, a, n: (
        f"{who} proposed “{_rating(a)}” for claim {oid}: {_short(a.get('summary'))}"
    ),
    "claim.correction_proposed": lambda who, oid, b, a, n: (
        f"{who} proposed a correction to “{_rating(a)}” for claim {oid}: "
        f"{_short(a.get('correction_note'))}"
    ),
    "claim.verdict_published": lambda who, oid, b, a, n: (
        f"{who} approved and published “{_rating(a)}” on claim {oid}"
        f" (proposed by {_user(n, a.get('proposed_by'))}): {_short(a.get('summary'))}"
        + (
            f"; restatement was “{_short(b.get('restatement'))}”"
            if b.get("restatement") not in (None, a.get("restatement"))
            else ""
        )
    ),
    "claim.verdict_returned": lambda who, oid, b, a, n: (
        f"{who} returned the proposed verdict on claim {oid}"
    ),
    "claim.assigned": lambda who, oid, b, a, n: (
        f"{who} assigned claim {oid} to {_user(n, a.get('assignee'))}"
    ),
    "claim.reanchored": lambda who, oid, b, a, n: (
        f"Claim {oid} was re-anchored on a new snapshot: {a.get('anchor_state')}"
    ),
    "comment.added": lambda who, oid, b, a, n: (
        f"{who} commented on claim {a.get('claim')}: {_short(a.get('body'))}"
    ),
    "source.created": lambda who, oid, b, a, n: (
        f"{who} added the source “{_short(a.get('title') or a.get('url'))}”"
    ),
    "evidence.added": lambda who, oid, b, a, n: (
        f"{who} linked source {a.get('source')} to claim {a.get('claim')} as {a.get('stance')}"
    ),
    "article.updated": lambda who, oid, b, a, n: (
        f"{who} edited the details of article {oid} ({_changed(b, a)})"
    ),
    "rating.created": lambda who, oid, b, a, n: f"{who} added the rating “{a.get('label')}”",
    "rating.updated": lambda who, oid, b, a, n: (
        f"{who} changed the rating “{a.get('label') or b.get('label') or oid}” ({_changed(b, a)})"
    ),
    "rating.retired": lambda who, oid, b, a, n: f"{who} retired rating #{oid}",
    "rating.restored": lambda who, oid, b, a, n: f"{who} restored rating #{oid}",
    "rating.reordered": lambda who, oid, b, a, n: f"{who} reordered the rating scale",
    "audit.checkpoint_created": lambda who, oid, b, a, n: (
        f"{who} signed a checkpoint of the trail at event {a.get('seq')}"
    ),
    "audit.exported": lambda who, oid, b, a, n: (
        f"{who} exported the trail as {a.get('format')}"
        + (f" from event {a['from_seq']}" if a.get("from_seq") else "")
        + (f" to event {a['to_seq']}" if a.get("to_seq") else "")
        + (f" since {a['since']}" if a.get("since") else "")
        + (f" until {a['until']}" if a.get("until") else "")
    ),
}


def describe(event: Any, names: Mapping[int, str] | None = None) -> str:
    """Say what the event records in one sentence, e.g. "a-editor proposed False for claim 12: …".

    `names` maps user ids to usernames for users the event mentions by id only
    (assignees, proposers); without it they are shown as "user #id".
    """
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    who = actor_name(event.actor or {})
    sentence = _SENTENCES.get(event.action)
    if sentence is None:
        text = f"{who}: {event.action} on {event.object_type} {event.object_id}"
    else:
        text = sentence(who, event.object_id, before, after, names or {})
    if event.reason and event.action != "claim.correction_proposed":
        text += f" — “{_short(event.reason, 200)}”"
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
