"""A change that fails leaves everything as it was; hand edits stop a change, end to end:
real ``autobe`` processes, real files, real databases, no mocks.

- a change that fails (verification or validation) leaves head, workspace and the
  user's files exactly as they were, and is recorded as a rejection;
- hand-edited files stop a change that would overwrite them, unless ``--keep-mine`` or
  ``--force`` says what to do.

``kill -9`` during a change: tests/service/test_crashes.py; changes at once and every
store: tests/service/test_concurrency.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.robustness_support import (
    ITEMS_DTO,
    NOTES_HELPER,
    USER_OPERATION,
    add_field,
    assert_matches_head,
    assert_status_ok,
    autobe,
    checkout_tree,
    clear_ambient,
    edit,
    edits_file,
    head,
    history,
    init_project,
    leftovers,
    service,
    tree,
)


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_ambient(monkeypatch)


# --------------------------------------------------------------------------- 1. failing changes


def test_a_change_that_fails_verification_leaves_everything_as_it_was(tmp_path: Path) -> None:
    project = init_project(tmp_path)
    mine = edit(project, USER_OPERATION, NOTES_HELPER)
    before, log_before = tree(project / "backend"), history(project)
    drop_notes = edits_file(
        tmp_path,
        "drop-notes",
        {"op": "removeField", "model": "todo_items", "field": "notes"},
        summary="drop the notes of todo items",
    )

    result = autobe("-C", project, "change", "--edits", drop_notes)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "change rejected" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{USER_OPERATION}:" in result.stdout and '"notes"' in result.stdout
    assert history(project) == log_before
    assert tree(project / "backend") == before
    assert (project / "backend" / USER_OPERATION).read_bytes() == mine
    assert leftovers(project) == []
    assert_status_ok(project, [USER_OPERATION])

    listed = autobe("-C", project, "log", "--rejected")
    assert listed.returncode == 0, listed.stderr
    rejected_row = next(line for line in listed.stdout.splitlines() if "drop the notes" in line)
    assert "verify" in rejected_row
    (rejection,) = service(project).rejections()
    assert rejection.stage == "verify" and rejection.head == 1
    assert any(d.get("file", "").endswith(USER_OPERATION) for d in rejection.diagnostics)

    # Without the hand-written use of the field the same change passes and lands.
    (project / "backend" / USER_OPERATION).write_bytes(mine[: -len(NOTES_HELPER.encode())])
    result = autobe("-C", project, "change", "--edits", drop_notes)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified" in result.stdout
    assert head(project) == 2
    assert_matches_head(project, tmp_path / "head")


def test_an_invalid_change_file_is_rejected_before_anything_is_written(tmp_path: Path) -> None:
    project = init_project(tmp_path)
    mine = edit(project, USER_OPERATION, "# mine\n")
    before, log_before = tree(project / "backend"), history(project)
    unknown = add_field(tmp_path, "todo_itemz", "estimate")

    result = autobe("-C", project, "change", "--edits", unknown)

    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "$.edits[0].model" in result.stderr
    assert "ref.unknown-model" in result.stderr
    assert "allowed: todo_users, todo_lists, todo_items, todo_labels" in result.stderr
    assert history(project) == log_before
    assert tree(project / "backend") == before
    assert (project / "backend" / USER_OPERATION).read_bytes() == mine
    assert leftovers(project) == []

    listed = autobe("-C", project, "log", "--rejected")
    row = next(line for line in listed.stdout.splitlines() if "add-todo_itemz" in line)
    assert "apply" in row
    (rejection,) = service(project).rejections()
    assert rejection.stage == "apply"
    assert [d["path"] for d in rejection.diagnostics] == ["$.edits[0].model"]


# --------------------------------------------------------------------------- 2. hand edits


def test_hand_edited_files_stop_a_change_unless_told_what_to_do(tmp_path: Path) -> None:
    project = init_project(tmp_path)
    dto = project / "backend" / ITEMS_DTO
    mine = edit(project, ITEMS_DTO, "# my own note\n")
    before = tree(project / "backend")

    # 1. The change would overwrite the edit: it stops, naming the file.
    first = add_field(tmp_path, "todo_items", "estimate")
    result = autobe("-C", project, "change", "--no-verify", "--edits", first)
    assert result.returncode == 1
    assert ITEMS_DTO in result.stderr and "nothing was changed" in result.stderr
    assert "--keep-mine" in result.stderr and "--force" in result.stderr
    assert head(project) == 1
    assert tree(project / "backend") == before
    assert leftovers(project) == []

    # 2. --keep-mine: the change lands around the user's version.
    result = autobe("-C", project, "change", "--no-verify", "--keep-mine", "--edits", first)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"kept your version of {ITEMS_DTO}" in result.stderr
    assert head(project) == 2
    assert dto.read_bytes() == mine
    assert "estimate" in (project / "backend/app/models/todo_items.py").read_text("utf-8")
    status = autobe("-C", project, "status")
    assert status.returncode == 0
    assert f"edited by hand: {ITEMS_DTO}" in status.stdout
    assert "holds the head revision" in status.stdout
    assert_matches_head(project, tmp_path / "r2", {ITEMS_DTO: mine})

    # 3. --force: the generated version wins; the user's is saved under .autobe/saved/.
    second = add_field(tmp_path, "todo_items", "effort")
    result = autobe("-C", project, "change", "--no-verify", "--force", "--edits", second)
    assert result.returncode == 0, result.stdout + result.stderr
    assert head(project) == 3
    generated = checkout_tree(project, "head", tmp_path / "r3")[ITEMS_DTO]
    assert dto.read_bytes() == generated and b"effort" in generated
    saved = [p for p in (project / ".autobe" / "saved").rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in saved] == [mine]
    assert saved[0].as_posix().endswith(ITEMS_DTO)
    assert_status_ok(project, [])
    assert_matches_head(project, tmp_path / "r3-again")

    # 4. A change that touches no edited file goes ahead; the edit stays as it is.
    mine = edit(project, ITEMS_DTO, "# edited again\n")
    labels = add_field(tmp_path, "todo_labels", "rank")
    result = autobe("-C", project, "change", "--no-verify", "--edits", labels)
    assert result.returncode == 0, result.stdout + result.stderr
    assert head(project) == 4
    assert dto.read_bytes() == mine
    assert "rank" in (project / "backend/app/models/todo_labels.py").read_text("utf-8")
    assert_status_ok(project, [ITEMS_DTO])
    assert_matches_head(project, tmp_path / "r4", {ITEMS_DTO: mine})
