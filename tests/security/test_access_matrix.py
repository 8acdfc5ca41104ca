"""Who may reach what: every URL pattern of the app × every kind of caller.

The patterns come from the URL resolver, so a new endpoint is covered the day it is
added: one missing from RULES below fails `test_every_url_pattern_is_classified`.
For each classified pattern and method, each caller gets the outcome its role
allows:

- anonymous: the browser is sent to the sign-in page, the API answers 401/403;
- a member of another workspace: 404, exactly as for a workspace that does not exist;
- a member whose role is too low: 403 (never data);
- a member whose role suffices: anything but 401/403/404 (200, a redirect, or a 400
  for the empty request body these probes send);
- and for every workspace-scoped object: the id of another workspace's object under
  the caller's own workspace answers 404.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from app.articles.services import article_import_text
from app.claims.evidence import evidence_add_with_source
from app.claims.models import Rating
from app.claims.relations import claim_link_related
from app.claims.services import claim_create, comment_add
from app.jobs.services import job_start
from app.sources.captures import capture_upload
from app.workspaces.models import Membership
from tests.conftest import make_team

pytestmark = pytest.mark.django_db

ROLES = ["viewer", "reviewer", "editor", "admin"]
ANYONE = "anyone"  # public: no sign-in needed
SIGNED_IN = "signed-in"  # any signed-in person, no workspace needed
STAFF = "staff"  # Django's admin site


@dataclass
class Rule:
    """What a pattern needs, per method: a role name, ANYONE, SIGNED_IN or STAFF."""

    methods: dict[str, str]
    # Objects named in the URL: kwarg → key in the `World` objects of a workspace.
    objects: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # fixed kwargs, e.g. an action
    api: bool = False
    # The workspace goes in the query string (`?workspace=<slug>`) instead of the path.
    workspace_query: bool = False
    # What a member whose role is too low gets: 403, or 404 for objects that exist
    # only for their owner.
    refused: int = 403


def Api(methods: dict[str, str], **options) -> Rule:  # a Rule for an API endpoint
    return Rule(methods, api=True, **options)


RULES: dict[str, Rule] = {
    # Django's own sign-in pages.
    "login": Rule({"GET": ANYONE}),
    "logout": Rule({"POST": ANYONE}),
    "password_change": Rule({"GET": SIGNED_IN}),
    "password_change_done": Rule({"GET": SIGNED_IN}),
    "password_reset": Rule({"GET": ANYONE}),
    "password_reset_done": Rule({"GET": ANYONE}),
    "password_reset_confirm": Rule({"GET": ANYONE}, extra={"uidb64": "MQ", "token": "x-y"}),
    "password_reset_complete": Rule({"GET": ANYONE}),
    # One's own account page: security log, e-mail preference.
    "account": Rule({"GET": SIGNED_IN}),
    "account-digest": Rule({"POST": SIGNED_IN}),
    "account-verify-send": Rule({"POST": SIGNED_IN}),
    "account-preferences": Rule({"POST": SIGNED_IN}),
    # The header's language switcher works signed out too (the choice goes in the session).
    "language-set": Rule({"POST": ANYONE}),
    "javascript-catalog": Rule({"GET": ANYONE}),
    # A bad link is a 400 for anyone; the link itself is the proof, no sign-in needed.
    "account-verify": Rule({"GET": ANYONE}, extra={"token": "x"}),
    # Workspaces and members.
    "home": Rule({"GET": SIGNED_IN}),
    "workspace-create": Rule({"GET": SIGNED_IN}),
    "workspace-home": Rule({"GET": "viewer"}),
    "workspace-dashboard": Rule({"GET": "viewer"}),
    "workspace-members": Rule({"GET": "viewer"}),
    "workspace-member-add": Rule({"POST": "admin"}),
    "workspace-language": Rule({"POST": "admin"}),
    "workspace-member-role": Rule({"POST": "admin"}, objects={"membership_id": "membership"}),
    # On a spare member, so that deactivating them leaves every caller's access alone.
    "workspace-member-action": Rule(
        {"POST": "admin"},
        objects={"membership_id": "spare_membership"},
        extra={"action": "deactivate"},
    ),
    "workspace-member-password-reset": Rule(
        {"POST": "admin"}, objects={"membership_id": "spare_membership"}
    ),
    # Unconfirmed (the probe's empty body), leaving changes nothing.
    "workspace-member-leave": Rule({"POST": "viewer"}),
    # Articles, the reader, claims.
    "article-import": Rule({"GET": "reviewer", "POST": "reviewer"}),
    "article-detail": Rule({"GET": "viewer"}, objects={"pk": "article"}),
    "article-edit": Rule({"POST": "reviewer"}, objects={"pk": "article"}),
    "article-date-confirm": Rule({"POST": "reviewer"}, objects={"pk": "article"}),
    "claim-create": Rule({"POST": "reviewer"}, objects={"article_pk": "article"}),
    "claim-list": Rule({"GET": "viewer"}),
    "claim-detail": Rule({"GET": "viewer"}, objects={"pk": "claim"}),
    "claim-edit": Rule({"POST": "reviewer"}, objects={"pk": "claim"}),
    "claim-comment-add": Rule({"POST": "reviewer"}, objects={"pk": "claim"}),
    "claim-evidence-add": Rule({"POST": "reviewer"}, objects={"pk": "claim"}),
    "claim-transition": Rule(
        {"POST": "reviewer"}, objects={"pk": "claim"}, extra={"action": "start-review"}
    ),
    # Sources and the rating scale.
    "source-list": Rule({"GET": "viewer"}),
    "source-detail": Rule({"GET": "viewer"}, objects={"pk": "source"}),
    "rating-list": Rule({"GET": "viewer"}),
    "rating-add": Rule({"POST": "admin"}),
    "rating-reorder": Rule({"POST": "admin"}),
    "rating-edit": Rule({"POST": "admin"}, objects={"rating_id": "rating"}),
    "rating-retire": Rule({"POST": "admin"}, objects={"rating_id": "rating"}),
    "rating-restore": Rule({"POST": "admin"}, objects={"rating_id": "rating"}),
    # Exports and API tokens in the browser.
    "export-page": Rule({"GET": "viewer", "POST": "viewer"}),
    "audit-reconcile": Rule({"GET": "editor"}),
    "api-tokens": Rule({"GET": "viewer", "POST": "viewer"}),
    # Tokens are their owner's: anyone else's is 404 (here, the admin's own token).
    "api-token-revoke": Rule({"POST": "admin"}, objects={"pk": "admin_token"}, refused=404),
    # REST API v1.
    "api-root": Api({"GET": ANYONE}),
    "api-schema": Api({"GET": ANYONE}),
    "api-docs": Api({"GET": ANYONE}),
    "api-workspace-list": Api({"GET": SIGNED_IN}),
    "api-workspace-detail": Api({"GET": "viewer"}),
    "api-member-list": Api({"GET": "viewer", "POST": "admin"}),
    "api-member-detail": Api({"GET": "viewer", "PATCH": "admin"}, objects={"pk": "membership"}),
    "api-article-list": Api({"GET": "viewer", "POST": "reviewer"}),
    "api-article-detail": Api({"GET": "viewer", "PATCH": "reviewer"}, objects={"pk": "article"}),
    "api-snapshot-detail": Api({"GET": "viewer"}, objects={"pk": "snapshot"}),
    "api-reader": Api({"GET": "viewer"}, objects={"pk": "article", "snapshot_pk": "snapshot"}),
    "api-claim-list": Api({"GET": "viewer", "POST": "reviewer"}),
    "api-claim-detail": Api({"GET": "viewer", "PATCH": "reviewer"}, objects={"pk": "claim"}),
    "api-claim-start-review": Api({"POST": "reviewer"}, objects={"pk": "claim"}),
    "api-claim-propose": Api({"POST": "reviewer"}, objects={"pk": "claim"}),
    "api-claim-approve": Api({"POST": "editor"}, objects={"pk": "claim"}),
    "api-claim-return": Api({"POST": "reviewer"}, objects={"pk": "claim"}),
    "api-claim-correct": Api({"POST": "editor"}, objects={"pk": "claim"}),
    "api-claim-assign": Api({"POST": "reviewer"}, objects={"pk": "claim"}),
    "api-comment-list": Api({"GET": "viewer", "POST": "reviewer"}, objects={"pk": "claim"}),
    "api-rating-list": Api({"GET": "viewer", "POST": "admin"}),
    "api-rating-reorder": Api({"POST": "admin"}),
    "api-rating-detail": Api({"GET": "viewer", "PATCH": "admin"}, objects={"pk": "rating"}),
    "api-rating-retire": Api({"POST": "admin"}, objects={"pk": "rating"}),
    "api-rating-restore": Api({"POST": "admin"}, objects={"pk": "rating"}),
    "api-source-list": Api({"GET": "viewer", "POST": "reviewer"}),
    "api-source-detail": Api({"GET": "viewer"}, objects={"pk": "source"}),
    "api-evidence-list": Api({"GET": "viewer", "POST": "reviewer"}, objects={"pk": "claim"}),
    # Fetching by URL and captures (issue 22).
    "article-import-url": Rule({"GET": "reviewer", "POST": "reviewer"}),
    "article-check-again": Rule({"POST": "reviewer"}, objects={"pk": "article"}),
    "source-capture": Rule({"POST": "reviewer"}, objects={"pk": "source"}),
    "source-capture-upload": Rule({"POST": "reviewer"}, objects={"pk": "source"}),
    "capture-detail": Rule({"GET": "viewer"}, objects={"pk": "capture"}),
    "capture-part": Rule({"GET": "viewer"}, objects={"pk": "capture"}, extra={"part": "file"}),
    "source-link-report": Rule({"GET": "viewer"}),
    "api-article-fetch": Api({"POST": "reviewer"}),
    "api-article-check-again": Api({"POST": "reviewer"}, objects={"pk": "article"}),
    "api-source-captures": Api({"GET": "viewer", "POST": "reviewer"}, objects={"pk": "source"}),
    "api-capture-detail": Api({"GET": "viewer"}, objects={"pk": "capture"}),
    # Search and related claims.
    "search": Rule({"GET": "viewer"}),
    "similar-claims": Rule({"GET": "viewer"}),
    "claim-relate": Rule({"POST": "reviewer"}, objects={"pk": "claim"}),
    "claim-unrelate": Rule({"POST": "reviewer"}, objects={"pk": "claim", "other": "claim2"}),
    "api-search": Api({"GET": SIGNED_IN}),
    "exports-api-csv": Api({"GET": "viewer"}, workspace_query=True),
    "exports-api-jsonl": Api({"GET": "viewer"}, workspace_query=True),
    "exports-api-claimreview": Api({"GET": "viewer"}, workspace_query=True),
    "exports-api-annotations": Api({"GET": "viewer"}, workspace_query=True),
    "exports-api-annotations-import": Api({"POST": "reviewer"}, workspace_query=True),
    # The audit trail: reading and exporting are a viewer's, signing an editor's.
    "audit-timeline": Rule({"GET": "viewer"}),
    "audit-export": Rule({"POST": "viewer"}),
    "audit-checkpoint-create": Rule({"POST": "editor"}),
    "audit-checkpoint-list": Rule({"GET": "viewer"}),
    "audit-public-key": Rule({"GET": ANYONE}),
    "audit-api-events": Api({"GET": "viewer"}, workspace_query=True),
    "audit-api-reconcile": Api({"GET": "editor"}, workspace_query=True),
    "audit-api-export": Api({"GET": "viewer"}, workspace_query=True),
    "audit-api-checkpoints": Api({"GET": "viewer", "POST": "editor"}, workspace_query=True),
    "audit-api-public-key": Api({"GET": ANYONE}),
    # Background jobs: any member starts an export and watches any job of the workspace.
    "job-export": Rule({"POST": "viewer"}),
    "job-import": Rule({"GET": "reviewer", "POST": "reviewer"}),
    "job-detail": Rule({"GET": "viewer"}, objects={"job_id": "job"}),
    "job-download": Rule({"GET": "viewer"}, objects={"job_id": "job"}),
    "api-job-export": Api({"POST": "viewer"}, workspace_query=True),
    "api-job-import": Api({"POST": "reviewer"}, workspace_query=True),
    "api-job-detail": Api({"GET": "viewer"}, objects={"pk": "job"}),
    "api-job-download": Api({"GET": "viewer"}, objects={"pk": "job"}),
    # Probes for load balancers: no sign-in, nothing about any workspace.
    "healthz": Rule({"GET": ANYONE}),
    "readyz": Rule({"GET": ANYONE}),
    # Invitations (admins), the invitee's link (anyone holding it), my work, notifications.
    "invitation-list": Rule({"GET": "admin", "POST": "admin"}),
    "invitation-resend": Rule({"POST": "admin"}, objects={"invitation_id": "invitation"}),
    "invitation-revoke": Rule({"POST": "admin"}, objects={"invitation_id": "invitation"}),
    "invitation-accept": Rule({"GET": ANYONE}, objects={"token": "invitation_link"}),
    "my-work": Rule({"GET": "viewer"}),
    "notification-list": Rule({"GET": "viewer"}),
    "notification-read": Rule({"POST": "viewer"}),
    "header-counts": Rule({"GET": "viewer"}),
    "mention-candidates": Rule({"GET": "viewer"}),
    "claim-follow": Rule({"POST": "viewer"}, objects={"pk": "claim"}),
    "api-my-work": Api({"GET": "viewer"}),
    "api-notification-list": Api({"GET": "viewer"}),
    "api-notification-read": Api({"POST": "viewer"}),
    "api-claim-retract": Api({"POST": "editor"}, objects={"pk": "claim"}),
    "api-claim-approve-retraction": Api({"POST": "editor"}, objects={"pk": "claim"}),
    "api-claim-return-retraction": Api({"POST": "editor"}, objects={"pk": "claim"}),
    # The public site (on in workspace A; its published claim is `published`). Anyone
    # reads it; tests/public/ checks that a site that is off answers 404 everywhere.
    "public-settings": Rule({"GET": "admin", "POST": "admin"}),
    "robots": Rule({"GET": ANYONE}),
    "public-index": Rule({"GET": ANYONE}),
    "public-feed": Rule({"GET": ANYONE}),
    "public-sitemap": Rule({"GET": ANYONE}),
    "public-robots": Rule({"GET": ANYONE}),
    "public-claim-short": Rule({"GET": ANYONE}, objects={"pk": "published"}),
    "public-claim": Rule(
        {"GET": ANYONE}, objects={"pk": "published"}, extra={"text_slug": "mayor"}
    ),
    # A capture of a source the published claim cites (tests/public/test_captures.py:
    # any other capture, of the site or another workspace, answers 404).
    "public-capture": Rule({"GET": ANYONE}, objects={"pk": "published_capture"}),
    "public-capture-image": Rule({"GET": ANYONE}, objects={"pk": "published_capture"}),
}
# Patterns that are not endpoints of their own (static files in development) or that
# answer the same for everyone (the API's catch-all 404, tested below).
NOT_ENDPOINTS = {"django.views.static.serve"}
API_CATCH_ALL = "/api/v1/^(?P<rest>.*)$"


def url_patterns() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every endpoint, the admin site as one entry."""
    found = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if getattr(entry, "app_name", None) == "admin":
                    found.append((route, entry))
                    continue
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                found.append((route, entry))

    walk(get_resolver().url_patterns, "/")
    return found


