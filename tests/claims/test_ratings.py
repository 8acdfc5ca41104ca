"""The verdict scale: admins shape it, everyone reads it, every change is audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from app.audit.models import AuditEvent
from app.claims.models import Claim, Rating
from app.claims.ratings import (
    rating_create,
    rating_reorder,
    rating_restore,
    rating_retire,
    rating_update,
)
from app.claims.selectors import rating_list
from app.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _scale(team) -> list[Rating]:
    return list(Rating.objects.filter(workspace=team.workspace).order_by("position"))


def _labels(team) -> list[str]:
    return [rating.label for rating in _scale(team)]


def _rating(team, label: str) -> Rating:
    return Rating.objects.get(workspace=team.workspace, label=label)


def _events(action: str | None = None):
    events = AuditEvent.objects.all()
    return events.filter(action=action) if action else events


# --- rating_create -----------------------------------------------------------------------


def test_rating_create_appends_at_the_end_with_an_audit_event(team):
    rating = rating_create(
        workspace=team.workspace,
        label="Half true",
        value=35,
        colour="#AA22CC",
        description="  Partly.  ",
        actor=team.admin,
    )

    assert rating.position == 8  # after the seven default ratings
    assert (rating.value, rating.colour, rating.description) == (35, "#aa22cc", "Partly.")
    event = _events("rating.created").order_by("-seq").first()
    assert event.object_id == str(rating.pk)
    assert event.after["label"] == "Half true" and event.after["position"] == 8
    assert event.actor["username"] == "a-admin"


def test_rating_create_accepts_a_rating_outside_the_ordinal_scale(team):
    rating = rating_create(
        workspace=team.workspace,
        label="Satire",
        value=None,
        colour="#123456",
        actor=team.admin,
    )
    assert rating.value is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label": "   "}, "label"),
        ({"label": "tRUE"}, "label"),  # the default scale has "True"
        ({"label": "x" * 81}, "label"),
        ({"colour": "red"}, "colour"),
        ({"colour": "#12345"}, "colour"),
        ({"colour": "#12345g"}, "colour"),
        ({"value": 0}, "value"),
        ({"value": 101}, "value"),
        ({"value": True}, "value"),
    ],
)
def test_rating_create_refuses_bad_input_naming_the_field(team, changes, field):
    events_before = _events().count()
    arguments = {"label": "New", "value": 50, "colour": "#123456", **changes}

    with pytest.raises(ValidationError) as refused:
        rating_create(workspace=team.workspace, actor=team.admin, **arguments)

    assert field in refused.value.message_dict
    assert Rating.objects.filter(workspace=team.workspace).count() == 7
    assert _events().count() == events_before


def test_rating_create_reports_every_bad_field_at_once(team):
    with pytest.raises(ValidationError) as refused:
        rating_create(
            workspace=team.workspace, label="", value=500, colour="blue", actor=team.admin
        )
    assert set(refused.value.message_dict) == {"label", "value", "colour"}


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_rating_create_is_for_admins_only(team, role):
    events_before = _events().count()
    with pytest.raises(PermissionDenied):
        rating_create(
            workspace=team.workspace,
            label="New",
            value=1,
            colour="#123456",
            actor=team.member(role),
        )
    assert _events().count() == events_before


def test_rating_create_in_another_workspace_is_not_found(team, other_team):
    with pytest.raises(NotFound):
        rating_create(
            workspace=other_team.workspace,
            label="New",
            value=1,
            colour="#123456",
            actor=team.admin,
        )


# --- rating_update -----------------------------------------------------------------------


def test_rating_update_renames_and_recolours_recording_before_and_after(team):
    rating = _rating(team, "Mixed")

    rating_update(rating=rating, label="Half true", colour="#00FF00", actor=team.admin)

    rating.refresh_from_db()
    assert (rating.label, rating.colour, rating.value) == ("Half true", "#00ff00", 4)
    event = _events("rating.updated").get()
    assert event.before == {"label": "Mixed", "colour": "#b08800", "former_labels": []}
    assert event.after == {"label": "Half true", "colour": "#00ff00", "former_labels": ["Mixed"]}


def test_rating_update_leaves_the_value_alone_unless_given_and_clears_it_with_none(team):
    rating = _rating(team, "Mixed")

    rating_update(rating=rating, description="Partly accurate.", actor=team.admin)
    rating.refresh_from_db()
    assert rating.value == 4

    rating_update(rating=rating, value=None, actor=team.admin)
    rating.refresh_from_db()
    assert rating.value is None
    assert _events("rating.updated").last().after == {"value": None}


def test_rating_update_without_a_change_writes_no_event(team):
    rating = _rating(team, "Mixed")
    rating_update(rating=rating, label=" Mixed ", value=4, colour="#B08800", actor=team.admin)
    assert not _events("rating.updated").exists()


def test_rating_update_may_change_only_the_case_of_its_own_label(team):
    rating = rating_update(rating=_rating(team, "Mixed"), label="MIXED", actor=team.admin)
    assert rating.label == "MIXED"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label": "false"}, "label"),
        ({"label": ""}, "label"),
        ({"colour": "#GGGGGG"}, "colour"),
        ({"value": 250}, "value"),
    ],
)
def test_rating_update_refuses_bad_input_naming_the_field(team, changes, field):
    rating = _rating(team, "Mixed")
    events_before = _events().count()

    with pytest.raises(ValidationError) as refused:
        rating_update(rating=rating, actor=team.admin, **changes)

    assert field in refused.value.message_dict
    rating.refresh_from_db()
    assert (rating.label, rating.value, rating.colour) == ("Mixed", 4, "#b08800")
    assert _events().count() == events_before


def test_rating_update_is_for_admins_only(team):
    with pytest.raises(PermissionDenied):
        rating_update(rating=_rating(team, "Mixed"), label="Meh", actor=team.editor)
    assert _rating(team, "Mixed")


def test_rating_update_of_another_workspaces_rating_is_not_found(team, other_team):
    theirs = _rating(other_team, "Mixed")
    with pytest.raises(NotFound):
        rating_update(rating=theirs, label="Mine now", actor=team.admin)
    theirs.refresh_from_db()
    assert theirs.label == "Mixed"


# --- rating_reorder ----------------------------------------------------------------------


def test_rating_reorder_numbers_the_scale_in_the_given_order(team):
    reversed_ids = [rating.pk for rating in reversed(_scale(team))]

    rating_reorder(workspace=team.workspace, ordered_ids=reversed_ids, actor=team.admin)

    scale = _scale(team)
    assert [rating.pk for rating in scale] == reversed_ids
    assert [rating.position for rating in scale] == list(range(1, 8))
    event = _events("rating.reordered").get()
    assert event.after == {"order": reversed_ids}
    assert event.before == {"order": list(reversed(reversed_ids))}


def test_rating_reorder_swaps_two_neighbours(team):
    ids = [rating.pk for rating in _scale(team)]
    ids[0], ids[1] = ids[1], ids[0]

    rating_reorder(workspace=team.workspace, ordered_ids=ids, actor=team.admin)

    assert _labels(team)[:3] == ["Mostly true", "True", "Mixed"]


def test_rating_reorder_to_the_same_order_writes_no_event(team):
    ids = [rating.pk for rating in _scale(team)]
    rating_reorder(workspace=team.workspace, ordered_ids=ids, actor=team.admin)
    assert not _events("rating.reordered").exists()


@pytest.mark.parametrize("mistake", ["missing", "repeated", "not_a_number"])
def test_rating_reorder_refuses_an_incomplete_order(team, mistake):
    ids: list = [rating.pk for rating in _scale(team)]
    if mistake == "missing":
        ids = ids[1:]
    elif mistake == "repeated":
        ids[-1] = ids[0]
    else:
        ids[0] = "first"
    events_before = _events().count()

    with pytest.raises(ValidationError) as refused:
        rating_reorder(workspace=team.workspace, ordered_ids=ids, actor=team.admin)

    assert "ordered_ids" in refused.value.message_dict
    assert _labels(team)[0] == "True"
    assert _events().count() == events_before


def test_rating_reorder_with_another_workspaces_rating_is_not_found(team, other_team):
    ids = [rating.pk for rating in _scale(team)]
    ids[0] = _scale(other_team)[0].pk
    with pytest.raises(NotFound):
        rating_reorder(workspace=team.workspace, ordered_ids=ids, actor=team.admin)


def test_rating_reorder_is_for_admins_only(team):
    ids = [rating.pk for rating in reversed(_scale(team))]
    with pytest.raises(PermissionDenied):
        rating_reorder(workspace=team.workspace, ordered_ids=ids, actor=team.editor)
    assert _labels(team)[0] == "True"


# --- rating_retire / rating_restore ------------------------------------------------------


def test_a_retired_rating_is_no_longer_offered_but_stays_on_verdicts(team, claim):
    false = _rating(team, "False")
    Claim.objects.filter(pk=claim.pk).update(rating=false)

    rating_retire(rating=false, actor=team.admin)

    claim.refresh_from_db()
    assert claim.rating == false
    offered = rating_list(user=team.reviewer, workspace=team.workspace, include_retired=False)
    assert false not in offered
    assert false in rating_list(user=team.reviewer, workspace=team.workspace)
    event = _events("rating.retired").get()
    assert (event.before, event.after) == ({"retired": False}, {"retired": True})


def test_a_retired_rating_can_be_restored(team):
    false = rating_retire(rating=_rating(team, "False"), actor=team.admin)

    rating_restore(rating=false, actor=team.admin)

    false.refresh_from_db()
    assert not false.retired
    assert _events("rating.restored").get().after == {"retired": False}


def test_retiring_a_retired_rating_changes_nothing(team):
    false = rating_retire(rating=_rating(team, "False"), actor=team.admin)
    rating_retire(rating=false, actor=team.admin)
    assert _events("rating.retired").count() == 1


def test_the_last_offered_rating_cannot_be_retired(team):
    *others, last = _scale(team)
    for rating in others:
        rating_retire(rating=rating, actor=team.admin)
    events_before = _events().count()

    with pytest.raises(ValidationError) as refused:
        rating_retire(rating=last, actor=team.admin)

    assert "retired" in refused.value.message_dict
    last.refresh_from_db()
    assert not last.retired
    assert _events().count() == events_before


@pytest.mark.parametrize("service", [rating_retire, rating_restore])
def test_retiring_and_restoring_are_for_admins_only(team, service):
    with pytest.raises(PermissionDenied):
        service(rating=_rating(team, "False"), actor=team.editor)


def test_retiring_another_workspaces_rating_is_not_found(team, other_team):
    with pytest.raises(NotFound):
        rating_retire(rating=_rating(other_team, "False"), actor=team.admin)


# --- the scale page ----------------------------------------------------------------------


def _url(team, name="rating-list", **kwargs):
    return reverse(name, kwargs={"slug": team.workspace.slug, **kwargs})


def test_the_scale_page_shows_each_rating_with_a_swatch_and_admin_controls(client, team):
    client.force_login(team.admin)

    response = client.get(_url(team))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<rect width="14" height="14" rx="3" fill="#1a7f37"/>' in page
    assert "Unverifiable" in page and "outside the scale" in page
    assert "Add rating" in page and "Move down" in page and "Retire" in page
    assert 'type="color"' in page
    assert "style=" not in page


def test_editors_see_the_scale_read_only(client, team):
    client.force_login(team.editor)

    page = client.get(_url(team)).content.decode()

    assert "Mostly false" in page
    assert "Add rating" not in page and "Move down" not in page and "Retire" not in page
    assert 'method="post" action="' + _url(team) not in page


def test_the_scale_page_of_another_workspace_is_not_found(client, team, other_team):
    client.force_login(other_team.admin)
    assert client.get(_url(team)).status_code == 404


def test_an_admin_adds_a_rating_through_the_page(client, team):
    client.force_login(team.admin)

    response = client.post(
        _url(team, "rating-add"),
        {"new-label": "Satire", "new-value": "", "new-colour": "#8250df", "new-description": ""},
        follow=True,
    )

    rating = _rating(team, "Satire")
    assert rating.value is None and rating.position == 8
    assert response.redirect_chain[-1][0] == _url(team) + f"#rating-{rating.pk}"
    assert "Rating “Satire” added" in response.content.decode()


def test_a_refused_rating_comes_back_with_the_error_at_its_field(client, team):
    client.force_login(team.admin)

    response = client.post(
        _url(team, "rating-add"),
        {"new-label": "true", "new-value": "3", "new-colour": "#8250df"},
    )

    assert response.status_code == 400
    assert "The scale already has a rating called “true”." in response.content.decode()
    assert Rating.objects.filter(workspace=team.workspace).count() == 7


def test_an_admin_edits_a_rating_through_the_page(client, team):
    client.force_login(team.admin)
    rating = _rating(team, "Mixed")
    prefix = f"rating-{rating.pk}"

    client.post(
        _url(team, "rating-edit", rating_id=rating.pk),
        {
            f"{prefix}-label": "Half true",
            f"{prefix}-value": "",
            f"{prefix}-colour": "#00aa00",
            f"{prefix}-description": "Partly.",
        },
    )

    rating.refresh_from_db()
    assert (rating.label, rating.value, rating.colour) == ("Half true", None, "#00aa00")


def test_an_admin_moves_a_rating_down_with_the_order_the_page_offers(client, team):
    client.force_login(team.admin)
    ids = [rating.pk for rating in _scale(team)]
    ids[0], ids[1] = ids[1], ids[0]

    client.post(_url(team, "rating-reorder"), {"order": ids, "moved": ids[1]})

    assert _labels(team)[:2] == ["Mostly true", "True"]


def test_a_move_from_an_outdated_page_is_refused_with_a_message(client, team):
    client.force_login(team.admin)
    ids = [rating.pk for rating in _scale(team)][1:]

    response = client.post(_url(team, "rating-reorder"), {"order": ids}, follow=True)

    assert "every rating of the scale exactly once" in response.content.decode()
    assert _labels(team)[0] == "True"


def test_an_admin_retires_and_restores_through_the_page(client, team):
    client.force_login(team.admin)
    rating = _rating(team, "Misleading")

    client.post(_url(team, "rating-retire", rating_id=rating.pk))
    rating.refresh_from_db()
    assert rating.retired
    assert "Restore" in client.get(_url(team)).content.decode()

    client.post(_url(team, "rating-restore", rating_id=rating.pk))
    rating.refresh_from_db()
    assert not rating.retired


@pytest.mark.parametrize(
    ("name", "needs_rating"),
    [
        ("rating-add", False),
        ("rating-reorder", False),
        ("rating-edit", True),
        ("rating-retire", True),
        ("rating-restore", True),
    ],
)
def test_editors_cannot_change_the_scale(client, team, name, needs_rating):
    client.force_login(team.editor)
    rating = _rating(team, "Mixed")
    kwargs = {"rating_id": rating.pk} if needs_rating else {}
    events_before = _events().count()

    response = client.post(
        _url(team, name, **kwargs),
        {"new-label": "X", "new-colour": "#000000", "order": [rating.pk]},
    )

    assert response.status_code == 403
    assert _events().count() == events_before


def test_an_admin_cannot_change_another_workspaces_rating_through_the_page(
    client, team, other_team
):
    client.force_login(team.admin)
    theirs = _rating(other_team, "Mixed")
    response = client.post(_url(team, "rating-retire", rating_id=theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert not theirs.retired
