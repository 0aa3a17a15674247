"""Incremental builds (prepare / commit / discard), hand-edit conflicts, keep-mine,
untracked files, materialize; and the property: after every incremental step the
workspace equals a clean build of the same spec, byte for byte."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from autobe_core.build.builder import clean_build
from autobe_core.build.edits import edited_conflicts, save_copies
from autobe_core.build.incremental import (
    Staged,
    WorkspaceChangedError,
    commit,
    discard,
    incremental_build,
    prepare,
)
from autobe_core.build.manifest import (
    IGNORED_DIRS,
    Manifest,
    file_bytes,
    modified_files,
    text_sha256,
)
from autobe_core.build.trees import CorruptBlobError, MaterializeError, materialize
from autobe_core.build.workspace import leftovers, read_manifest
from autobe_core.generate.plan import PlannedModule
from autobe_core.graph.affected import affected
from autobe_core.spec.changeset import AddField, ChangeSet, RemoveOperation
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField, ProjectSpec
from tests.changeset_strategies import changeset_sequences

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
TODO = load_spec(FIXTURES / "todo.yaml")
BBS = load_spec(FIXTURES / "bbs.yaml")

ADD_FIELD = ChangeSet(edits=[AddField(
    model="todo_items", field=PlainField(name="estimate", type="int", nullable=True))])
REMOVE_OP = ChangeSet(edits=[RemoveOperation(method="delete", path="/todo/user/lists/{listId}")])


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root but tool caches: path -> bytes."""
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in IGNORED_DIRS]
        for name in filenames:
            path = Path(dirpath) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def build(spec: ProjectSpec, workspace: Path) -> Manifest:
    return clean_build(spec, workspace).manifest


def step(
    spec: ProjectSpec,
    workspace: Path,
    *,
    lookup_key: Callable[[str], str | None] | None = None,
    keep: Iterable[str] = (),
) -> Staged:
    """prepare + commit against the workspace's own manifest."""
    staged = prepare(spec, workspace, read_manifest(workspace), lookup_key=lookup_key, keep=keep)
    commit(staged, workspace)
    return staged


def assert_equals_clean_build(
    spec: ProjectSpec, workspace: Path, scratch: Path, extra: dict[str, bytes] | None = None
) -> None:
    """The workspace holds exactly a clean build's files (and ``extra`` user files)."""
    clean = scratch / "clean"
    build(spec, clean)
    assert tree(workspace) == {**tree(clean), **(extra or {})}
    assert read_manifest(workspace) == read_manifest(clean)
    assert leftovers(workspace) == ([], [])


