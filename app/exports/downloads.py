"""Turning a validated export request into a streaming download.

The browser page and the API both end here, so the audit event, the file name and the
content type of an export are the same whichever way it was asked for.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from app.core.errors import NotFound
from app.exports import streams
from app.exports.forms import ANNOTATIONS, CLAIMREVIEW, CSV, JSONL, ExportFilters, ExportForm
from app.exports.records import ExportContext
from app.exports.selectors import export_claims
from app.exports.services import export_create
from app.workspaces.models import Workspace
from app.workspaces.publishing import public_context, public_site_of


@dataclass(frozen=True)
class _Kind:
    content_type: str
    extension: str
    stem: str


KINDS = {
    CSV: _Kind("text/csv; charset=utf-8", "csv", "claims"),
    JSONL: _Kind("application/jsonl; charset=utf-8", "jsonl", "claims"),
    CLAIMREVIEW: _Kind("application/ld+json; charset=utf-8", "jsonld", "claimreview"),
    ANNOTATIONS: _Kind(
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"; charset=utf-8',
        "jsonld",
        "annotations",
    ),
}


def export_filename(workspace: Workspace, format: str, page: int | None = None) -> str:
    kind = KINDS[format]
    suffix = f"-page{page}" if page is not None else ""
    return (
        f"sanad-{workspace.slug}-{kind.stem}{suffix}-{timezone.localdate().isoformat()}"
        f".{kind.extension}"
    )


def _query(workspace: Workspace, filters: ExportFilters) -> dict[str, Any]:
    query: dict[str, Any] = {"workspace": workspace.slug}
    for key, value in filters.as_audit().items():
        query[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return query


def export_response(
    *,
    request: Any,
    user: Any,
    workspace: Workspace,
    form: ExportForm,
    after: int | None = None,
    whole: bool = False,
) -> StreamingHttpResponse:
    """Record the export, then stream it as an attachment.

    `form` must be valid. Raises `NotFound` for a Web Annotation page past the last.
    For Web Annotations only, `after` asks for the keyset page following that claim
    (0: the first), and `whole` for the collection with every annotation in it.
    """
    data = form.cleaned_data
    format, filters, page = data["format"], form.filters(), data.get("page")
    claims = export_claims(
        user=user,
        workspace=workspace,
        filters=filters,
        published_only=format == CLAIMREVIEW,
        with_evidence=format in (CSV, JSONL, CLAIMREVIEW),
        with_verdicts=format in (JSONL, CLAIMREVIEW),
        with_comments=format == JSONL and data.get("comments", False),
        with_captures=format in (JSONL, CLAIMREVIEW),
    )
    origin = request.build_absolute_uri("/").rstrip("/")
    site = public_site_of(workspace)
    context = ExportContext(
        workspace_slug=workspace.slug,
        workspace_name=workspace.name,
        base_url=origin,
        # ClaimReview points at the public pages only while they exist.
        public=public_context(site, origin) if site.enabled else None,
    )
    total = None
    if format == ANNOTATIONS and page is not None:
        total = claims.count()
        if page >= streams.annotation_page_count(total):
            raise NotFound(_("No such page."))

    options = {}
    if format == CSV:
        options["bom"] = bool(data.get("bom"))
    if format == JSONL:
        options["comments"] = bool(data.get("comments"))
    if page is not None:
        options["page"] = page
    if after is not None:
        options["after"] = after
    if whole:
        options["page"] = "all"
    event = export_create(
        workspace=workspace, actor=user, format=format, filters=filters, options=options
    )

    if format == CSV:
        chunks = streams.csv_stream_sql(claims, context, bom=bool(data.get("bom")))
    elif format == JSONL:
        chunks = streams.jsonl_stream_sql(claims, context, with_comments=bool(data.get("comments")))
    elif format == CLAIMREVIEW:
        chunks = streams.claimreview_stream(claims, context)
    else:
        collection = request.build_absolute_uri(reverse("exports-api-annotations"))
        query = _query(workspace, filters)
        collection_id = f"{collection}?{urlencode(query)}"

        def page_url(number: int) -> str:
            return f"{collection}?{urlencode({**query, 'page': number})}"

        def after_url(cursor: int) -> str:
            return f"{collection}?{urlencode({**query, 'after': cursor})}"

        if whole:
            chunks = streams.annotation_whole_collection_stream(
                claims,
                context,
                collection_id=collection_id,
                whole_url=f"{collection}?{urlencode({**query, 'page': 'all'})}",
                label=f"Claims of {workspace.name}",
            )
        elif after is not None:
            chunks = streams.annotation_keyset_page_stream(
                claims, context, after=after, collection_id=collection_id, after_url=after_url
            )
        elif page is None:
            chunks = streams.annotation_collection_stream(
                claims,
                context,
                collection_id=collection_id,
                page_url=page_url,
                label=f"Claims of {workspace.name}",
            )
        else:
            chunks = streams.annotation_page_stream(
                claims,
                context,
                page=page,
                total=total,
                collection_id=collection_id,
                page_url=page_url,
            )
    response = StreamingHttpResponse(chunks, content_type=KINDS[format].content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export_filename(workspace, format, page)
    )
    response["X-Export-ID"] = event.object_id
    return response
