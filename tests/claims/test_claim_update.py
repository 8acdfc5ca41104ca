import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from app.audit.models import AuditEvent
from app.claims.models import Claim
from app.claims.services import claim_update
from app.core.errors import PermissionDenied, StaleVersion

pytestmark = pytest.mark.django_db


def test_claim_update_changes_fields_bumps_version_and_records_both_sides(claim, team):
    updated = claim_update(
        claim=claim,
        version=1,
        restatement=" شهردار گفت سواری ۱۲٪ بیشتر شد ",
        tags=["transit", "Transit", "numbers"],
        actor=team.editor,
    )
    assert updated.version == 2
    assert updated.restatement == "شهردار گفت سواری ۱۲٪ بیشتر شد"
    assert updated.tags == ["transit", "numbers"]
    event = AuditEvent.objects.filter(workspace=team.workspace).latest("seq")
    assert event.action == "claim.updated"
    assert event.before == {"restatement": "", "tags": [], "version": 1}
    assert event.after["version"] == 2


def test_a_stale_version_is_refused_and_the_newer_edit_kept(claim, team):
    claim_update(claim=claim, version=1, claimant="Mayor", actor=team.editor)
    with pytest.raises(StaleVersion, match="changed since you opened it"):
        claim_update(claim=claim, version=1, claimant="Spokesperson", actor=team.reviewer)
    claim.refresh_from_db()
    assert (claim.claimant, claim.version) == ("Mayor", 2)


def test_an_update_that_changes_nothing_writes_nothing(claim, team):
    events = AuditEvent.objects.count()
    same = claim_update(claim=claim, version=1, restatement="", actor=team.editor)
    assert same.version == 1 and AuditEvent.objects.count() == events


def test_viewers_cannot_edit_and_long_tags_are_refused(claim, team):
    with pytest.raises(PermissionDenied):
        claim_update(claim=claim, version=1, claimant="x", actor=team.viewer)
    with pytest.raises(ValidationError) as caught:
        claim_update(claim=claim, version=1, tags=["x" * 65], actor=team.reviewer)
    assert "tags" in caught.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_once_exactly_one_wins(team, english_article):
    """Two connections race on the same version: the row lock lets exactly one through."""
    from app.claims.services import claim_create

    claim = claim_create(
        workspace=team.workspace,
        snapshot=english_article.snapshot,
        start=0,
        end=9,
        exact="The mayor",
        actor=team.reviewer,
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def save(actor, claimant):
        try:
            barrier.wait()
            claim_update(claim=claim, version=1, claimant=claimant, actor=actor)
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(team.editor, "A")),
        threading.Thread(target=save, args=(team.admin, "B")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.version == 2 and claim.claimant in {"A", "B"}
