"""Public site settings: admins only, validated, audited, on the workspace's settings page."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from app.audit.models import AuditEvent
from app.core.errors import PermissionDenied
from app.public.services import public_site_update
from app.workspaces.models import PublicSite

pytestmark = pytest.mark.django_db


def test_admins_change_the_settings_and_the_change_is_audited(team):
    site = public_site_update(
        workspace=team.workspace,
        actor=team.admin,
        enabled=True,
        base_url="https://fc.example.org/",
        same_as=["https://social.example/@desk", " "],
    )
    assert site.enabled and site.same_as == ["https://social.example/@desk"]
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.action == "public_site.updated"
    assert event.after["base_url"] == "https://fc.example.org/"


def test_other_roles_are_refused(team):
    with pytest.raises(PermissionDenied):
        public_site_update(workspace=team.workspace, actor=team.editor, enabled=True)
    assert not PublicSite.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"base_url": "javascript:alert(1)"}, "base_url"),
        ({"base_url": "https://fc.example.org/?x=1"}, "base_url"),
        ({"logo_url": "ftp://x.example/logo.png"}, "logo_url"),
        ({"same_as": ["not a url"]}, "same_as"),
        ({"default_language": " "}, "default_language"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_settings_are_field_errors(team, changes, field):
    with pytest.raises(ValidationError) as error:
        public_site_update(workspace=team.workspace, actor=team.admin, **changes)
    assert field in error.value.message_dict


@override_settings(IS_PRODUCTION=True)
def test_production_needs_an_https_base_url(team):
    with pytest.raises(ValidationError) as error:
        public_site_update(
            workspace=team.workspace, actor=team.admin, base_url="http://fc.example.org/"
        )
    assert "https" in error.value.message_dict["base_url"][0]


def test_the_settings_page_saves_for_admins(client, team):
    url = reverse("public-settings", args=[team.workspace.slug])
    client.force_login(team.admin)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "enabled": "on",
            "base_url": "https://fc.example.org/",
            "organization_name": "Desk",
            "same_as": "https://a.example/\nhttps://b.example/",
            "about": "**Methodology**",
            "default_language": "fa",
        },
    )
    assert response.status_code == 302
    site = PublicSite.objects.get(workspace=team.workspace)
    assert site.same_as == ["https://a.example/", "https://b.example/"]
    bad = client.post(url, {"base_url": "nope", "default_language": "fa"})
    assert bad.status_code == 200 and "base_url" in bad.context["form"].errors


def test_the_about_text_is_rendered_sanitized(client, team):
    public_site_update(
        workspace=team.workspace,
        actor=team.admin,
        enabled=True,
        about="**Method** <script>alert(1)</script>",
    )
    html = client.get(reverse("public-index", args=[team.workspace.slug])).content.decode()
    assert "<strong>Method</strong>" in html and "<script>alert" not in html
