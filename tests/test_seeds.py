"""Tests that read the shared sample articles skip locally without them but fail on CI."""

import pytest

from tests.seeds import seed_path


def test_a_missing_seed_skips_the_test_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"no-such-seed\.txt not found"):
        seed_path("no-such-seed.txt")


def test_a_missing_seed_fails_the_test_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true needs them"):
        seed_path("no-such-seed.txt")
