"""The layer contract in pyproject.toml holds on the tree, and it would catch an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    """Run the contract of `project`'s pyproject.toml over its `app` package."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def copy_of_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    shutil.copytree(
        ROOT / "app",
        project / "app",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "demo"),
    )
    return project


def test_the_tree_keeps_every_layer():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_unchanged_copy_of_the_tree_keeps_them_too(tmp_path):
    # The copy is what the next test breaks: it must pass before the break.
    result = lint_imports(copy_of_project(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr


def test_a_core_module_importing_a_domain_app_breaks_the_contract(tmp_path):
    project = copy_of_project(tmp_path)
    (project / "app" / "core" / "upward.py").write_text(
        "from app.claims.models import Claim\n\n__all__ = ['Claim']\n"
    )

    result = lint_imports(project)

    assert result.returncode != 0
    assert "app.core is not allowed to import app.claims" in result.stdout
    assert "app.core.upward -> app.claims.models" in result.stdout


def test_a_lazy_import_inside_a_function_counts_as_well(tmp_path):
    project = copy_of_project(tmp_path)
    (project / "app" / "articles" / "upward.py").write_text(
        "def claims():\n    from app.claims import selectors\n\n    return selectors\n"
    )

    result = lint_imports(project)

    assert result.returncode != 0
    assert "app.articles.upward -> app.claims.selectors" in result.stdout


def test_a_new_app_without_a_place_in_the_stack_breaks_the_contract(tmp_path):
    project = copy_of_project(tmp_path)
    (project / "app" / "newcomer").mkdir()
    (project / "app" / "newcomer" / "__init__.py").write_text("")

    result = lint_imports(project)

    assert result.returncode != 0
    assert "app.newcomer" in result.stdout