def pattern_key(route: str, entry) -> str:
    if isinstance(entry, URLResolver):
        return "admin-site"
    return entry.name or f"{entry.lookup_str} {route}"


def test_every_url_pattern_is_classified():
    unclassified = []
    for route, entry in url_patterns():
        key = pattern_key(route, entry)
        if key == "admin-site" or key in RULES:
            continue
        if isinstance(entry, URLPattern) and entry.lookup_str in NOT_ENDPOINTS:
            continue
        if route == API_CATCH_ALL:
            continue
        unclassified.append(f"{route} ({key})")
    assert unclassified == [], "Classify these endpoints in RULES:\n" + "\n".join(unclassified)


@dataclass
class World:
    """Two workspaces with one of everything each; `a` is the one under test."""

    a: object
    b: object
    objects: dict[str, dict[str, object]]
    # Tokens in A: holder label → (the role it acts with, its secret).
    tokens: dict[str, tuple[str, str]]
    b_admin_token: str


def _populate(team) -> dict[str, object]:
    from app.members.tokens import api_token_create

    imported = article_import_text(
        workspace=team.workspace,
        text="The mayor said ridership rose 12% in 2025.\n",
        title="Ridership",
        actor=team.reviewer,
    )
    claim = claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=4,
        end=9,
        exact="mayor",
        actor=team.reviewer,
    )
    evidence = evidence_add_with_source(
        claim=claim, url="https://example.org/report", stance="supports", actor=team.reviewer
    )
    comment_add(claim=claim, body="Checking the figures.", actor=team.reviewer)
    claim2 = claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=15,
        end=24,
        exact="ridership",
        actor=team.reviewer,
    )
    claim_link_related(claim=claim, other=claim2, actor=team.reviewer)
    capture = capture_upload(
        workspace=team.workspace,
        data=b"%PDF-1.7\n",
        file_name="report.pdf",
        source=evidence.source,
        actor=team.reviewer,
    )
    published = _published(team, imported.snapshot)
    published_capture = capture_upload(
        workspace=team.workspace,
        data=b"\x89PNG\r\n\x1a\nscreenshot",
        file_name="audit.png",
        source=published.evidence.get().source,
        actor=team.reviewer,
    )
    job = job_start(workspace=team.workspace, actor=team.admin, kind="export", params={})
    return {
        "job": job,
        "capture": capture,
        "published": published,
        "published_capture": published_capture,
        "workspace": team.workspace,
        "article": imported.article,
        "snapshot": imported.snapshot,
        "claim": claim,
        "claim2": claim2,
        "source": evidence.source,
        "evidence": evidence,
        "rating": Rating.objects.filter(workspace=team.workspace).first(),
        "membership": Membership.objects.get(workspace=team.workspace, user=team.viewer),
        "admin_token": api_token_create(
            workspace=team.workspace, actor=team.admin, name="to revoke"
        ).token,
        **_invitations(team),
    }


