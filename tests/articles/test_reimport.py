"""A changed version of an article adds a snapshot and carries its claims across."""

import pytest

from app.articles.services import article_import_text
from app.audit.models import AuditEvent
from app.claims.models import Claim
from app.claims.services import claim_create

pytestmark = pytest.mark.django_db
URL = "https://example.org/fa/budget"
VERSION_1 = (
    "وزیر گفت:بودجه سد در ۱۸ ژوئن ۲۰۲۴ تصویب شد.\n"
    "این گفتوگو یکی از طولانیترین نشست‌ها بود 🚇 و «پیمان» امضا شد.\n"
    "ظرفیت مخزن ۱۸۵\u00a0میلیون مترمکعب است.\n"
)


def _claim(result, team, quote):
    start = result.snapshot.text.index(quote)
    return claim_create(
        workspace=team.workspace,
        snapshot=result.snapshot,
        start=start,
        end=start + len(quote),
        exact=quote,
        actor=team.reviewer,
    )


def _import(team, text):
    return article_import_text(workspace=team.workspace, text=text, url=URL, actor=team.reviewer)


def test_changed_version_reanchors_claims_exactly_fuzzily_or_as_orphans(team):
    first = _import(team, VERSION_1)
    moved = _claim(first, team, "«پیمان» امضا شد")
    edited = _claim(first, team, "بودجه سد در ۱۸ ژوئن ۲۰۲۴ تصویب شد")
    removed = _claim(first, team, "ظرفیت مخزن ۱۸۵\u00a0میلیون مترمکعب است")

    version_2 = "خبر فوری 🎉:\n" + VERSION_1.replace("۱۸ ژوئن", "۱۹ ژوئن").replace(
        "ظرفیت مخزن ۱۸۵\u00a0میلیون مترمکعب است.\n", ""
    )
    second = _import(team, version_2)

    assert second.snapshot.number == 2
    assert second.reanchored == {"anchored": 1, "fuzzy": 1, "orphaned": 1}
    moved.refresh_from_db()
    edited.refresh_from_db()
    removed.refresh_from_db()
    assert (moved.snapshot, moved.anchor_state) == (second.snapshot, "anchored")
    assert version_2[moved.start : moved.end] == "«پیمان» امضا شد"
    assert (edited.snapshot, edited.anchor_state) == (second.snapshot, "fuzzy")
    assert edited.exact == "بودجه سد در ۱۹ ژوئن ۲۰۲۴ تصویب شد"
    assert version_2[edited.start : edited.end] == edited.exact
    # The orphan stays on the snapshot where its quote is true, and is marked.
    assert (removed.snapshot, removed.anchor_state) == (first.snapshot, "orphaned")
    assert removed.exact == "ظرفیت مخزن ۱۸۵\u00a0میلیون مترمکعب است"
    assert Claim.objects.count() == 3  # nothing dropped
    assert all(c.version == 2 for c in (moved, edited, removed))
    events = AuditEvent.objects.filter(action="claim.reanchored").order_by("seq")
    assert events.count() == 3
    edited_event = events.get(object_id=str(edited.pk))
    assert edited_event.before["exact"] == "بودجه سد در ۱۸ ژوئن ۲۰۲۴ تصویب شد"
    assert edited_event.after["anchor_state"] == "fuzzy"


def test_unchanged_version_leaves_claims_alone(team):
    first = _import(team, VERSION_1)
    claim = _claim(first, team, "«پیمان» امضا شد")
    again = _import(team, VERSION_1)
    assert again.unchanged and again.reanchored == {}
    claim.refresh_from_db()
    assert claim.version == 1
