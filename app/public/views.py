"""The public site: fact-check pages, index, Atom feed, sitemap and robots.txt.

These views never touch `request.session` or `request.user`, and their templates are
rendered without the request (so no context processor reads the session and no CSRF
token is made): the responses carry no cookie and no `Vary: Cookie`, and a CDN or
reverse proxy may cache them. Every response has `Cache-Control`, a strong `ETag` and
`Last-Modified`; a matching `If-None-Match` or `If-Modified-Since` gets 304 before
anything is rendered (Django's `get_conditional_response` decides).
"""

import datetime as dt
import itertools
import json
from xml.sax.saxutils import escape as xml_escape

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from app.claims.models import ClaimStatus
from app.core.dates import format_both
from app.core.i18n import language_fixed
from app.core.markdown import render_markdown
from app.core.text import direction_for
from app.exports.records import ExportContext, claim_review
from app.public import selectors
from app.workspaces.models import PublicSite
from app.workspaces.publishing import claim_path, claim_slug, public_context

CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=60"
# A tombstone stays; caches may keep it longer.
GONE_CACHE_CONTROL = "public, max-age=3600"


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _fresh(request: HttpRequest, freshness: selectors.Freshness) -> HttpResponse | None:
    return get_conditional_response(
        request, etag=freshness.etag, last_modified=int(freshness.last_modified.timestamp())
    )


def _cacheable(response: HttpResponse, freshness: selectors.Freshness, control=CACHE_CONTROL):
    response["ETag"] = freshness.etag
    response["Last-Modified"] = http_date(freshness.last_modified.timestamp())
    response["Cache-Control"] = control
    return response


def _not_modified(request, freshness, control=CACHE_CONTROL) -> HttpResponse | None:
    response = _fresh(request, freshness)
    if response is not None:
        _cacheable(response, freshness, control)
    return response


def json_ld(data: dict) -> str:
    """JSON for a <script> element: `<`, `>` and `&` escaped so the text cannot end it."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)  # noqa: S308 - escaped above; the only way into the element


def _language(site: PublicSite, article=None) -> tuple[str, str]:
    """The page's language and direction: the article's, else the site's default."""
    if article is not None and article.language:
        return article.language, article.direction
    return site.default_language, direction_for(site.default_language)


def _date(value, language: str) -> str:
    if value is None:
        return ""
    day = value.date() if hasattr(value, "date") else value
    return format_both(day, language)


def _site_context(site: PublicSite, request: HttpRequest) -> dict:
    root = public_context(site, _origin(request)).root
    return {
        "site": site,
        "site_name": site.name,
        "root": root,
        "feed_url": root + "feed.atom",
        "about_html": render_markdown(site.about) if site.about else "",
    }


@language_fixed
@require_safe
def claim_page(request: HttpRequest, slug: str, pk: int, text_slug: str = "") -> HttpResponse:
    """One fact-check; an old or missing slug redirects (301) to the current address."""
    site = selectors.enabled_site(slug)
    head, freshness = selectors.claim_freshness(site, pk)
    if text_slug != claim_slug(head):
        return HttpResponsePermanentRedirect(
            reverse(
                "public-claim",
                kwargs={"slug": site.workspace.slug, "pk": head.pk, "text_slug": claim_slug(head)},
            )
        )
    retracted = head.status == ClaimStatus.RETRACTED
    control = GONE_CACHE_CONTROL if retracted else CACHE_CONTROL
    cached = _not_modified(request, freshness, control)
    if cached is not None:
        return cached
    claim = selectors.claim_page(site, pk)
    article = claim.article
    language, direction = _language(site, article)
    publication = public_context(site, _origin(request))
    context = ExportContext(
        workspace_slug=site.workspace.slug,
        workspace_name=site.workspace.name,
        base_url=_origin(request),
        public=publication,
    )
    verdicts = list(claim.verdicts.all())
    history = []
    for earlier, later in itertools.pairwise(verdicts):
        history.append(
            {
                "date": _date(later.published_at, language),
                "note": later.correction_note,
                "earlier": earlier,
            }
        )
    current = verdicts[-1] if verdicts else None
    page = {
        **_site_context(site, request),
        "claim": claim,
        "article": article,
        "language": language,
        "direction": direction,
        "canonical": publication.claim_url(claim),
        "title": claim.restatement or claim.exact,
        "before": claim.context_before,
        "after": claim.context_after,
        "cut_before": claim.start > selectors.CONTEXT_CHARS,
        "cut_after": claim.end + selectors.CONTEXT_CHARS < claim.text_length,
        "article_date": _date(article.published_on, language),
        "published_date": _date(verdicts[0].published_at, language) if verdicts else "",
        "current": current,
        "reviewer": (
            current.decided_by.display_name
            if current and site.show_reviewer_names and current.decided_by
            else ""
        ),
        "history": history,
        "evidence": list(claim.evidence.all()),
        "retraction": None,
    }
    status = 200
    if retracted:
        retraction = claim.retractions.all()[0]
        page["retraction"] = retraction
        page["retracted_date"] = _date(retraction.decided_at, language)
        status = 410
    else:
        page["json_ld"] = json_ld(claim_review(claim, context))
    with translation.override(language):
        response = HttpResponse(render_to_string("public/claim.html", page), status=status)
    return _cacheable(response, freshness, control)


