"""A user's implementation of a custom operation through ProjectService, with its real
parts (SQLite store, mypy --strict, the generated backend's pytest):

- a change that breaks the interface the user's file implements is refused with mypy's
  diagnostic pointing into that file (file:line), and nothing changes: head, workspace
  files, the user's file byte for byte;
- with ``--keep-mine`` the same change is applied and the diagnostic reported;
- the user-owned operation really behaves as the user wrote it: ``check`` runs the
  generated tests around it and the user's own tests in ``tests/custom/`` (which fail
  when the behaviour changes), and ``status`` counts it as the user's.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autobe_core.service import ChangeOptions, ProjectLayout, ProjectService
from autobe_core.spec.changeset import ChangeSet, RenameField
from tests.unit.test_custom_operations import IMPLEMENTATION, OP_ID, USER_FILE

ROOT = Path(__file__).resolve().parents[2]
USER_TEST = "tests/custom/test_my_list_update.py"
USER_TEST_TEXT = '''"""My own tests of PUT /todo/user/lists/{listId}."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories.todo_lists import make_todo_lists
from tests.factories.todo_users import make_todo_users
from tests.helpers import bearer, key_of


def test_titles_are_trimmed_and_upper_cased(client: TestClient, session: Session) -> None:
    account = make_todo_users(session)
    row = make_todo_lists(session, todo_user_id=key_of(account))
    session.commit()
    response = client.put(f"/todo/user/lists/{key_of(row)}", json={"title": "  milk "},
                          headers=bearer("user", account))
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "MILK"


def test_another_accounts_list_is_not_found(client: TestClient, session: Session) -> None:
    mine, theirs = make_todo_users(session), make_todo_users(session)
    row = make_todo_lists(session, todo_user_id=key_of(theirs))
    session.commit()
    response = client.put(f"/todo/user/lists/{key_of(row)}", json={"title": "x"},
                          headers=bearer("user", mine))
    assert response.status_code == 404, response.text
'''
"""Stays beside the user's implementation (``tests/custom/``, a package autobe creates)."""
BREAKS_IT = ChangeSet(edits=[RenameField(model="todo_lists", field="title", new_name="name")],
                      summary="rename todo_lists.title to name")
"""The user's code reads ``body.title`` and ``row.title``: renamed, it no longer type-checks."""
TITLE_LINE = 1 + IMPLEMENTATION.splitlines().index("        if body.title is not None:")


def files(backend: Path) -> dict[str, bytes]:
    return {p.relative_to(backend).as_posix(): p.read_bytes() for p in sorted(backend.rglob("*"))
            if p.is_file() and "_cache" not in p.as_posix() and "__pycache__" not in p.parts}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """todo at revision 2: its list update made the user's and implemented, with tests."""
    monkeypatch.delenv("AUTOBE_STORE_URL", raising=False)
    root = tmp_path / "todo"
    ProjectService.init(root, ROOT / "fixtures" / "todo.yaml", author="test")
    service = ProjectService(ProjectLayout(root))
    outcome = service.change(f"implement {OP_ID} myself", ChangeOptions(verify=False))
    assert outcome.revision is not None and outcome.revision.number == 2
    backend = root / "backend"
    assert "This file is yours" in (backend / USER_FILE).read_text(encoding="utf-8")
    (backend / USER_FILE).write_text(IMPLEMENTATION, encoding="utf-8")
    (backend / USER_TEST).write_text(USER_TEST_TEXT, encoding="utf-8")
    return root


def test_a_change_breaking_the_users_file_is_refused_with_the_diagnostic(project: Path) -> None:
    service = ProjectService(ProjectLayout(project))
    before = files(project / "backend")
    outcome = service.change(BREAKS_IT)
    assert outcome.rejected and outcome.verification is not None
    located = [f"{d.location()}: {d.message}" for d in outcome.verification.diagnostics()]
    assert f'{USER_FILE}:{TITLE_LINE}: "ITodoListIUpdate" has no attribute "title"' in located
    assert all(d.file == USER_FILE for d in outcome.verification.diagnostics())
    assert any("--keep-mine" in note for note in outcome.notes)
    assert service.status().head == 2
    assert files(project / "backend") == before  # the user's file byte for byte, and all
    assert service.rejections()[-1].stage == "verify"


@pytest.mark.slow
def test_the_users_operation_runs_in_check_and_keep_mine_applies_a_breaking_change(
        project: Path) -> None:
    service = ProjectService(ProjectLayout(project))
    backend = project / "backend"
    checked = service.check()
    assert checked.ok, [str(d) for d in checked.diagnostics()]
    status = service.status()
    assert status.realized["user"] == 1 and status.orphaned == []

    # the user's own tests really run and hold the behaviour: a changed behaviour fails
    (backend / USER_FILE).write_text(IMPLEMENTATION.replace(".upper()", ".lower()"),
                                     encoding="utf-8")
    failed = service.check()
    assert not failed.ok
    assert any(d.file == USER_TEST for d in failed.diagnostics()), failed.diagnostics()
    (backend / USER_FILE).write_text(IMPLEMENTATION, encoding="utf-8")

    mine = (backend / USER_FILE).read_bytes()
    outcome = service.change(BREAKS_IT, ChangeOptions(keep_mine=True))
    assert not outcome.rejected and outcome.revision is not None
    assert outcome.revision.number == 3
    note = next(n for n in outcome.notes if n.startswith("applied with --keep-mine"))
    assert f'{USER_FILE}:{TITLE_LINE}: "ITodoListIUpdate" has no attribute "title"' in note
    assert (backend / USER_FILE).read_bytes() == mine
    assert "name: Text | None" in (backend / "app" / "dtos" / "todo_lists.py").read_text(
        encoding="utf-8")
    assert not service.check(["compile", "mypy"]).ok  # until the user fixes it
    assert os.path.exists(backend / USER_TEST)
