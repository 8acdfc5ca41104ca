"""The verdict scale page: everyone reads it, admins change it.

Each change is one small POST form calling one service of `app.claims.ratings`;
refusals come back as field errors (add, edit) or messages (move, retire, restore).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from app.claims import ratings as services
from app.claims.models import Rating
from app.claims.selectors import rating_get, rating_list_with_usage
from app.core.forms import add_service_errors
from app.workspaces.access import require_role
from app.workspaces.models import Role, Workspace
from app.workspaces.views import enter_workspace


class RatingForm(forms.Form):
    label = forms.CharField(
        max_length=services.LABEL_MAX_LENGTH, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    value = forms.IntegerField(
        label=_("Value"),
        required=False,
        min_value=services.VALUE_RANGE.start,
        max_value=services.VALUE_RANGE.stop - 1,
        help_text=_(
            "ClaimReview’s ratingValue (higher is truer); empty for “Unverifiable”-type ratings."
        ),
    )
    colour = forms.CharField(
        max_length=7, initial="#777777", widget=forms.TextInput(attrs={"type": "color"})
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"dir": "auto", "rows": 2})
    )


def _edit_prefix(rating: Rating) -> str:
    return f"rating-{rating.pk}"


def _edit_form(rating: Rating) -> RatingForm:
    return RatingForm(
        prefix=_edit_prefix(rating),
        initial={
            "label": rating.label,
            "value": rating.value,
            "colour": rating.colour,
            "description": rating.description,
        },
    )


def _moved(ids: list[int], index: int, step: int) -> list[int] | None:
    """The order with the rating at `index` moved by `step`, or None past either end."""
    target = index + step
    if not 0 <= target < len(ids):
        return None
    order = list(ids)
    order[index], order[target] = order[target], order[index]
    return order


def _scale_page(
    request: HttpRequest,
    workspace: Workspace,
    *,
    add_form: RatingForm | None = None,
    edit_forms: dict[int, RatingForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    is_admin = request.membership.role_enum.includes(Role.ADMIN)
    ratings = list(rating_list_with_usage(user=request.user, workspace=workspace))
    ids = [rating.pk for rating in ratings]
    rows = []
    for index, rating in enumerate(ratings):
        row = {"rating": rating}
        if is_admin:
            row["form"] = (edit_forms or {}).get(rating.pk) or _edit_form(rating)
            row["up"] = _moved(ids, index, -1)
            row["down"] = _moved(ids, index, +1)
        rows.append(row)
    return render(
        request,
        "claims/ratings.html",
        {
            "workspace": workspace,
            "rows": rows,
            "is_admin": is_admin,
            "add_form": (add_form or RatingForm(prefix="new")) if is_admin else None,
        },
        status=status,
    )


def _enter_as_admin(request: HttpRequest, slug: str) -> Workspace:
    """Refuse a change from anyone below admin before looking at what they sent."""
    workspace = enter_workspace(request, slug)
    require_role(workspace=workspace, actor=request.user, role=Role.ADMIN)
    return workspace


def _scale_url(workspace: Workspace, rating_pk: int | None = None) -> str:
    url = reverse("rating-list", kwargs={"slug": workspace.slug})
    return f"{url}#rating-{rating_pk}" if rating_pk else url


@login_required
def rating_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    return _scale_page(request, workspace)


@login_required
@require_POST
def rating_add_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = _enter_as_admin(request, slug)
    form = RatingForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            rating = services.rating_create(
                workspace=workspace, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Rating “%(label)s” added at the end of the scale.") % {"label": rating.label},
            )
            return redirect(_scale_url(workspace, rating.pk))
    return _scale_page(request, workspace, add_form=form, status=400)


@login_required
@require_POST
def rating_edit_view(request: HttpRequest, slug: str, rating_id: int) -> HttpResponse:
    workspace = _enter_as_admin(request, slug)
    rating = rating_get(user=request.user, workspace=workspace, pk=rating_id)
    form = RatingForm(request.POST, prefix=_edit_prefix(rating))
    if form.is_valid():
        try:
            rating = services.rating_update(rating=rating, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Rating “%(label)s” saved.") % {"label": rating.label})
            return redirect(_scale_url(workspace, rating.pk))
    return _scale_page(request, workspace, edit_forms={rating.pk: form}, status=400)


@login_required
@require_POST
def rating_reorder_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Apply the whole new order the page computed for one move up or down."""
    workspace = _enter_as_admin(request, slug)
    try:
        services.rating_reorder(
            workspace=workspace, ordered_ids=request.POST.getlist("order"), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_scale_url(workspace))
    messages.success(request, _("Scale reordered."))
    moved = request.POST.get("moved", "")
    return redirect(_scale_url(workspace, int(moved) if moved.isdigit() else None))


def _retire_or_restore(request: HttpRequest, slug: str, rating_id: int, retire: bool):
    workspace = _enter_as_admin(request, slug)
    rating = rating_get(user=request.user, workspace=workspace, pk=rating_id)
    service = services.rating_retire if retire else services.rating_restore
    try:
        rating = service(rating=rating, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if retire:
            done = _("Rating “%(label)s” retired: it stays on past verdicts.")
        else:
            done = _("Rating “%(label)s” offered again.")
        messages.success(request, done % {"label": rating.label})
    return redirect(_scale_url(workspace, rating.pk))


@login_required
@require_POST
def rating_retire_view(request: HttpRequest, slug: str, rating_id: int) -> HttpResponse:
    return _retire_or_restore(request, slug, rating_id, retire=True)


@login_required
@require_POST
def rating_restore_view(request: HttpRequest, slug: str, rating_id: int) -> HttpResponse:
    return _retire_or_restore(request, slug, rating_id, retire=False)
