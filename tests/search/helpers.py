from app.articles.services import article_import_text
from app.claims.services import claim_create


def article(team, text, title="An article", **kwargs):
    return article_import_text(
        workspace=team.workspace, text=text, title=title, actor=team.reviewer, **kwargs
    )


def claim_on(team, imported, exact, restatement=""):
    """A claim on the first occurrence of `exact` in the imported article's text."""
    start = imported.snapshot.text.index(exact)
    return claim_create(
        workspace=team.workspace,
        snapshot=imported.snapshot,
        start=start,
        end=start + len(exact),
        exact=exact,
        restatement=restatement,
        actor=team.reviewer,
    )
