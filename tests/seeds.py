"""The Persian sample articles in ../shared/seeds, beside the repository (never copied into it)."""

import os
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def seed_path(name: str) -> Path:
    """The seed file `name`: a skip when it is absent, a failure under CI=true.

    CI must not go green by skipping the tests that read real articles.
    """
    path = SEEDS / name
    if not path.is_file():
        message = f"seed {name} not found in {SEEDS} (the shared sample articles are absent)"
        if on_ci():
            pytest.fail(f"{message}; CI=true needs them", pytrace=False)
        pytest.skip(message)
    return path
