"""Tests that read the shared sample articles skip locally without them but fail on CI."""

import re
from pathlib import Path

import pytest

from tests.seeds import seed_path

ROOT = Path(__file__).resolve().parents[1]


def test_a_missing_seed_skips_the_test_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no-such-seed\.txt not found"):
        seed_path("no-such-seed.txt")


def test_a_missing_seed_fails_the_test_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true needs them"):
        seed_path("no-such-seed.txt")


def test_the_ci_script_sets_ci_before_running_the_suite():
    script = (ROOT / ".ci" / "run").read_text()
    exported = re.search(r"^export CI=true$", script, re.M)
    first_run = script.index("./sanad test")
    assert exported is not None and exported.start() < first_run
