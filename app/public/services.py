"""Changes to a workspace's public site settings (admins only, audited)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from app.audit import events
from app.audit.services import audit_append
from app.core.links import validate_web_url
from app.workspaces.access import require_role
from app.workspaces.models import PublicSite, Role, Workspace

FIELDS = (
    "enabled",
    "base_url",
    "organization_name",
    "organization_url",
    "logo_url",
    "same_as",
    "about",
    "default_language",
    "show_reviewer_names",
)
_URL_FIELDS = ("base_url", "organization_url", "logo_url")


def _cleaned(changes: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = dict(changes)
    for name in _URL_FIELDS:
        if cleaned.get(name):
            try:
                cleaned[name] = validate_web_url(cleaned[name], field=name)
            except ValidationError as error:
                errors.update({k: v[0] for k, v in error.message_dict.items()})
    base = cleaned.get("base_url") or ""
    if base and settings.IS_PRODUCTION and not base.startswith("https://"):
        errors["base_url"] = "The public address must start with https:// in production."
    if base and ("?" in base or "#" in base):
        errors["base_url"] = "The public address cannot carry a query or a fragment."
    if "same_as" in cleaned:
        links = []
        for link in cleaned["same_as"] or []:
            link = link.strip()
            if not link:
                continue
            try:
                links.append(validate_web_url(link, field="same_as"))
            except ValidationError:
                errors["same_as"] = f"Not a web address: {link}"
        cleaned["same_as"] = links
    if "default_language" in cleaned:
        language = (cleaned["default_language"] or "").strip()
        if not language:
            errors["default_language"] = "Choose the language of pages whose article has none."
        cleaned["default_language"] = language
    if "organization_name" in cleaned:
        cleaned["organization_name"] = (cleaned["organization_name"] or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def public_site_update(*, workspace: Workspace, actor: Any, **changes: Any) -> PublicSite:
    """Change the public site's settings; admins only.

    Accepts any of `FIELDS`. URLs must be http(s) (the base URL https in production);
    `same_as` is a list of URLs. One `public_site.updated` event with the changed
    fields. Raises `ValidationError`, `NotFound`, `PermissionDenied`.
    """
    require_role(workspace=workspace, actor=actor, role=Role.ADMIN)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({name: _("Not a public site setting.") for name in sorted(unknown)})
    cleaned = _cleaned(changes)
    site = PublicSite.objects.select_for_update().filter(workspace=workspace).first()
    if site is None:
        site = PublicSite(workspace=workspace)
    changed = {k: v for k, v in cleaned.items() if getattr(site, k) != v}
    if not changed and not site._state.adding:
        return site
    before = {k: getattr(site, k) for k in changed}
    for name, value in changed.items():
        setattr(site, name, value)
    site.save()
    audit_append(
        workspace=workspace,
        actor=actor,
        event=events.public_site_updated(workspace=workspace, before=before, after=changed),
    )
    return site