@language_fixed
@require_safe
def index(request: HttpRequest, slug: str) -> HttpResponse:
    """Published fact-checks, newest first: search words, rating and tag filters, pages."""
    site = selectors.enabled_site(slug)
    freshness = selectors.site_freshness(site)
    cached = _not_modified(request, freshness)
    if cached is not None:
        return cached
    query = request.GET.get("q", "")[:200]
    rating = request.GET.get("rating", "")[:80]
    tag = request.GET.get("tag", "")[:64]
    claims = selectors.filtered_claims(site, query=query, rating=rating, tag=tag)
    paginator = Paginator(claims, selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    language, direction = _language(site)
    labels, tags = selectors.facets(site)
    items = [
        {
            "claim": claim,
            "path": claim_path(claim),
            "date": _date(claim.first_published, claim.article.language or language),
            "direction": claim.article.direction,
        }
        for claim in page.object_list
    ]
    with translation.override(language):
        html = render_to_string(
            "public/index.html",
            {
                **_site_context(site, request),
                "language": language,
                "direction": direction,
                "items": items,
                "page": page,
                "query": query,
                "rating": rating,
                "tag": tag,
                "labels": labels,
                "tags": tags,
            },
        )
    response = HttpResponse(html)
    return _cacheable(response, freshness)


@language_fixed
@require_safe
def feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The newest published fact-checks as an Atom feed (Django's feed generator)."""
    site = selectors.enabled_site(slug)
    freshness = selectors.site_freshness(site)
    cached = _not_modified(request, freshness)
    if cached is not None:
        return cached
    root = public_context(site, _origin(request)).root
    language, _direction = _language(site)
    with translation.override(language):
        description = _("Published fact-checks")
    generator = Atom1Feed(
        title=site.name,
        link=root,
        description=description,
        language=language,
        feed_url=root + "feed.atom",
        feed_guid=root,
    )
    for claim in selectors.published_claims(site)[: selectors.FEED_SIZE]:
        generator.add_item(
            title=f"{claim.rating_label}: {claim.restatement or claim.exact}",
            link=root + claim_path(claim),
            description=claim.verdict_summary,
            unique_id=f"{root}{claim.pk}",
            pubdate=claim.first_published,
            updateddate=claim.updated_at,
            categories=list(claim.tags),
        )
    response = HttpResponse(
        generator.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )
    return _cacheable(response, freshness)


@language_fixed
@require_safe
def sitemap(request: HttpRequest, slug: str) -> HttpResponse:
    """Every live fact-check page with its last change (sitemaps.org protocol).

    Written directly rather than through a template: at 10,000 entries Django's
    template loop costs a second; the only text from users (the slug) is escaped.
    """
    site = selectors.enabled_site(slug)
    freshness = selectors.site_freshness(site)
    cached = _not_modified(request, freshness)
    if cached is not None:
        return cached
    root = public_context(site, _origin(request)).root
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        f"<url><loc>{xml_escape(iri_to_uri(root))}</loc></url>",
    ]
    for claim in selectors.sitemap_claims(site):
        location = xml_escape(iri_to_uri(root + claim_path(claim)))
        modified = claim.updated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"<url><loc>{location}</loc><lastmod>{modified}</lastmod></url>")
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml; charset=utf-8")
    return _cacheable(response, freshness)


@language_fixed
@require_safe
def site_robots(request: HttpRequest, slug: str) -> HttpResponse:
    """robots.txt for a site served from its own host: everything may be read."""
    site = selectors.enabled_site(slug)
    root = public_context(site, _origin(request)).root
    body = f"User-agent: *\nAllow: /\nSitemap: {root}sitemap.xml\n"
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = CACHE_CONTROL
    return response


@language_fixed
@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """The app's own robots.txt: only the public fact-check pages are for crawlers."""
    body = "User-agent: *\nAllow: /p/\nDisallow: /\n"
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = CACHE_CONTROL
    return response
