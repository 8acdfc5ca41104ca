"""`@username` in comments: linked for members of the workspace, offered as you type."""

import pytest
from django.urls import reverse

from app.claims.services import comment_add
from app.core.markdown import render_markdown
from app.notifications.templatetags.mentions import link_mentions

pytestmark = pytest.mark.django_db


def test_members_are_linked_and_others_left_as_text(team, other_team):
    html = link_mentions(
        render_markdown(
            f"@{team.editor.username}, ask @{other_team.editor.username}. "
            f"Mail x@{team.viewer.username}.org or `@{team.viewer.username}`, "
            f"thanks @{team.reviewer.username}."
        ),
        team.workspace,
    )
    claims = reverse("claim-list", kwargs={"slug": team.workspace.slug})
    assert f'<a class="mention" href="{claims}?assignee={team.editor.pk}">@a-editor</a>,' in html
    assert f'href="{claims}?assignee={team.reviewer.pk}">@a-reviewer</a>.' in html
    assert "@b-editor" in html and f"assignee={other_team.editor.pk}" not in html
    assert f"assignee={team.viewer.pk}" not in html  # in an address and in code: not linked


def test_a_name_inside_a_link_is_left_alone(team):
    html = link_mentions(
        render_markdown(f"[see @{team.editor.username}](https://example.org/)"), team.workspace
    )
    assert html.count("<a ") == 1


def test_the_claim_page_links_mentions(client, claim, team):
    comment_add(claim=claim, body=f"@{team.editor.username} please check", actor=team.reviewer)
    client.force_login(team.viewer)
    page = client.get(reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk}))
    assert 'class="mention"' in page.content.decode()


def test_candidates_are_the_active_members_of_the_workspace_only(client, team, other_team):
    from app.members.services import member_deactivate
    from app.workspaces.models import Membership

    member_deactivate(
        membership=Membership.objects.get(workspace=team.workspace, user=team.viewer),
        actor=team.admin,
    )
    client.force_login(team.reviewer)
    body = client.get(reverse("mention-candidates", kwargs={"slug": team.workspace.slug})).json()
    names = sorted(m["username"] for m in body["members"])
    assert names == ["a-admin", "a-editor", "a-reviewer"]
