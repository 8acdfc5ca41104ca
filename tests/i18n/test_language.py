"""Which language a page speaks: the person's choice, their browser, the workspace."""

import json

import pytest
from django.urls import reverse

from app.accounts.services import user_preferences_set
from app.audit.models import AuditEvent
from app.members.services import workspace_language_set

pytestmark = pytest.mark.django_db


def home_of(team):
    return reverse("workspace-home", kwargs={"slug": team.workspace.slug})


def html_lang(response) -> str:
    head = response.content.decode()[:600]
    return head.split("<html ", 1)[1].split(">", 1)[0]


def test_english_by_default(client, team):
    client.force_login(team.viewer)
    response = client.get(home_of(team))
    assert 'lang="en" dir="ltr"' in html_lang(response)
    assert "Recent claims" in response.content.decode()


def test_the_browser_language_beats_the_workspace_default(client, team):
    workspace_language_set(workspace=team.workspace, language="en", actor=team.admin)
    client.force_login(team.viewer)
    response = client.get(home_of(team), HTTP_ACCEPT_LANGUAGE="fa-IR,fa;q=0.9,en;q=0.5")
    assert 'lang="fa" dir="rtl"' in html_lang(response)
    assert "ادعاهای تازه" in response.content.decode()
    assert response["Content-Language"] == "fa"
    assert "Accept-Language" in response["Vary"]


def test_the_profile_language_beats_the_browser(client, team):
    user_preferences_set(user=team.viewer, language="en")
    client.force_login(team.viewer)
    response = client.get(home_of(team), HTTP_ACCEPT_LANGUAGE="fa")
    assert 'lang="en"' in html_lang(response)


def test_the_workspace_default_applies_when_the_browser_asks_for_neither(client, team):
    workspace_language_set(workspace=team.workspace, language="fa", actor=team.admin)
    client.force_login(team.viewer)
    response = client.get(home_of(team), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert 'lang="fa" dir="rtl"' in html_lang(response)
    # …and without any Accept-Language at all.
    assert 'lang="fa"' in html_lang(client.get(home_of(team)))


def test_the_switcher_saves_the_choice_on_the_profile(client, team):
    client.force_login(team.viewer)
    response = client.post(reverse("language-set"), {"language": "fa", "next": home_of(team)})
    assert response.status_code == 302 and response["Location"] == home_of(team)
    team.viewer.refresh_from_db()
    assert team.viewer.language == "fa"
    page = client.get(home_of(team), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fa"' in html_lang(page)


def test_the_switcher_remembers_a_signed_out_choice_in_the_session(client):
    response = client.post(reverse("language-set"), {"language": "fa", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="fa"' in html_lang(page)
    assert "ورود" in page.content.decode()


def test_the_switcher_refuses_an_unknown_language_and_a_foreign_next(client, team):
    client.force_login(team.viewer)
    response = client.post(
        reverse("language-set"), {"language": "de", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    team.viewer.refresh_from_db()
    assert team.viewer.language == ""


def test_the_account_page_saves_language_and_calendar(client, team):
    client.force_login(team.viewer)
    response = client.post(
        reverse("account-preferences"), {"language": "fa", "calendar": "jalali"}, follow=True
    )
    team.viewer.refresh_from_db()
    assert (team.viewer.language, team.viewer.preferred_calendar) == ("fa", "jalali")
    assert "ترجیحات شما ذخیره شد." in response.content.decode()


def test_changing_the_workspace_language_is_audited_and_admin_only(client, team):
    client.force_login(team.editor)
    url = reverse("workspace-language", kwargs={"slug": team.workspace.slug})
    assert client.post(url, {"default_language": "fa"}).status_code == 403
    client.force_login(team.admin)
    client.post(url, {"default_language": "fa"})
    team.workspace.refresh_from_db()
    assert team.workspace.default_language == "fa"
    event = AuditEvent.objects.filter(workspace=team.workspace).order_by("-seq").first()
    assert event.action == "workspace.language_changed"


def test_api_errors_speak_the_browser_language(client, team):
    client.force_login(team.viewer)
    response = client.get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 404
    assert (
        response.json()["error"]["message"]
        == "چنین نقطهٔ پایانی در API نیست؛ /api/v1/docs/ را ببینید."
    )


def test_the_page_scripts_get_their_strings_in_the_page_language(client):
    response = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200
    # The catalogue is JSON inside the script, non-ASCII letters escaped.
    assert json.dumps("هنوز حکمی نیست") in response.content.decode()
