"""Importing one article file (.html/.htm/.txt) with its manifest details.

Shared by `manage.py import_articles` and the background import job, so that a file
imports the same way from the command line and from the queue.
"""

from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from app.articles.services import article_import_html, article_import_text
from app.core.dates import DateInputError, read_date
from app.core.errors import DomainError

ARTICLE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
DETAIL_KEYS = ("title", "url", "outlet", "author", "language")


@dataclass
class Outcome:
    path: Path | str
    status: str  # imported | snapshot_added | unchanged | failed
    detail: str = ""


def describe_refusal(error: ValidationError) -> str:
    """A refused input in one line: each field with its messages."""
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def import_file(path: Path, *, workspace, actor, entry: dict) -> Outcome:
    """Import one file with its manifest details; a refusal is an outcome, not an error.

    Idempotent: the same file again is "unchanged" (the background import relies on it).
    """
    try:
        kwargs = {key: str(entry[key]) for key in DETAIL_KEYS if entry.get(key)}
        if entry.get("published"):
            try:
                kwargs["published_on"] = read_date(str(entry["published"]))
            except DateInputError as error:
                raise ValidationError({"published": str(error)}) from None
        data = path.read_bytes()
        if ARTICLE_SUFFIXES.get(path.suffix.lower()) == "html":
            result = article_import_html(
                workspace=workspace,
                html=data,
                actor=actor,
                require_url=bool(entry.get("url")),
                match_text=True,
                **kwargs,
            )
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ValidationError(
                    {
                        "text": _("The file is not UTF-8 text (byte %(start)s).")
                        % {"start": error.start}
                    }
                ) from None
            result = article_import_text(
                workspace=workspace,
                text=text,
                actor=actor,
                trim=bool(entry.get("trim")),
                match_text=True,
                **kwargs,
            )
    except ValidationError as error:
        return Outcome(path, "failed", describe_refusal(error))
    except DomainError as error:
        return Outcome(path, "failed", error.message)
    except OSError as error:
        return Outcome(path, "failed", f"cannot read: {error.strerror}")
    if result.unchanged:
        return Outcome(path, "unchanged", f"same as snapshot #{result.snapshot.number}")
    if result.created_article:
        return Outcome(path, "imported", f"article {result.article.pk}")
    return Outcome(path, "snapshot_added", f"snapshot #{result.snapshot.number}")
