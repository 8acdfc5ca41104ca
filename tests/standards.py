"""Standards test data kept beside the repository (../shared/standards/), never copied in.

`standards_file(...)` finds a file there (or under `SANAD_STANDARDS`); when it is
missing the test is skipped on a developer machine but fails under `CI=true`, so a CI
run can never pass by not checking.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def standards_file(*parts: str) -> Path:
    base = Path(os.environ.get("SANAD_STANDARDS", ROOT.parent / "shared" / "standards"))
    path = base.joinpath(*parts)
    if not path.exists():
        message = f"standards test data missing: {path} (set SANAD_STANDARDS)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path
