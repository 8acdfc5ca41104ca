"""The demo data and the way in: what a person does first after `./sanad run`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from app.articles.models import Article
from app.audit.models import AuditEvent
from app.claims.models import Claim, Evidence
from app.core.text import fold
from app.operations.management.commands.seed_demo import DEMO_DIR
from app.sources.models import Source
from app.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _login(client, username="demo-reviewer", password="sanad-demo"):
    return client.post(reverse("login"), {"username": username, "password": password}, follow=True)


def test_seed_demo_creates_a_user_per_role_and_prints_the_logins():
    output = _seed()
    roles = dict(
        Membership.objects.filter(workspace__slug="demo").values_list("user__username", "role")
    )
    assert roles == {
        "demo-admin": "admin",
        "demo-editor": "editor",
        "demo-reviewer": "reviewer",
        "demo-viewer": "viewer",
    }
    assert "sanad-demo" in output and "demo-reviewer" in output


def test_seed_demo_is_idempotent():
    _seed()
    counts = [
        Article.objects.count(),
        Claim.objects.count(),
        Source.objects.count(),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    ]
    _seed()
    assert [
        Article.objects.count(),
        Claim.objects.count(),
        Source.objects.count(),
        Evidence.objects.count(),
        AuditEvent.objects.count(),
    ] == counts
    assert counts[:2] == [3, 7]


def test_demo_articles_have_the_traits_of_real_persian_imports():
    _seed()
    persian = Article.objects.filter(language="fa")
    assert persian.count() == 2 and all(a.direction == "rtl" for a in persian)
    texts = "".join(a.snapshots.get().text for a in persian)
    assert "\u00a0" in texts  # no-break spaces
    assert any("\u06f0" <= c <= "\u06f9" for c in texts)  # Persian digits
    assert any("\u0660" <= c <= "\u0669" for c in texts)  # Arabic-Indic digits
    assert "گفتوگو" in texts  # a missing zero-width non-joiner, kept as written
    english = Article.objects.get(language="en")
    assert english.direction == "ltr"
    assert "🚇" in english.snapshots.get().text


def test_demo_source_urls_with_tracking_parameters_share_one_source():
    data = json.loads((DEMO_DIR / "demo.json").read_text(encoding="utf-8"))
    urls = [e["source_url"] for a in data["articles"] for c in a["claims"] for e in c["evidence"]]
    _seed()
    assert any("utm_" in url for url in urls)
    assert Source.objects.count() < len(urls)


def test_demo_claim_quotes_sit_exactly_at_their_offsets():
    _seed()
    for claim in Claim.objects.select_related("snapshot"):
        assert claim.snapshot.text[claim.start : claim.end] == claim.exact


def test_the_demo_reviewer_logs_in_and_sees_the_demo_articles(client):
    _seed()
    response = _login(client)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("workspace-home", kwargs={"slug": "demo"})
    page = response.content.decode()
    for article in Article.objects.all():
        assert article.title in page
    assert 'dir="auto"' in page


def test_a_persian_article_page_is_right_to_left_and_escaped(client):
    _seed()
    _login(client)
    article = Article.objects.filter(language="fa").first()
    response = client.get(reverse("article-detail", kwargs={"slug": "demo", "pk": article.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fa" dir="rtl"' in page
    claim = article.claims.first()
    assert fold(claim.exact) in fold(page)


def test_a_wrong_password_is_refused():
    from django.test import Client

    _seed()
    client = Client()
    response = _login(client, password="wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"correct username and password" in response.content


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_needs_a_post_and_ends_the_session(client):
    _seed()
    _login(client)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_works_and_enforces_the_validators(client):
    _seed()
    _login(client)
    weak = client.post(
        reverse("password_change"),
        {"old_password": "sanad-demo", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200 and b"too common" in weak.content
    strong = client.post(
        reverse("password_change"),
        {
            "old_password": "sanad-demo",
            "new_password1": "a-much-longer passphrase 42",
            "new_password2": "a-much-longer passphrase 42",
        },
    )
    assert strong.status_code == 302
    client.post(reverse("logout"))
    assert _login(client, password="a-much-longer passphrase 42").redirect_chain


def test_the_workspace_switcher_moves_between_workspaces(client, team):
    _seed()
    reviewer = Membership.objects.get(workspace__slug="demo", user__username="demo-reviewer").user
    from app.members.services import member_add

    member_add(workspace=team.workspace, user=reviewer, role="viewer", actor=team.admin)
    _login(client)
    response = client.get(reverse("home"), {"w": team.workspace.slug})
    assert response["Location"] == reverse("workspace-home", kwargs={"slug": team.workspace.slug})
    page = client.get(response["Location"]).content.decode()
    assert f'<option value="{team.workspace.slug}" selected>' in page
    assert '<option value="demo">' in page


def test_seed_demo_refuses_production(settings):
    settings.SANAD_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())
    assert not Article.objects.exists()


def test_members_page_lets_admins_change_roles_and_hides_it_from_others(client, team):
    client.force_login(team.viewer)
    page = client.get(reverse("workspace-members", kwargs={"slug": team.workspace.slug}))
    assert page.status_code == 200 and b"Change role" not in page.content
    membership = Membership.objects.get(workspace=team.workspace, user=team.reviewer)
    url = reverse(
        "workspace-member-role",
        kwargs={"slug": team.workspace.slug, "membership_id": membership.pk},
    )
    assert client.post(url, {"role": "admin"}).status_code == 403
    membership.refresh_from_db()
    assert membership.role == "reviewer"

    client.force_login(team.admin)
    assert (
        b"Change role"
        in client.get(reverse("workspace-members", kwargs={"slug": team.workspace.slug})).content
    )
    client.post(url, {"role": "editor"})
    membership.refresh_from_db()
    assert membership.role == "editor"