def _invitations(team) -> dict[str, object]:
    """One invitation for the admin's resend and revoke, another whose link is opened
    (resending the first changes its link), and a spare member to deactivate."""
    from types import SimpleNamespace

    from app.invitations.services import invitation_create
    from app.members.services import member_add
    from tests.factories import UserFactory

    spare = UserFactory(username=f"{team.admin.username}-spare")
    spare_membership = member_add(
        workspace=team.workspace, user=spare, role="viewer", actor=team.admin
    )
    managed = invitation_create(
        workspace=team.workspace, email="managed@example.org", role="viewer", actor=team.admin
    )
    opened = invitation_create(
        workspace=team.workspace, email="opened@example.org", role="viewer", actor=team.admin
    )
    # The link's token stands in the URL where other objects put their id.
    return {
        "invitation": managed.invitation,
        "invitation_link": SimpleNamespace(pk=opened.token),
        "spare_membership": spare_membership,
    }


def _published(team, snapshot):
    """A published claim on a workspace whose public site is on."""
    from app.claims.workflow import claim_start_review, verdict_approve, verdict_propose
    from app.public.services import public_site_update

    public_site_update(workspace=team.workspace, enabled=True, actor=team.admin)
    claim = claim_create(
        workspace=team.workspace,
        snapshot=snapshot,
        start=4,
        end=9,
        exact="mayor",
        actor=team.reviewer,
    )
    evidence_add_with_source(
        claim=claim, url="https://example.org/audit", stance="refutes", actor=team.reviewer
    )
    claim = claim_start_review(claim=claim, version=claim.version, actor=team.reviewer)
    verdict_propose(
        claim=claim,
        version=claim.version,
        rating=Rating.objects.filter(workspace=team.workspace).first(),
        summary="No.",
        actor=team.reviewer,
    )
    claim.refresh_from_db()
    verdict_approve(claim=claim, version=claim.version, actor=team.editor)
    claim.refresh_from_db()
    return claim


