from django import template
from django.utils.translation import gettext as _

from app.audit.selectors import events_for_article

register = template.Library()

ARTICLE_HISTORY_LIMIT = 20


@register.inclusion_tag("audit/_history.html", takes_context=True)
def event_history(context, events, heading="History", limit=None):
    """A list of events in words, each linked to its object, oldest first."""
    from app.audit.views import with_descriptions

    workspace = context["workspace"]
    events = list(events if limit is None else events[:limit])
    return {
        "events": with_descriptions(events, workspace.slug),
        "heading": heading,
        "workspace": workspace,
    }


@register.inclusion_tag("audit/_history.html", takes_context=True)
def article_history(context, article):
    """The article's latest events (its import, snapshots, claims made on it)."""
    from app.audit.views import with_descriptions

    workspace = context["workspace"]
    events = events_for_article(user=context["request"].user, article=article)
    latest = list(events.order_by("-seq")[:ARTICLE_HISTORY_LIMIT])[::-1]
    return {
        "events": with_descriptions(latest, workspace.slug),
        "heading": _("Article history"),
        "workspace": workspace,
        "more_url": True,
    }
