"""`./sanad doctor` names every part of the set-up with a status, reading only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

DOCTOR = Path(__file__).resolve().parents[2] / "scripts" / "doctor.py"
PARTS = (
    "Python",
    "PostgreSQL",
    "Extensions",
    "Roles",
    "Migrations",
    "Chromium",
    "Cache",
    "E-mail",
    "Job worker",
)


@pytest.mark.slow
def test_doctor_reports_each_part_with_ok_or_what_to_do():
    # The suite's DATABASE_URL (the development database) stands for one from the environment.
    env = {**os.environ, "SANAD_DB_SOURCE": "environment"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("SANAD_ENV", None)

    result = subprocess.run(
        [sys.executable, str(DOCTOR)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    headed = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert [next(p for p in PARTS if line.startswith(p)) for line in headed] == list(PARTS)
    statuses = {p: line[len(p) :].split()[0] for p, line in zip(PARTS, headed, strict=True)}
    assert statuses["Python"] == "OK"
    assert statuses["PostgreSQL"] == "OK"
    assert statuses["Job worker"] == "none"  # "none running": no worker beside the tests
    assert statuses["E-mail"] == "not"  # "not configured": nothing sends mail
    for line in result.stdout.splitlines():
        if " TODO " in line:  # each TODO is followed by what to do
            following = result.stdout.split(line, 1)[1].lstrip("\n")
            assert following.lstrip().startswith("-> ")