@pytest.fixture
def world(team) -> World:
    from app.members.tokens import api_token_create

    other = make_team("z")
    tokens = {}
    for role in ROLES:
        issued = api_token_create(
            workspace=team.workspace, actor=team.member(role), name=f"{role} script"
        )
        tokens[role] = (role, issued.secret)
    capped = api_token_create(
        workspace=team.workspace, actor=team.admin, name="read-only", role="viewer"
    )
    tokens["admin capped to viewer"] = ("viewer", capped.secret)
    b_admin = api_token_create(workspace=other.workspace, actor=other.admin, name="b")
    return World(
        a=team,
        b=other,
        objects={"a": _populate(team), "b": _populate(other)},
        tokens=tokens,
        b_admin_token=b_admin.secret,
    )


def _kwargs(route: str, rule: Rule, objects: dict, slug: str) -> dict:
    kwargs = dict(rule.extra)
    for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
        if name == "slug" and name not in rule.objects:
            kwargs[name] = slug
        elif name in rule.objects:
            kwargs[name] = objects[rule.objects[name]].pk
    return kwargs


def _path(route: str, entry: URLPattern, rule: Rule, objects: dict, slug: str) -> str:
    from django.urls import reverse

    assert entry.name, f"unnamed pattern {route}"
    path = reverse(entry.name, kwargs=_kwargs(route, rule, objects, slug))
    return f"{path}?workspace={slug}" if rule.workspace_query else path


