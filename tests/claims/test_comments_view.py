"""Commenting from the claim page."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from app.audit.models import AuditEvent
from app.claims.models import Comment

pytestmark = pytest.mark.django_db


def _url(team, claim):
    return reverse("claim-comment-add", kwargs={"slug": team.workspace.slug, "pk": claim.pk})


def _claim_page(team, claim):
    return reverse("claim-detail", kwargs={"slug": team.workspace.slug, "pk": claim.pk})


def test_a_reviewer_comments_and_lands_on_the_comments(client, team, claim):
    client.force_login(team.reviewer)

    response = client.post(_url(team, claim), {"body": "  See **the** report. گزارش را ببینید  "})

    assert response.status_code == 302
    assert response["Location"] == _claim_page(team, claim) + "#comments-heading"
    comment = Comment.objects.get()
    assert (comment.claim, comment.author) == (claim, team.reviewer)
    assert comment.body == "See **the** report. گزارش را ببینید"
    assert AuditEvent.objects.filter(action="comment.added", object_id=str(comment.pk)).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Comment added." in page


def test_an_empty_comment_is_refused_with_a_message(client, team, claim):
    client.force_login(team.reviewer)

    response = client.post(_url(team, claim), {"body": " \n "}, follow=True)

    assert response.redirect_chain[-1][0] == _claim_page(team, claim) + "#comments-heading"
    assert "Comment not added: A comment cannot be empty." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_viewer_cannot_comment(client, team, claim):
    client.force_login(team.viewer)
    response = client.post(_url(team, claim), {"body": "hello"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_member_of_another_workspace_gets_not_found(client, team, other_team, claim):
    client.force_login(other_team.reviewer)
    assert client.post(_url(team, claim), {"body": "hello"}).status_code == 404
    other_url = reverse(
        "claim-comment-add", kwargs={"slug": other_team.workspace.slug, "pk": claim.pk}
    )
    assert client.post(other_url, {"body": "hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, team, claim):
    response = client.post(_url(team, claim), {"body": "hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_comments_are_only_posted(client, team, claim):
    client.force_login(team.reviewer)
    assert client.get(_url(team, claim)).status_code == 405


def test_the_comment_form_partial_labels_its_box(rf, team, claim):
    html = render_to_string(
        "claims/_comment_form.html",
        {"workspace": team.workspace, "claim": claim},
        request=rf.get("/"),
    )
    assert f'action="{_url(team, claim)}"' in html
    assert '<label for="comment-body">' in html
    assert 'id="comment-body" name="body" dir="auto"' in html
    assert "csrfmiddlewaretoken" in html
