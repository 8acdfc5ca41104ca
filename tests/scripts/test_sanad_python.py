"""`./sanad` picks the newest supported CPython and refuses older ones.

The interpreters here are fakes: shell scripts on a PATH made for the test, answering the
probe `./sanad` sends with the implementation, version and path of a real interpreter.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

SANAD = Path(__file__).resolve().parents[2] / "sanad"
CANDIDATES = ("python3.13", "python3.12", "python3.11", "python3")


@pytest.fixture
def path(tmp_path):
    """A PATH holding only the tools ./sanad needs, plus a folder for fake interpreters."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ("bash", "dirname", "basename", "sed", "cat"):
        (tools / tool).symlink_to(shutil.which(tool))
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    return fakes, f"{fakes}:{tools}"


def fake(folder: Path, name: str, answer: str | None) -> Path:
    """An interpreter answering the probe with `answer`, or one that does not run (None)."""
    script = folder / name
    if answer is None:  # like a pyenv shim of a version that is not enabled
        body = f'echo "pyenv: {name}: command not found" >&2\nexit 127\n'
    else:
        body = f'echo "{answer}"\n'
    script.write_text(f"#!/bin/sh\n{body}")
    script.chmod(0o755)
    return script


def sanad_python(search_path: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/bash", str(SANAD), "python"],
        env={"PATH": search_path, "HOME": "/nonexistent", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_it_picks_the_newest_supported_cpython_on_path(path):
    fakes, search_path = path
    fake(fakes, "python3.13", "CPython 3.13.1 /opt/py/bin/python3.13")
    fake(fakes, "python3.12", "CPython 3.12.8 /opt/py/bin/python3.12")
    fake(fakes, "python3.11", "CPython 3.11.7 /opt/py/bin/python3.11")
    fake(fakes, "python3", "CPython 3.11.7 /opt/py/bin/python3.11")

    result = sanad_python(search_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CPython 3.13.1  /opt/py/bin/python3.13  (the newest")


def test_a_newer_python3_wins_over_the_versioned_names(path):
    fakes, search_path = path
    fake(fakes, "python3.12", "CPython 3.12.8 /opt/py/bin/python3.12")
    fake(fakes, "python3", "CPython 3.14.0 /opt/py/bin/python3.14")

    result = sanad_python(search_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CPython 3.14.0  /opt/py/bin/python3.14")


def test_interpreters_that_do_not_run_or_are_not_cpython_are_passed_over(path):
    fakes, search_path = path
    fake(fakes, "python3.13", None)
    fake(fakes, "python3.12", "PyPy 3.12.0 /opt/pypy/bin/pypy3")
    fake(fakes, "python3.11", "CPython 3.11.2 /usr/bin/python3.11")

    result = sanad_python(search_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CPython 3.11.2  /usr/bin/python3.11")


def test_python_3_10_alone_is_refused_with_what_was_found_and_what_to_do(path):
    fakes, search_path = path
    fake(fakes, "python3", "CPython 3.10.12 /usr/bin/python3.10")
    fake(fakes, "python3.11", None)

    result = sanad_python(search_path)

    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr
    assert "Sanad needs CPython 3.11 or newer" in message
    assert "python3.11 does not run" in message
    assert "python3 is CPython 3.10.12" in message
    assert "SANAD_PYTHON=" in message


def test_no_python_at_all_says_so(path):
    _, search_path = path

    result = sanad_python(search_path)

    assert result.returncode == 1
    assert f"none of {' '.join(CANDIDATES)} is on PATH" in result.stderr


def test_sanad_python_overrides_the_search_but_not_the_version_floor(path):
    fakes, search_path = path
    fake(fakes, "python3.13", "CPython 3.13.1 /opt/py/bin/python3.13")
    chosen = fake(fakes, "my-python", "CPython 3.12.8 /opt/py/bin/python3.12")
    old = fake(fakes, "old-python", "CPython 3.10.13 /opt/py/bin/python3.10")

    result = sanad_python(search_path, SANAD_PYTHON=str(chosen))
    refused = sanad_python(search_path, SANAD_PYTHON=str(old))

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("CPython 3.12.8  /opt/py/bin/python3.12  (set by SANAD_PYTHON)")
    assert refused.returncode == 1
    assert f"SANAD_PYTHON={old} is CPython 3.10.13" in refused.stderr
    assert "needs CPython 3.11 or newer" in refused.stderr