def _request(client, method: str, path: str, api: bool, token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(path, **headers)
    if api:
        return client.generic(method, path, "{}", content_type="application/json", **headers)
    return client.post(path, {}, **headers)


def _expect_refused(response, status: int, label: str) -> None:
    assert response.status_code == status, f"{label}: {response.status_code}, expected {status}"


def _expect_allowed(response, label: str) -> None:
    assert response.status_code not in (401, 403, 404), f"{label}: {response.status_code}"
    assert response.status_code < 500, f"{label}: {response.status_code}"


def _allowed(required: str, role: str | None, staff: bool = False) -> bool:
    if required == ANYONE:
        return True
    if required == SIGNED_IN:
        return role is not None
    if required == STAFF:
        return staff
    return role is not None and ROLES.index(role) >= ROLES.index(required)


def _classified_patterns():
    for route, entry in url_patterns():
        key = pattern_key(route, entry)
        if key in RULES:
            yield route, entry, RULES[key]


def _signed_in_clients(world) -> dict:
    """One client per role, signed in once: a sign-in per request would write a session
    and a security-log row each time, which is most of what this matrix would cost."""
    from django.test import Client

    clients = {}
    for role in ROLES:
        clients[role] = Client()
        clients[role].force_login(world.a.member(role))
    return clients


def _signed_in(client, user):
    """The client, signed in again as `user` if a request (POST /logout/) ended its session."""
    from django.conf import settings

    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        client.force_login(user)
    return client


def _as(clients: dict, world, role: str):
    return _signed_in(clients[role], world.a.member(role))


def _signed_out(client):
    """The client without cookies, so the server sees no session: anonymous.

    Cheaper than `client.logout()` before each probe, which first saves a new session
    to sign out of and runs the sign-out's signals; `_expect_anonymous` checks it.
    """
    client.cookies.clear()
    return client


def _expect_anonymous(response, label: str) -> None:
    caller = response.wsgi_request.user
    assert not caller.is_authenticated, f"{label}: ran as {caller}"


def _expect_caller(response, user, label: str) -> None:
    """The request ran as `user`: a client signed out by an earlier request would make
    a refusal pass for the wrong reason."""
    caller = response.wsgi_request.user
    assert caller.is_authenticated and caller.pk == user.pk, f"{label}: ran as {caller}"


@pytest.mark.slow
def test_each_role_gets_exactly_what_its_role_allows(client, world):
    slug = world.a.workspace.slug
    objects = world.objects["a"]
    clients = _signed_in_clients(world)
    for route, entry, rule in _classified_patterns():
        path = _path(route, entry, rule, objects, slug)
        for method, required in rule.methods.items():
            label = f"{method} {path}"
            response = _request(_signed_out(client), method, path, rule.api)
            _expect_anonymous(response, f"anonymous {label}")
            if required == ANYONE:
                _expect_allowed(response, f"anonymous {label}")
            elif rule.api:
                assert response.status_code in (401, 403), f"anonymous {label}"
            else:
                assert response.status_code == 302, f"anonymous {label}"
                assert "/accounts/login/" in response["Location"], f"anonymous {label}"
            for role in ROLES:
                response = _request(_as(clients, world, role), method, path, rule.api)
                if required != ANYONE:  # sign-out (ANYONE) ends the session it runs in
                    _expect_caller(response, world.a.member(role), f"{role} {label}")
                if _allowed(required, role):
                    _expect_allowed(response, f"{role} {label}")
                else:
                    _expect_refused(response, rule.refused, f"{role} {label}")
            if not rule.api:
                continue
            # Scripts: a token of each role, and the admin's token capped lower.
            for holder, (role, secret) in world.tokens.items():
                response = _request(_signed_out(client), method, path, True, token=secret)
                if _allowed(required, role):
                    _expect_allowed(response, f"token {holder} {label}")
                else:
                    _expect_refused(response, rule.refused, f"token {holder} {label}")


def test_other_workspaces_are_404_never_403_or_data(client, world):
    """A member of workspace B asks for A's pages, and for A's objects under B's slug."""
    for route, entry, rule in _classified_patterns():
        required = set(rule.methods.values())
        if required & {ANYONE, SIGNED_IN, STAFF}:
            continue  # not workspace-scoped
        a_objects = world.objects["a"]
        for method in rule.methods:
            _signed_in(client, world.b.admin)  # the highest role in B, none in A
            paths = [_path(route, entry, rule, a_objects, world.a.workspace.slug)]
            if rule.objects:
                # A's objects under B's own slug, where B's admin may do anything.
                paths.append(_path(route, entry, rule, a_objects, world.b.workspace.slug))
            for path in paths:
                response = _request(client, method, path, rule.api)
                _expect_caller(response, world.b.admin, f"B-admin {method} {path}")
                _expect_refused(response, 404, f"B-admin {method} {path}")
                if rule.api:
                    response = _request(client, method, path, True, token=world.b_admin_token)
                    _expect_refused(response, 404, f"B-admin token {method} {path}")
    # And nothing of A leaks into B's own pages.
    from django.urls import reverse

    client.force_login(world.b.admin)
    a = world.objects["a"]
    for name in ("workspace-home", "claim-list", "source-list"):
        page = client.get(reverse(name, kwargs={"slug": world.b.workspace.slug})).content.decode()
        assert f"/claims/{a['claim'].pk}/" not in page, name
        assert f"/sources/{a['source'].pk}/" not in page, name
        assert f"/articles/{a['article'].pk}/" not in page, name


# These two need a workspace admin only, not the world of objects: `team` has one.
def test_the_admin_site_is_for_staff_only(client, team):
    client.force_login(team.admin)  # a workspace admin is not staff
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    assert client.get("/admin/").status_code == 302


def test_unknown_api_paths_answer_404_in_the_error_shape(client, team):
    for user in (None, team.admin):
        if user:
            client.force_login(user)
        response = client.get("/api/v1/no-such-thing/")
        assert response.status_code == 404
        assert response.json()["error"]["status"] == 404
