"""Staging links unchanged files instead of copying them (build/trees.py): the staged
tree shares the workspace's inodes for the files a change does not touch, writes only
what changes, as new files, and leaves the workspace's bytes, modes and times exactly as
they were until the swap; a discarded or refused tree leaves it byte for byte."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from autobe_core.build import trees
from autobe_core.build.builder import clean_build
from autobe_core.build.incremental import commit, discard, prepare
from autobe_core.build.manifest import IGNORED_DIRS, file_bytes
from autobe_core.build.workspace import leftovers, read_manifest
from autobe_core.service.changes import ChangeOptions
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.project_service import ProjectService
from autobe_core.service.staging import UserEditsConflict
from autobe_core.spec.changeset import AddField, ChangeSet
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TODO = load_spec(FIXTURES / "todo.yaml")
CHANGED = apply(TODO, ChangeSet(edits=[AddField(
    model="todo_items", field=PlainField(name="estimate", type="int", nullable=True))]))

State = dict[str, tuple[bytes, int, int, int]]
"""path -> (bytes, inode, mode, mtime_ns) of every file but tool caches."""


def state(root: Path) -> State:
    found: State = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED_DIRS]
        for name in filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            found[path.relative_to(root).as_posix()] = (
                path.read_bytes(), st.st_ino, stat.S_IMODE(st.st_mode), st.st_mtime_ns)
    return found


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "backend"
    clean_build(TODO, ws)
    return ws


def test_unchanged_files_are_the_workspaces_own_and_the_workspace_is_untouched(
    workspace: Path,
) -> None:
    before = state(workspace)
    staged = prepare(CHANGED, workspace, read_manifest(workspace))
    head = staged.head
    changed = {e.path for e in staged.manifest if head.get(e.path) != e}
    unchanged = {e.path for e in staged.manifest} - changed
    assert changed and len(unchanged) > 5 * len(changed)

    for path in unchanged:  # the same inode: nothing was written for them
        assert (staged.path / path).stat().st_ino == before[path][1], path
    for path in changed:  # new files, written 0644
        st = (staged.path / path).stat()
        assert stat.S_IMODE(st.st_mode) == 0o644
        if path in before:
            assert st.st_ino != before[path][1], path
            # writing a staged changed file cannot reach the workspace
            (staged.path / path).write_bytes(b"# scribbled by a tool\n")
    assert state(workspace) == before  # bytes, inodes, modes and times

    discard(staged)
    assert state(workspace) == before
    assert all((workspace / p).stat().st_nlink == 1 for p in before)
    assert leftovers(workspace) == ([], [])


def test_the_swap_keeps_unchanged_inodes_and_brings_the_changed_bytes(workspace: Path) -> None:
    before = state(workspace)
    staged = prepare(CHANGED, workspace, read_manifest(workspace))
    expected = {e.path: file_bytes(staged.texts[e.path]) for e in staged.manifest}
    commit(staged, workspace)
    after = state(workspace)
    for path, data in expected.items():
        assert after[path][0] == data
        if path in before and before[path][0] == after[path][0]:
            assert after[path][1:] == before[path][1:], path  # inode, mode, mtime kept
    assert all((workspace / p).stat().st_nlink == 1 for p in after)
    assert leftovers(workspace) == ([], [])


def test_where_linking_fails_the_tree_holds_copies(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(trees.os, "link", no_links)
    before = state(workspace)
    staged = prepare(CHANGED, workspace, read_manifest(workspace))
    for entry in staged.manifest:
        if staged.head.get(entry.path) == entry:
            data, inode, mode, mtime = before[entry.path]
            st = (staged.path / entry.path).stat()
            assert st.st_ino != inode
            assert ((staged.path / entry.path).read_bytes(), stat.S_IMODE(st.st_mode),
                    st.st_mtime_ns) == (data, mode, mtime)
    commit(staged, workspace)
    assert read_manifest(workspace) == staged.manifest


def test_a_file_whose_mode_differs_is_written_anew_not_linked(workspace: Path) -> None:
    """Linking shares the mode with the workspace's file: a file of another mode is
    written 0644 as before, and the workspace's keeps its mode until the swap."""
    path = "app/db.py"
    os.chmod(workspace / path, 0o755)
    before = state(workspace)
    staged = prepare(CHANGED, workspace, read_manifest(workspace))
    st = (staged.path / path).stat()
    assert st.st_ino != before[path][1] and stat.S_IMODE(st.st_mode) == 0o644
    assert st.st_mtime_ns == before[path][3]
    assert state(workspace) == before
    commit(staged, workspace)
    assert stat.S_IMODE((workspace / path).stat().st_mode) == 0o644


def test_a_refused_change_leaves_the_workspace_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the service: a change refused after its tree was staged (it would write
    over a hand edit) leaves every file as it was: bytes, inodes, modes and times."""
    monkeypatch.delenv("AUTOBE_STORE_URL", raising=False)
    root = tmp_path / "todo"
    ProjectService.init(root, FIXTURES / "todo.yaml", author="test")
    backend = root / "backend"
    with (backend / "app" / "dtos" / "todo_items.py").open("a", encoding="utf-8") as edited:
        edited.write("# my own line\n")
    before = state(backend)
    service = ProjectService(ProjectLayout(root))
    with pytest.raises(UserEditsConflict):
        service.change(ChangeSet(edits=[AddField(
            model="todo_items", field=PlainField(name="estimate", type="int", nullable=True))]),
            ChangeOptions(verify=False))
    assert state(backend) == before
    assert all((backend / p).stat().st_nlink == 1 for p in before)
    assert leftovers(backend) == ([], []) and service.status().head == 1
