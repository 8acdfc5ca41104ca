import functools
import unicodedata

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from app.articles.selectors import article_list
from app.claims.markup import escape, status_badges, url_prefix
from app.claims.models import ClaimStatus
from app.claims.selectors import CLAIM_SORTS, claim_search, rating_list
from app.claims.workflow_views import assignable_members
from app.core.templatetags.sanad_dates import show_day
from app.workspaces.models import Role
from app.workspaces.views import enter_workspace

PAGE_SIZE = 50
# What a row shows (`claim_rows`): no selectors, quotes or rating rows read for it.
ROW_FIELDS = (
    "id",
    "workspace_id",
    "article",
    "assignee",
    "exact",
    "restatement",
    "status",
    "rating_label",
    "rating_colour",
    "anchor_state",
    "tags",
    "updated_at",
    "article__id",
    "article__title",
    "article__language",
    "assignee__id",
    "assignee__username",
    "assignee__display_name",
)


def truncated(text: str, length: int) -> str:
    """The `truncatechars` filter: the text in NFC, cut to `length` with an ellipsis."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", _("Any status")), *ClaimStatus.choices]
    )
    rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Verdict")
    )
    assignee = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    tag = forms.CharField(required=False, widget=forms.TextInput(attrs={"dir": "auto"}))
    article = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    assigned_to_me = forms.BooleanField(required=False, label=_("Assigned to me"))
    awaiting_my_approval = forms.BooleanField(required=False, label=_("Waiting for my approval"))
    sort = forms.ChoiceField(
        required=False, choices=[(key, key.capitalize()) for key in CLAIM_SORTS]
    )

    def __init__(self, *args, ratings, members, articles, **kwargs):
        """`ratings`, `members`, `articles`: (value, label) pairs of the three lists."""
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", _("Any verdict")), *ratings]
        self.fields["assignee"].choices = [("", "Anyone"), *members]
        self.fields["article"].choices = [("", "Any article"), *articles]


@functools.lru_cache(maxsize=256)
def _filter_fields_html(data: tuple, ratings: tuple, members: tuple, articles: tuple, language):
    query = QueryDict(mutable=True)
    for key, values in data:
        query.setlist(key, list(values))
    form = ClaimFilterForm(query or None, ratings=ratings, members=members, articles=articles)
    return render_to_string("claims/_filter_fields.html", {"form": form})


def filter_fields_html(request, *, ratings: tuple, members: tuple, articles: tuple) -> str:
    """The filter form's fields: a select option costs a template render, so the markup
    is kept in this process for the query, the three lists of choices and the language
    (everything it shows; a deploy starts new processes)."""
    data = tuple(sorted((key, tuple(values)) for key, values in request.GET.lists()))
    html_ = _filter_fields_html(data, ratings, members, articles, get_language())
    return mark_safe(html_)  # noqa: S308 - rendered by our autoescaping template


@login_required
def claim_list_view(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    choices = {
        "ratings": tuple(
            (r.pk, r.label) for r in rating_list(user=request.user, workspace=workspace)
        ),
        "members": tuple(
            (m.user_id, str(m.user))
            for m in assignable_members(user=request.user, workspace=workspace)
        ),
        "articles": tuple(
            (a.pk, a.title[:80])
            for a in article_list(user=request.user, workspace=workspace).only("id", "title")
        ),
    }
    form = ClaimFilterForm(request.GET or None, **choices)
    filters = form.cleaned_data if form.is_valid() else {}
    claims = claim_search(
        user=request.user,
        workspace=workspace,
        **{key: value for key, value in filters.items() if value not in (None, "", False)},
    )
    if filters.get("awaiting_my_approval") and not request.membership.role_enum.includes(
        Role.EDITOR
    ):
        claims = claims.none()  # only editors approve: nothing waits for anyone else
    claims = claims.select_related(None).select_related("article", "assignee").only(*ROW_FIELDS)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "claims/list.html",
        {
            "workspace": workspace,
            "form": form,
            "filter_fields": filter_fields_html(request, **choices),
            "page": page,
            "rows": claim_rows(page.object_list, workspace=workspace, context={"request": request}),
            "query": query.urlencode(),
        },
    )


def claim_rows(claims, *, workspace, context: dict) -> SafeString:
    """The claims table's <tr> for each claim, as the template loop rendered them, byte
    for byte (tests/claims/test_claim_list_rows.py compares them).

    Built here because the loop (an include, two `{% url %}`, filters and a date tag per
    row) was most of the claims page's CPU. The status badges repeat
    templates/claims/_status.html. `context` is what `show_day` reads (the request).
    """
    claim_prefix = url_prefix("claim-detail", workspace)
    article_prefix = url_prefix("article-detail", workspace)
    rows = []
    for claim in claims:
        badges = status_badges(claim)
        article = claim.article
        label = truncated(claim.restatement or claim.exact, 140)
        tags = "".join(
            f'<span class="badge" dir="auto">{escape(tag)}</span> ' for tag in claim.tags or ()
        )
        assignee = escape(claim.assignee) if claim.assignee else "—"
        updated = claim.updated_at
        stamp = escape(date_filter(template_localtime(updated), "c"))
        rows.append(
            "\n          <tr>\n"
            f'            <td><a href="{claim_prefix}{claim.pk}/" dir="auto" '
            f'lang="{escape(article.language)}">{escape(label)}</a></td>\n'
            f"            <td>{badges}\n</td>\n"  # the include ends in a newline
            f'            <td><a href="{article_prefix}{claim.article_id}/" dir="auto">'
            f"{escape(truncated(article.title, 60))}</a></td>\n"
            f'            <td dir="auto">{assignee}</td>\n'
            f"            <td>{tags}</td>\n"
            f'            <td><time datetime="{stamp}">'
            f"{escape(show_day(context, updated))}</time></td>\n"
            "          </tr>\n        "
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value escaped above
