"""A workspace's home page (its latest articles and claims) and its dashboard.

Both live with the claims they count (workspaces sit below articles and claims);
their URLs are `w/<slug>/` and `w/<slug>/dashboard/` (app/claims/dashboard_urls.py).
"""

import dataclasses
import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from app.articles.selectors import article_list
from app.claims.selectors import claim_list
from app.claims.stats import Filters, dashboard_stats, workspace_tags
from app.core.charts import Text, bar_chart, column_chart
from app.core.forms import LooseDateField
from app.core.templatetags.sanad_dates import day_in
from app.workspaces.views import enter_workspace


@login_required
def workspace_home(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    return render(
        request,
        "workspaces/home.html",
        {
            "workspace": workspace,
            "articles": article_list(user=request.user, workspace=workspace)[:50],
            "claims": claim_list(user=request.user, workspace=workspace).order_by(
                "-created_at", "-id"
            )[:50],
        },
    )


class DashboardFilterForm(forms.Form):
    since = LooseDateField(label=_("From"))
    until = LooseDateField(label=_("Until"))
    tag = forms.ChoiceField(label=_("Tag"), required=False)

    def __init__(self, *args, tags: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Any tag")), *((tag, tag) for tag in tags)]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start of the range is after its end."))
        return data


def _duration_words(value: dt.timedelta | None, text: Text) -> str:
    """A median duration in days and hours, e.g. "2 days 3 hours"."""
    if value is None:
        return "—"
    days, seconds = value.days, value.seconds
    hours = seconds // 3600
    if days:
        words = gettext("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
    elif hours:
        words = gettext("%(hours)s h %(minutes)s min") % {
            "hours": hours,
            "minutes": (seconds % 3600) // 60,
        }
    else:
        words = gettext("%(minutes)s min") % {"minutes": max(1, seconds // 60)}
    return text.number(words)


def _short_day(row) -> str:
    """A week's tick: its Monday without the year (the table beside the chart has it)."""
    label = row.label
    if label[:4].isdigit() and label[4:5] == "-":  # ISO: 2024-06-17 -> 06-17
        return label[5:]
    return label.rsplit(" ", 1)[0]  # "۲۸ خرداد ۱۴۰۳" -> "۲۸ خرداد"


@login_required
def workspace_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    workspace = enter_workspace(request, slug)
    form = DashboardFilterForm(
        request.GET or None, tags=workspace_tags(user=request.user, workspace=workspace)
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = Filters(since=data.get("since"), until=data.get("until"), tag=data.get("tag") or "")
    stats = dashboard_stats(user=request.user, workspace=workspace, filters=filters)
    # Weeks are named by their Monday in the reader's calendar (and language's digits).
    calendar = request.user.preferred_calendar
    stats = dataclasses.replace(
        stats,
        per_week=[
            dataclasses.replace(row, label=day_in(calendar, dt.date.fromisoformat(row.key)))
            for row in stats.per_week
        ],
    )
    text = Text.current()
    charts = {
        "status": bar_chart(
            stats.by_status,
            title=gettext("Claims by status"),
            title_id="chart-status-title",
            css_prefix="bar-status-",
            text=text,
        ),
        "verdict": bar_chart(
            stats.by_verdict,
            title=gettext("Published claims by verdict"),
            title_id="chart-verdict-title",
            text=text,
        )
        if stats.by_verdict
        else None,
        "weeks": column_chart(
            stats.per_week,
            title=gettext("Claims published per week"),
            title_id="chart-weeks-title",
            tick_label=_short_day,
            text=text,
        )
        if stats.per_week
        else None,
    }
    return render(
        request,
        "claims/dashboard.html",
        {
            "workspace": workspace,
            "form": form,
            "filters": filters,
            "stats": stats,
            "charts": charts,
            "median_words": _duration_words(stats.time_to_publish.median, text),
        },
    )
