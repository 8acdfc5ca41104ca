import pytest

from app.claims.services import claim_create


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Each test writes its job files into its own storage folder."""
    settings.SANAD_STORAGE_DIR = tmp_path / "storage"
    return settings.SANAD_STORAGE_DIR


@pytest.fixture
def claims(english_article, team):
    """Twelve claims on the English article (one per word start)."""
    text = english_article.snapshot.text
    made = []
    start = 0
    while len(made) < 12:
        end = text.index(" ", start)
        made.append(
            claim_create(
                workspace=team.workspace,
                snapshot=english_article.snapshot,
                start=start,
                end=end,
                exact=text[start:end],
                actor=team.reviewer,
            )
        )
        start = end + 1
    return made
