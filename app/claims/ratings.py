"""State changes of a workspace's verdict scale; only its admins may make them.

Ratings are never deleted: a verdict keeps the rating it was given, so a rating that
should no longer be offered is retired (and can be restored). Every change locks the
workspace's scale first, so two admins editing at once cannot hand out the same
position or the same label.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.claims.models import Rating
from app.core.errors import NotFound
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace

LABEL_MAX_LENGTH = Rating._meta.get_field("label").max_length
VALUE_RANGE = range(1, 101)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class _Unset:
    """The default of an argument that was not given (where `None` is a real value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _lock_scale(workspace: Workspace) -> None:
    """Serialize changes to one workspace's scale until the transaction ends.

    `FOR NO KEY UPDATE` on the workspace row: it waits for another scale change but
    not for the inserts that merely reference the workspace (claims, audit events).
    """
    Workspace.objects.select_for_update(no_key=True).filter(pk=workspace.pk).exists()


def _clean_label(workspace: Workspace, label: str, *, exclude_pk: int | None = None) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ValidationError({"label": _("A rating needs a label.")})
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError(
            {
                "label": _("A label may have at most %(label_max_length)s characters.")
                % {"label_max_length": LABEL_MAX_LENGTH}
            }
        )
    taken = Rating.objects.filter(workspace=workspace, label__iexact=label)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError(
            {"label": _("The scale already has a rating called “%(value)s”.") % {"value": label}}
        )
    return label


def _clean_value(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in VALUE_RANGE:
        raise ValidationError(
            {
                "value": _(
                    "The value is a whole number from %(start)s to %(stop)s, or "
                    "empty for a rating outside the scale."
                )
                % {"start": VALUE_RANGE.start, "stop": VALUE_RANGE.stop - 1}
            }
        )
    return value


def _clean_colour(colour: str) -> str:
    colour = (colour or "").strip()
    if not _COLOUR.fullmatch(colour):
        raise ValidationError({"colour": _("Give the colour as #rrggbb, e.g. #1a7f37.")})
    return colour.lower()


def _cleaned(workspace: Workspace, *, exclude_pk: int | None = None, **fields: Any) -> dict:
    """Check the given fields all at once, so a form can show every problem together."""
    cleaners = {
        "label": lambda label: _clean_label(workspace, label, exclude_pk=exclude_pk),
        "value": _clean_value,
        "colour": _clean_colour,
        "description": lambda description: (description or "").strip(),
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field, raw in fields.items():
        try:
            cleaned[field] = cleaners[field](raw)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _audit(rating: Rating, actor: Any, event: events.PendingEvent) -> None:
    audit_append(workspace=rating.workspace, actor=actor, event=event)


@transaction.atomic
def rating_create(
    *,
    workspace: Workspace,
    label: str,
    value: int | None,
    colour: str,
    actor: Any,
    description: str = "",
) -> Rating:
    """Append a rating at the end of the workspace's scale.

    Raises `ValidationError` naming the field at fault (label empty or already used,
    case-insensitively; value outside 1–100; colour not `#rrggbb`), `PermissionDenied`
    for members below admin, `NotFound` for non-members.
    """
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    _lock_scale(workspace)
    rating = Rating(
        workspace=workspace,
        **_cleaned(workspace, label=label, value=value, colour=colour, description=description),
    )
    last = Rating.objects.filter(workspace=workspace).aggregate(last=Max("position"))["last"]
    rating.position = (last or 0) + 1
    rating.save()
    _audit(rating, actor, events.rating_created(rating=rating))
    return rating


@transaction.atomic
def rating_update(
    *,
    rating: Rating,
    actor: Any,
    label: str | None = None,
    value: int | None = UNSET,
    colour: str | None = None,
    description: str | None = None,
) -> Rating:
    """Rename, recolour, re-describe a rating or change its ClaimReview value.

    Arguments left out stay as they are; `value=None` makes the rating one outside the
    ordinal scale ("Unverifiable"). Verdicts already given keep the words they were
    given with; a renamed rating remembers its former labels. Writes no event when
    nothing changes. Raises `ValidationError` naming the field, `PermissionDenied`,
    `NotFound`.
    """
    workspace = rating.workspace
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    _lock_scale(workspace)
    current = Rating.objects.filter(workspace=workspace, pk=rating.pk).first()
    if current is None:
        raise NotFound(_("No such rating."))
    given = {"label": label, "colour": colour, "description": description}
    given = {field: new for field, new in given.items() if new is not None}
    if value is not UNSET:
        given["value"] = value
    changes = _cleaned(workspace, exclude_pk=current.pk, **given)
    changed = {field: new for field, new in changes.items() if getattr(current, field) != new}
    if not changed:
        return current
    before = {field: getattr(current, field) for field in changed}
    for field, new in changed.items():
        setattr(current, field, new)
    if "label" in changed:
        before["former_labels"] = current.former_labels
        current.former_labels = [*current.former_labels, before["label"]]
        changed["former_labels"] = current.former_labels
    current.save(update_fields=list(changed))
    _audit(current, actor, events.rating_updated(rating=current, before=before, after=changed))
    return current


@transaction.atomic
def rating_reorder(*, workspace: Workspace, ordered_ids: list[int], actor: Any) -> list[Rating]:
    """Put the workspace's scale in the order of `ordered_ids` (positions 1..n).

    `ordered_ids` must name every rating of the workspace, retired ones included,
    exactly once: a list made from an outdated page is refused rather than guessed at.
    Returns the scale in its new order. Raises `NotFound` for an id that is not one of
    the workspace's ratings, `ValidationError` on `ordered_ids` for a missing or
    repeated one, `PermissionDenied`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    _lock_scale(workspace)
    ratings = {rating.pk: rating for rating in Rating.objects.filter(workspace=workspace)}
    try:
        wanted = [int(pk) for pk in ordered_ids]
    except (TypeError, ValueError):
        raise ValidationError({"ordered_ids": _("The new order must list rating ids.")}) from None
    if any(pk not in ratings for pk in wanted):
        raise NotFound(_("No such rating."))
    if len(wanted) != len(set(wanted)) or set(wanted) != set(ratings):
        raise ValidationError(
            {
                "ordered_ids": _(
                    "The new order must list every rating of the scale exactly "
                    "once; the scale may have changed since the page was loaded."
                )
            }
        )
    before = [rating.pk for rating in sorted(ratings.values(), key=lambda r: r.position)]
    if wanted == before:
        return [ratings[pk] for pk in wanted]
    moved = []
    for position, pk in enumerate(wanted, 1):
        rating = ratings[pk]
        if rating.position != position:
            rating.position = position
            moved.append(rating)
    # The unique (workspace, position) constraint is checked at commit, so swaps pass.
    Rating.objects.bulk_update(moved, ["position"])
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.rating_reordered(workspace=workspace, old_order=before, new_order=wanted),
    )
    return [ratings[pk] for pk in wanted]


def _set_retired(rating: Rating, actor: Any, retired: bool) -> Rating:
    workspace = rating.workspace
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    _lock_scale(workspace)
    current = Rating.objects.filter(workspace=workspace, pk=rating.pk).first()
    if current is None:
        raise NotFound(_("No such rating."))
    if current.retired == retired:
        return current
    if (
        retired
        and not Rating.objects.filter(workspace=workspace, retired=False)
        .exclude(pk=current.pk)
        .exists()
    ):
        raise ValidationError(
            {"retired": _("This is the last rating still offered; add or restore another first.")}
        )
    current.retired = retired
    current.save(update_fields=["retired"])
    record = events.rating_retired if retired else events.rating_restored
    _audit(current, actor, record(rating=current))
    return current


@transaction.atomic
def rating_retire(*, rating: Rating, actor: Any) -> Rating:
    """Stop offering a rating for new verdicts; verdicts that have it keep it.

    Retiring a retired rating changes nothing. Raises `ValidationError` on `retired`
    when it is the last active rating, `PermissionDenied`, `NotFound`.
    """
    return _set_retired(rating, actor, True)


@transaction.atomic
def rating_restore(*, rating: Rating, actor: Any) -> Rating:
    """Offer a retired rating again. Raises `PermissionDenied`, `NotFound`."""
    return _set_retired(rating, actor, False)
