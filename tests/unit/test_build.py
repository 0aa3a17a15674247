"""The manifest, the one tree writer (stage, then swap), crash recovery and clean builds."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from autobe_core.build import (
    MANIFEST_NAME,
    BuildError,
    Manifest,
    ManifestEntry,
    ManifestError,
    MaterializeError,
    WorkspacePathError,
    check_path,
    clean_build,
    leftovers,
    materialize,
    modified_files,
    puts_of,
    read_manifest,
    recover,
    replace_tree,
    stage_tree,
    swap,
    text_sha256,
    untracked_files,
)
from autobe_core.build import trees as WRITER
from autobe_core.errors import AutobeError
from autobe_core.generate.plan import PlannedModule
from autobe_core.spec.io import load_spec

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class _Slice(BaseModel):
    text: str


def _module(path: str, text: str) -> PlannedModule:
    return PlannedModule(
        id=f"app:{path}", kind="app", path=path, slice=_Slice(text=text),
        render=lambda s: s.text if isinstance(s, _Slice) else "", generator_version="1",
    )


def _files(version: str) -> dict[str, str]:
    return {
        "app/__init__.py": "",
        "app/main.py": f"VERSION = {version!r}\n",
        "app/models/todo.py": "class Todo:\r\n    pass\r\n",
        "tests/test_main.py": "def test_ok() -> None:\n    assert True\n",
    }


def _write(workspace: Path, files: dict[str, str]) -> Manifest:
    modules = [_module(p, t) for p, t in files.items()]
    manifest = Manifest.from_modules(modules, {m.path: m.generate() for m in modules})
    replace_tree(workspace, files, manifest)
    return manifest


def _stage(workspace: Path, files: dict[str, str]) -> Path:
    """A staged tree of ``files`` beside ``workspace``, not swapped in."""
    return stage_tree(workspace, puts_of(files), Manifest.from_modules([], files))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- manifest


def test_manifest_round_trip_is_deterministic() -> None:
    modules = [_module(p, t) for p, t in _files("1").items()]
    files = {m.path: m.generate() for m in modules}
    manifest = Manifest.from_modules(reversed(modules), files)
    again = Manifest.from_modules(modules, dict(reversed(list(files.items()))))
    assert manifest.to_json() == again.to_json()
    assert Manifest.from_json(manifest.to_json()) == manifest
    assert manifest.paths() == sorted(files)
    entry = manifest.get("app/main.py")
    assert entry is not None and entry.module_id == "app:app/main.py"
    assert entry.key == modules[1].key
    assert '"moduleId"' in manifest.to_json() and manifest.to_json().endswith("}\n")


def test_manifest_diff() -> None:
    old = Manifest.from_modules([], _files("1"))
    new_files = _files("2")
    del new_files["app/models/todo.py"]
    new_files["app/extra.py"] = "X = 1\n"
    new = Manifest.from_modules([], new_files)
    diff = old.diff(new)
    assert diff.added == ["app/extra.py"]
    assert diff.changed == ["app/main.py"]
    assert diff.removed == ["app/models/todo.py"]
    assert old.diff(old).empty
    reverse = new.diff(old)
    assert (reverse.added, reverse.removed) == (diff.removed, diff.added)


def test_manifest_rejects_bad_input() -> None:
    with pytest.raises(ManifestError):
        Manifest.from_json("{not json")
    with pytest.raises(ManifestError):
        Manifest.from_json('{"version": 99, "entries": []}')
    with pytest.raises(ManifestError):
        Manifest.from_json('{"version": 1, "entries": [{"path": "a"}]}')
    with pytest.raises(ManifestError):
        Manifest.of([ManifestEntry("a", "1", "", ""), ManifestEntry("a", "2", "", "")])
    with pytest.raises(ManifestError):
        Manifest.from_modules([_module("app/x.py", "")], {})


# --------------------------------------------------------------------------- writer


def test_replace_tree_writes_exact_tree(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    manifest = _write(workspace, _files("1"))
    tree = _tree(workspace)
    assert sorted(tree) == sorted([*_files("1"), MANIFEST_NAME])
    assert tree["app/models/todo.py"] == b"class Todo:\n    pass\n"  # LF only
    assert read_manifest(workspace) == manifest
    assert modified_files(workspace, manifest) == []
    for path in workspace.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), path
    assert leftovers(workspace) == ([], [])


def test_replace_tree_replaces_everything_and_keeps_caches(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    _write(workspace, _files("1"))
    (workspace / "stray.txt").write_text("hand-made")
    (workspace / ".mypy_cache").mkdir()
    (workspace / ".mypy_cache" / "keep").write_text("cache")
    files = _files("2")
    del files["tests/test_main.py"]
    manifest = _write(workspace, files)
    tree = _tree(workspace)
    assert "stray.txt" not in tree and "tests/test_main.py" not in tree
    assert tree["app/main.py"] == b"VERSION = '2'\n"
    assert tree[".mypy_cache/keep"] == b"cache"
    assert untracked_files(workspace, manifest) == []
    assert [p.name for p in tmp_path.iterdir()] == ["backend"]


@pytest.mark.parametrize("bad", [
    "/etc/passwd", "../outside.py", "app/../../outside.py", "app\\main.py", "C:/x.py",
    "", "app//main.py", "./app.py", MANIFEST_NAME, "app/\x00.py",
])
def test_paths_escaping_the_workspace_are_rejected(bad: str) -> None:
    with pytest.raises(WorkspacePathError):
        check_path(bad)


def test_failed_write_leaves_old_workspace_intact(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    _write(workspace, _files("1"))
    before = _tree(workspace)
    bad = {**_files("2"), "../escape.py": "x = 1\n"}
    manifest = Manifest.from_modules([], bad)
    with pytest.raises(WorkspacePathError, match="escapes the workspace"):
        replace_tree(workspace, bad, manifest)
    # a file that is also a directory fails too, before anything is swapped
    clash = {**_files("2"), "app/main.py/inner.py": ""}
    with pytest.raises(WorkspacePathError, match="also a file"):
        replace_tree(workspace, clash, Manifest.from_modules([], clash))
    # text that is not UTF-8 fails before staging
    unencodable = {**_files("2"), "app/zz.py": "x = '\udcff'\n"}
    with pytest.raises(BuildError, match=r"app/zz\.py: the text cannot be encoded"):
        replace_tree(workspace, unencodable, Manifest.of(
            [ManifestEntry(p, "0", "", "") for p in unencodable]))
    # a file name the filesystem refuses fails while staging, after other files were
    # written: the staging tree is removed and the old workspace stays
    too_long = {**_files("2"), "app/" + "x" * 300 + ".py": ""}
    with pytest.raises(OSError):
        replace_tree(workspace, too_long, Manifest.from_modules([], too_long))
    assert _tree(workspace) == before
    assert not (tmp_path / "escape.py").exists()
    assert leftovers(workspace) == ([], [])


def test_replace_tree_rejects_a_manifest_that_does_not_match(tmp_path: Path) -> None:
    files = _files("1")
    with pytest.raises(ManifestError):
        replace_tree(tmp_path / "ws", files, Manifest.from_modules([], _files("2")))
    assert not (tmp_path / "ws").exists()


def test_a_file_where_the_workspace_goes_is_refused(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    workspace.write_text("not a directory")
    with pytest.raises(WorkspacePathError, match="is not a directory") as refused:
        replace_tree(workspace, _files("1"), Manifest.from_modules([], _files("1")))
    assert isinstance(refused.value, AutobeError) and refused.value.hint
    assert workspace.read_text() == "not a directory"


def test_recover_after_crash_between_the_renames(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    _write(workspace, _files("1"))
    before = _tree(workspace)
    staging = _stage(workspace, _files("2"))
    # the first rename of the swap happened, then the process died
    aside = workspace.with_name(workspace.name + ".aside-00000000000000000001-deadbeef")
    os.rename(workspace, aside)
    assert not workspace.exists() and staging.is_dir()
    assert recover(workspace) is True
    assert _tree(workspace) == before
    assert leftovers(workspace) == ([], [])
    assert recover(workspace) is False


def test_recover_after_crash_after_the_swap(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    _write(workspace, _files("1"))
    staging = _stage(workspace, _files("2"))
    aside = workspace.with_name(workspace.name + ".aside-00000000000000000001-deadbeef")
    os.rename(workspace, aside)
    os.rename(staging, workspace)  # both renames done; removing the aside never happened
    assert recover(workspace) is True
    assert _tree(workspace)["app/main.py"] == b"VERSION = '2'\n"
    assert leftovers(workspace) == ([], [])


def test_stale_staging_is_removed_by_the_next_write(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    _write(workspace, _files("1"))
    _stage(workspace, _files("2"))
    assert len(leftovers(workspace)[0]) == 1
    _write(workspace, _files("3"))
    assert leftovers(workspace) == ([], [])
    assert _tree(workspace)["app/main.py"] == b"VERSION = '3'\n"


def test_swap_into_a_new_location(tmp_path: Path) -> None:
    workspace = tmp_path / "deep" / "backend"
    workspace.parent.mkdir()
    swap(workspace, _stage(workspace, _files("1")))
    assert read_manifest(workspace) is not None
    assert read_manifest(tmp_path) is None


# --------------------------------------------------------------------------- hand edits


def test_hand_edits_and_deletions_are_detected(tmp_path: Path) -> None:
    workspace = tmp_path / "backend"
    manifest = _write(workspace, _files("1"))
    (workspace / "app/main.py").write_text("VERSION = 'edited'\n")
    (workspace / "tests/test_main.py").unlink()
    (workspace / "app/notes.md").write_text("mine")
    (workspace / "app/__pycache__").mkdir()
    (workspace / "app/__pycache__/main.cpython-311.pyc").write_bytes(b"\0")
    assert modified_files(workspace, manifest) == ["app/main.py", "tests/test_main.py"]
    assert untracked_files(workspace, manifest) == ["app/notes.md"]
    # same text again (even with CRLF in the generated text) is not an edit
    (workspace / "app/main.py").write_text("VERSION = '1'\n")
    assert manifest.get("app/main.py") == ManifestEntry(
        "app/main.py", text_sha256("VERSION = '1'\r\n"), "app:app/main.py",
        _module("app/main.py", "VERSION = '1'\n").key)
    assert modified_files(workspace, manifest) == ["tests/test_main.py"]


def test_corrupt_manifest_on_disk_is_an_error(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text("[]")
    with pytest.raises(ManifestError, match=MANIFEST_NAME) as corrupt:
        read_manifest(tmp_path)
    assert corrupt.value.hint is not None and "autobe build" in corrupt.value.hint


# --------------------------------------------------------------------------- builder


@pytest.mark.parametrize("fixture", ["todo.yaml", "bbs.yaml"])
def test_clean_build_matches_its_manifest(tmp_path: Path, fixture: str) -> None:
    spec = load_spec(FIXTURES / fixture)
    seen: list[tuple[int, int, str]] = []
    workspace = tmp_path / "backend"
    result = clean_build(spec, workspace, progress=lambda d, t, m: seen.append((d, t, m)))
    assert result.files == len(result.manifest) == result.modules
    assert [d for d, _, _ in seen] == list(range(1, result.modules + 1))
    assert all(t == result.modules for _, t, _ in seen)
    assert read_manifest(workspace) == result.manifest
    assert modified_files(workspace, result.manifest) == []
    assert untracked_files(workspace, result.manifest) == []
    assert result.seconds >= result.generate_seconds >= 0
    again = clean_build(spec, tmp_path / "again")
    assert again.manifest == result.manifest


def test_every_tree_is_written_by_stage_tree_then_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One writer: clean builds and checkouts stage their tree, then swap it in."""
    calls: list[str] = []
    real_stage, real_swap = WRITER.stage_tree, WRITER.swap

    def stage(*args: Any, **kwargs: Any) -> Path:
        calls.append("stage")
        return real_stage(*args, **kwargs)

    def swap_in(workspace: Path, staging: Path) -> None:
        calls.append("swap")
        real_swap(workspace, staging)

    monkeypatch.setattr(WRITER, "stage_tree", stage)
    monkeypatch.setattr(WRITER, "swap", swap_in)
    result = clean_build(load_spec(FIXTURES / "todo.yaml"), tmp_path / "backend")
    assert calls == ["stage", "swap"]
    blobs = {e.sha256: (tmp_path / "backend" / e.path).read_bytes() for e in result.manifest}
    materialize(result.manifest, blobs.__getitem__, tmp_path / "checkout")
    assert calls == ["stage", "swap"] * 2
    assert read_manifest(tmp_path / "checkout") == result.manifest


def test_checkout_into_a_non_empty_directory_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.md").write_text("mine")
    with pytest.raises(MaterializeError, match="is not empty") as refused:
        materialize(Manifest(), {}.__getitem__, target)
    assert isinstance(refused.value, AutobeError)
    assert refused.value.hint == "check out into a new or an empty directory"
    assert [p.name for p in target.iterdir()] == ["notes.md"]
