"""Where a workspace publishes: its public site's settings and the addresses of its fact-checks.

Low in the stack on purpose: the claim page (a claim's public link), the exports
(ClaimReview URLs) and the public site itself all need the same addresses.
"""

from dataclasses import dataclass, field

from django.utils.text import slugify

from app.workspaces.models import PublicSite, Workspace

SLUG_LENGTH = 60


def claim_slug(claim) -> str:
    """A readable slug from the restatement (or the quote), Persian letters kept.

    The claim's id before it (`<id>-<slug>`) is what identifies the page, so a slug
    that changes with a correction only redirects.
    """
    slug = slugify(claim.restatement or claim.exact, allow_unicode=True)[:SLUG_LENGTH]
    return slug.strip("-") or "claim"


def claim_path(claim) -> str:
    """The claim's page relative to the site's root."""
    return f"{claim.pk}-{claim_slug(claim)}/"


@dataclass(frozen=True)
class PublicContext:
    """What a ClaimReview needs to know of the publishing organization."""

    root: str  # absolute, ends with "/"
    name: str
    url: str = ""
    logo: str = ""
    same_as: tuple[str, ...] = field(default_factory=tuple)
    language: str = ""

    def claim_url(self, claim) -> str:
        return self.root + claim_path(claim)

    def capture_url(self, pk: int) -> str:
        """A cited source's capture on the public site (public only while a published
        claim cites the source: `app.public.selectors.public_capture`)."""
        return f"{self.root}captures/{pk}/"

    def organization(self) -> dict:
        org = {"@type": "Organization", "name": self.name, "url": self.url or self.root}
        if self.logo:
            org["logo"] = {"@type": "ImageObject", "url": self.logo}
        if self.same_as:
            org["sameAs"] = list(self.same_as)
        return org


def site_root(site, origin: str) -> str:
    """The site's absolute root: its base URL, else `origin` + /p/<slug>/."""
    if site.base_url:
        return site.base_url.rstrip("/") + "/"
    return f"{origin.rstrip('/')}/p/{site.workspace.slug}/"


def public_context(site, origin: str) -> PublicContext:
    return PublicContext(
        root=site_root(site, origin),
        name=site.name,
        url=site.organization_url,
        logo=site.logo_url,
        same_as=tuple(site.same_as),
        language=site.default_language,
    )


def public_site_of(workspace: Workspace) -> PublicSite:
    """The workspace's settings, unsaved defaults when an admin never set them."""
    site = PublicSite.objects.filter(workspace=workspace).first()
    return site or PublicSite(workspace=workspace)
