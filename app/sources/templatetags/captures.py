"""The captures panel of an article page, without the article view having to know about it."""

from django import template

from app.sources.selectors import CAPTURE_SUMMARY_FIELDS, capture_list

register = template.Library()


@register.inclusion_tag("sources/_article_captures.html", takes_context=True)
def article_captures(context, article, workspace):
    request = context["request"]
    membership = getattr(request, "membership", None)
    return {
        "article": article,
        "workspace": workspace,
        "captures": list(
            capture_list(user=request.user, workspace=workspace, article=article)[:10]
        ),
        "can_fetch": membership is not None and membership.role_enum.includes("reviewer"),
    }


@register.simple_tag
def latest_capture_of(source):
    """The source's newest capture (without its files), or None.

    Reads `source.captures_newest_first` when the view prefetched it (a list of many
    sources then costs one query), else one query per call.
    """
    prefetched = getattr(source, "captures_newest_first", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return source.captures.order_by("-captured_at", "-id").only(*CAPTURE_SUMMARY_FIELDS).first()
