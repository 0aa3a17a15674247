"""``autobe implement OPERATION``: the plan it shows, the refusals it gives, and (no
verification, for speed) that applying it creates the user's file once and that
``status`` counts the operation as the user's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from autobe_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
OP_ID = "put_todo_user_lists_by_list_id"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("AUTOBE_STORE_URL", raising=False)
    monkeypatch.setenv("AUTOBE_AUTHOR", "cli")
    root = tmp_path / "todo"
    assert run("init", root, "--from", ROOT / "fixtures" / "todo.yaml").exit_code == 0
    return root


def test_implement_shows_the_plan_and_refuses_token_operations(project: Path) -> None:
    shown = run("-C", project, "implement", "PUT /todo/user/lists/{listId}", "--dry-run")
    assert shown.exit_code == 0, shown.output
    assert "implementation: user" in shown.output and "kind: custom" in shown.output
    assert f"app/interfaces/{OP_ID}.py" in shown.output
    assert not (project / "backend" / "app" / "custom").exists()
    refused = run("-C", project, "implement", "post_auth_user_join", "--yes")
    assert refused.exit_code == 1
    assert "join operation" in refused.output


def test_implement_creates_the_users_file_once(project: Path) -> None:
    from autobe_core.service import ChangeOptions, ProjectLayout, ProjectService

    service = ProjectService(ProjectLayout(project))
    service.change(f"implement {OP_ID} myself", ChangeOptions(verify=False))
    mine = project / "backend" / "app" / "custom" / f"{OP_ID}.py"
    assert "This file is yours" in mine.read_text(encoding="utf-8")
    status = run("-C", project, "status")
    assert "1 yours (app/custom/)" in status.output, status.output
    again = run("-C", project, "implement", OP_ID, "--yes")
    assert "already yours" in again.output, again.output
