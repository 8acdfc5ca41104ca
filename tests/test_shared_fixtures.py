"""The fixtures tests/conftest.py builds once for many tests (`_Shared`): never committed,
and as the test would have made them, whatever the test before did to them."""

from django.db import connection, connections

from app.workspaces.models import Workspace


def test_a_test_asking_for_none_of_them_sees_none_of_their_rows(db):
    # Sorted before the tests asking for them (tests/conftest.py), in one process.
    assert not Workspace.objects.filter(name__in=["Desk A", "Desk B"]).exists()


def test_the_shared_rows_are_not_committed(team, other_team):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM workspaces_workspace WHERE id IN (%s, %s)",
                [team.workspace.pk, other_team.workspace.pk],
            )
            assert cursor.fetchone() == (0,)
    finally:
        other.close()


def test_a_change_to_the_team_stays_in_its_test(team):
    team.workspace.name = "Renamed"
    team.workspace.save(update_fields=["name"])
    team.viewer.memberships.all().delete()


def test_the_next_test_gets_the_team_as_made(team):
    # Runs after the one above when both run in one process (they ask for the same).
    assert team.workspace.name == "Desk A"
    team.workspace.refresh_from_db()
    assert team.workspace.name == "Desk A"
    assert team.workspace.memberships.filter(user=team.viewer).exists()


def test_the_test_runs_as_the_runtime_role_over_the_shared_rows(claim, english_article):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "sanad_test_runtime"
    assert claim.snapshot is english_article.snapshot  # as when made in the test