@pytest.fixture
def generate_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Module ids, in order, of every PlannedModule.generate() call."""
    calls: list[str] = []
    original = PlannedModule.generate

    def counting(self: PlannedModule) -> str:
        calls.append(self.id)
        return original(self)

    monkeypatch.setattr(PlannedModule, "generate", counting)
    return calls


# --------------------------------------------------------------------------- reuse


def test_no_change_reuses_everything(tmp_path: Path, generate_calls: list[str]) -> None:
    ws = tmp_path / "backend"
    build(TODO, ws)
    (ws / ".mypy_cache").mkdir()
    (ws / ".mypy_cache" / "3.11.json").write_text("{}")
    generate_calls.clear()
    seen: list[tuple[int, int, str]] = []
    staged = prepare(TODO, ws, read_manifest(ws), progress=lambda *a: seen.append(a))
    commit(staged, ws)
    assert generate_calls == []
    assert [(d, t) for d, t, _ in seen] == [(i, len(seen)) for i in range(1, len(seen) + 1)]
    assert {m for _, _, m in seen} == {e.module_id for e in staged.manifest}
    assert staged.counts["regenerated"] == 0 and staged.generated == {}
    assert staged.counts["reused"] == len(staged.manifest) and staged.removed == []
    assert set(staged.sources.values()) == {"workspace"}
    assert staged.diff.empty and staged.state == "committed"
    assert (ws / ".mypy_cache" / "3.11.json").read_text() == "{}"
    assert_equals_clean_build(TODO, ws, tmp_path)


def test_adding_a_field_regenerates_exactly_the_affected_modules(
    tmp_path: Path, generate_calls: list[str]
) -> None:
    ws = tmp_path / "backend"
    build(TODO, ws)
    mtime = (ws / "app/models/todo_lists.py").stat().st_mtime_ns
    new = apply(TODO, ADD_FIELD)
    report = affected(TODO, new)
    generate_calls.clear()
    staged = step(new, ws)
    regenerated = {e.module_id for e in staged.regenerated}
    assert regenerated == report.ids("added", "changed") != set()
    assert sorted(generate_calls) == sorted(regenerated)
    assert {e.module_id for e in staged.reused} == report.ids("reused")
    assert set(staged.generated) == {e.path for e in staged.regenerated}
    assert all(text_sha256(t) == staged.manifest.entries[p].sha256
               for p, t in staged.texts.items())
    assert (ws / "app/models/todo_lists.py").stat().st_mtime_ns == mtime  # copied as it was
    assert_equals_clean_build(new, ws, tmp_path)


def test_removing_an_operation_deletes_its_files(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    old = build(TODO, ws)
    new = apply(TODO, REMOVE_OP)
    report = affected(TODO, new)
    staged = step(new, ws)
    assert {e.module_id for e in staged.removed} == report.ids("removed") != set()
    for entry in staged.removed:
        assert entry.path in old and not (ws / entry.path).exists()
    assert_equals_clean_build(new, ws, tmp_path)


def test_lookup_key_makes_a_rollback_regenerate_nothing(
    tmp_path: Path, generate_calls: list[str]
) -> None:
    ws = tmp_path / "backend"
    build(TODO, ws)
    by_key = {e.key: (ws / e.path).read_text("utf-8") for e in read_manifest(ws) or ()}
    staged = step(apply(TODO, ADD_FIELD), ws)
    by_key.update({e.key: staged.texts[e.path] for e in staged.manifest})
    generate_calls.clear()
    back = step(TODO, ws, lookup_key=by_key.get)
    assert generate_calls == [] and back.regenerated == []
    assert "key" in back.sources.values()
    assert_equals_clean_build(TODO, ws, tmp_path)


def test_lookup_by_sha_replaces_a_hand_edited_unchanged_file(
    tmp_path: Path, generate_calls: list[str]
) -> None:
    ws = tmp_path / "backend"
    manifest = build(TODO, ws)
    blobs = {e.sha256: (ws / e.path).read_text("utf-8") for e in manifest}
    (ws / "app/db.py").write_text("# mine\n")
    blobs["0" * 64] = "wrong"
    generate_calls.clear()
    staged = prepare(TODO, ws, manifest, lookup=blobs.get)
    assert generate_calls == [] and staged.sources["app/db.py"] == "blob"
    assert staged.preserved == ["app/db.py"] and staged.conflicts == []  # the change keeps it
    assert staged.texts["app/db.py"] == blobs[manifest.entries["app/db.py"].sha256]
    discard(staged)


# --------------------------------------------------------------------------- two phases


def test_discard_leaves_the_workspace_untouched(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    build(TODO, ws)
    before = tree(ws)
    with prepare(apply(TODO, ADD_FIELD), ws, read_manifest(ws)) as staged:
        assert staged.path.is_dir() and staged.path.parent == tmp_path
        assert tree(ws) == before
    assert staged.state == "discarded" and not staged.path.exists()
    assert tree(ws) == before and leftovers(ws) == ([], [])
    assert [p.name for p in tmp_path.iterdir()] == ["backend"]


def test_commit_refuses_when_the_workspace_changed_since_prepare(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    build(TODO, ws)
    staged = prepare(apply(TODO, ADD_FIELD), ws, read_manifest(ws))
    (ws / "app/__pycache__").mkdir()  # caches do not count
    (ws / "notes.md").write_text("written during verification")
    with pytest.raises(WorkspaceChangedError, match=r"notes\.md"):
        commit(staged, ws)
    assert (ws / "notes.md").exists()
    discard(staged)
    staged = step(apply(TODO, ADD_FIELD), ws)
    assert (ws / "notes.md").read_text() == "written during verification"


def test_first_build_into_an_empty_place(tmp_path: Path) -> None:
    ws = tmp_path / "deep" / "backend"
    staged = incremental_build(TODO, ws, None)
    assert staged.counts["regenerated"] == len(staged.manifest)
    assert_equals_clean_build(TODO, ws, tmp_path)


# --------------------------------------------------------------------------- user content


def test_hand_edits_conflicts_keep_and_force(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    head = build(TODO, ws)
    new = apply(TODO, ADD_FIELD)
    dto = "app/dtos/todo_items.py"
    assert "dto:todo_items" in affected(TODO, new).ids("changed")
    (ws / dto).write_text("# my dto\n")  # the change rewrites it: a conflict
    (ws / "app/db.py").write_text("# my db\n")  # the change leaves it: no conflict
    (ws / "app/errors.py").unlink()  # deleted: nothing to lose
    (ws / "NOTES.md").write_text("mine")  # untracked
    (ws / "scripts").mkdir()
    (ws / "scripts/seed.sh").write_text("#!/bin/sh\n")
    os.chmod(ws / "scripts/seed.sh", 0o755)
    staged = prepare(new, ws, head)
    assert edited_conflicts(ws, head, staged.manifest) == [dto] == staged.conflicts
    discard(staged)

    # --keep-mine: the edit stays, and stays visible as an edit
    staged = step(new, ws, keep=[dto])
    assert (ws / dto).read_text() == "# my dto\n"
    assert (ws / "app/db.py").read_text() == "# my db\n"
    assert (ws / "app/errors.py").exists()
    assert (ws / "NOTES.md").read_text() == "mine"
    assert os.stat(ws / "scripts/seed.sh").st_mode & 0o777 == 0o755
    assert staged.preserved == ["app/db.py", dto] and staged.conflicts == []
    assert staged.untracked == ["NOTES.md", "scripts/seed.sh"]
    assert modified_files(ws, staged.manifest) == ["app/db.py", dto]
    assert staged.manifest == read_manifest(ws) == build(new, tmp_path / "clean")

    # --force: save the user's version, then overwrite it
    back = apply(new, ChangeSet(edits=[AddField(
        model="todo_items", field=PlainField(name="rank", type="int", nullable=True))]))
    head = staged.manifest
    staged = prepare(back, ws, head)
    assert staged.conflicts == [dto]
    assert save_copies(ws, staged.conflicts, tmp_path / "saved") == [dto]
    with pytest.raises(FileExistsError):
        save_copies(ws, [dto], tmp_path / "saved")
    commit(staged, ws)
    assert (tmp_path / "saved" / dto).read_text() == "# my dto\n"
    assert (ws / dto).read_bytes() == file_bytes(staged.texts[dto])


def test_conflicts_of_removed_files(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    head = build(TODO, ws)
    new = apply(TODO, REMOVE_OP)
    clean = build(new, tmp_path / "clean")
    gone = sorted(e.path for e in head if e.path not in clean)
    assert gone
    (ws / gone[0]).write_text("# edited, then removed by the change\n")
    staged = prepare(new, ws, head)
    assert staged.conflicts == [gone[0]] and gone[0] not in staged.manifest
    discard(staged)
    staged = step(new, ws, keep=[gone[0]])  # kept, as a user file
    assert staged.preserved == [gone[0]]
    assert [p for p in gone if (ws / p).exists()] == [gone[0]]
    assert (ws / gone[0]).read_text().startswith("# edited")
    again = step(new, ws)  # from now on an untracked file
    assert again.untracked == [gone[0]] and (ws / gone[0]).exists()


def test_untracked_files_in_the_way_of_generated_ones_are_conflicts(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    head = build(apply(TODO, REMOVE_OP), ws)
    clean = build(TODO, tmp_path / "clean")  # the change adds the operation back
    added = sorted(p for p in clean.paths() if p not in head)
    (ws / added[0]).write_text("# mine, where the change generates a file\n")
    (ws / "app/dtos/zzz").mkdir()
    (ws / "app/dtos/zzz/x.py").write_text("")
    assert edited_conflicts(ws, head, clean) == [added[0]]
    fake = Manifest.from_modules([], {"app/dtos/zzz": ""})  # needs zzz as a file
    assert edited_conflicts(ws, None, fake) == ["app/dtos/zzz/x.py"]
    staged = prepare(TODO, ws, head)
    assert staged.conflicts == [added[0]] and staged.untracked == ["app/dtos/zzz/x.py"]
    commit(staged, ws)
    assert_equals_clean_build(TODO, ws, tmp_path / "again", {"app/dtos/zzz/x.py": b""})


# --------------------------------------------------------------------------- materialize


def test_materialize_writes_exact_files_and_rejects_corrupt_blobs(tmp_path: Path) -> None:
    ws = tmp_path / "backend"
    manifest = build(BBS, ws)
    blobs = {e.sha256: (ws / e.path).read_bytes() for e in manifest}
    target = tmp_path / "checkout"
    target.mkdir()
    materialize(manifest, blobs.__getitem__, target)
    assert tree(target) == tree(ws)
    with pytest.raises(MaterializeError, match="not empty"):
        materialize(manifest, blobs.__getitem__, target)
    victim = manifest.entries["app/main.py"].sha256
    blobs[victim] += b"# tampered\n"
    with pytest.raises(CorruptBlobError, match=r"app/main\.py"):
        materialize(manifest, blobs.__getitem__, tmp_path / "bad")
    assert not (tmp_path / "bad").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backend", "checkout"]


# --------------------------------------------------------------------------- property


@pytest.mark.parametrize("spec", [TODO, BBS], ids=["todo", "bbs"])
def test_every_incremental_step_equals_a_clean_build(spec: ProjectSpec) -> None:
    incremental_steps_equal_clean_builds(spec, examples=3)


@pytest.mark.slow
@pytest.mark.parametrize("spec", [TODO, BBS], ids=["todo", "bbs"])
def test_more_incremental_steps_equal_clean_builds(spec: ProjectSpec) -> None:
    """Five more examples of each, drawn from another seed than the default suite's."""
    incremental_steps_equal_clean_builds(spec, examples=5, seed_=20261201)


def incremental_steps_equal_clean_builds(
    spec: ProjectSpec, examples: int, seed_: int | None = None
) -> None:
    """``examples`` random sequences of changes applied step by step to a built workspace
    (with or without a user's file): each step regenerates what the graph says and
    equals a clean build."""
    @settings(max_examples=examples, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(changes=changeset_sequences(spec, max_len=3), user_file=st.booleans())
    def run(changes: list[ChangeSet], user_file: bool) -> None:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            ws = root / "backend"
            build(spec, ws)
            extra = {"NOTES.md": b"mine"} if user_file else {}
            for path, data in extra.items():
                (ws / path).write_bytes(data)
            current = spec
            for number, change in enumerate(changes):
                new = apply(current, change)
                staged = step(new, ws)
                assert {e.module_id for e in staged.regenerated} == affected(
                    current, new).ids("added", "changed")
                assert_equals_clean_build(new, ws, root / f"step{number}", extra)
                current = new

    (run if seed_ is None else seed(seed_)(run))()
