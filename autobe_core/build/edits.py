"""Hand edits in a workspace: which ones a change would destroy, and saving them first.

A workspace file is *edited* when it exists and its content differs from what the head
manifest records (a deleted file is not: nothing of the user's would be lost by writing
it again). An edit is a *conflict* of a change when the change would overwrite it (the
new manifest records other content, which the file does not already hold) or remove it.
A user file the manifest does not know (untracked) is a conflict when the change
generates a file at its path with other content, or needs its path as a directory (or
a directory of it as a file). Edits the change does not touch are no conflict: an
incremental build keeps them, as it keeps untracked files (``restore``, for
``build --force``, makes every edit a conflict). Without a manifest every file is
untracked: each one at a generated path whose bytes differ is a conflict.

Saved copies go to a directory no earlier attempt used (:func:`fresh_dir`);
:func:`user_content` is what differs from the generated files in a way the recompile
ladder sees (what a check result is valid for).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping, Set
from pathlib import Path

from autobe_core.build.errors import SavedCopyExists, WorkspacePathError
from autobe_core.build.manifest import (
    IGNORED_DIRS,
    Manifest,
    file_bytes,
    sha256_bytes,
    untracked_files,
)
from autobe_core.build.trees import Put, copy_entry, make_dirs
from autobe_core.build.workspace import FILE_MODE, check_path

NOT_A_FILE = "<not a regular file>"
"""What :func:`disk_sha` says of a symlink, a directory or a special file."""

Snapshot = dict[str, tuple[int, int, int]]
"""path -> (mode, size, mtime_ns) of every entry of a workspace but tool caches."""


def read_regular(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (symlinks not followed), else None."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def disk_sha(path: Path) -> str | None:
    """sha256 of the regular file at ``path``; None when nothing is there;
    :data:`NOT_A_FILE` (which equals no sha256) for anything else."""
    if not os.path.lexists(path):
        return None
    data = read_regular(path)
    return NOT_A_FILE if data is None else sha256_bytes(data)


DiskSha = Callable[[Path], str | None]
""":func:`disk_sha`, or a :class:`DiskShas` answering it once per path."""


class DiskShas:
    """:func:`disk_sha` of each path read once: one build reads a workspace file to find
    a module's text, to plan the tree and to find conflicts. Valid while the workspace
    holds still, which :func:`~autobe_core.build.incremental.commit` checks (its
    snapshot) before anything is swapped in."""

    def __init__(self) -> None:
        self._known: dict[Path, str | None] = {}

    def __call__(self, path: Path) -> str | None:
        if path not in self._known:
            self._known[path] = disk_sha(path)
        return self._known[path]

    def remember(self, path: Path, sha: str) -> None:
        """The sha256 of the regular file at ``path``, read by the caller."""
        self._known[path] = sha


def parent_dirs(files: Iterable[str]) -> set[str]:
    """Every directory (POSIX, workspace-relative) that holds one of ``files``."""
    dirs: set[str] = set()
    for path in files:
        parts = path.split("/")
        dirs.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return dirs


def collides(path: str, files: Set[str], dirs: Set[str]) -> bool:
    """True when ``path`` cannot coexist with ``files`` (whose directories are ``dirs``):
    it is one of their directories, or one of its directories is one of them."""
    if path in dirs:
        return True
    parts = path.split("/")
    return any("/".join(parts[:i]) in files for i in range(1, len(parts)))


def edited_files(workspace: Path, head: Manifest) -> list[str]:
    """Head paths whose workspace file exists with other content than recorded."""
    return [
        e.path for e in head
        if disk_sha(workspace / e.path) not in (None, e.sha256)
    ]


def missing_files(workspace: Path, head: Manifest) -> list[str]:
    """Head paths with nothing at all in the workspace (deleted generated files)."""
    return [e.path for e in head if not os.path.lexists(workspace / e.path)]


def edited_conflicts(
    workspace: Path, head: Manifest | None, new: Manifest, *, restore: bool = False,
    sha: DiskSha = disk_sha,
) -> list[str]:
    """Workspace paths holding user content that going from ``head`` to ``new`` would
    overwrite or remove (sorted): hand edits of files the change rewrites or removes,
    and untracked files in the way of generated ones. ``head`` None: every file is
    untracked (a workspace without a manifest). ``restore``: every hand edit is
    written over (``build --force``), not only those the change touches."""
    head = head or Manifest()
    workspace = Path(workspace)
    conflicts: set[str] = set()
    for entry in head:
        on_disk = sha(workspace / entry.path)
        if on_disk is None or on_disk == entry.sha256:
            continue
        target = new.get(entry.path)
        if target is None or (
            (restore or target.sha256 != entry.sha256) and on_disk != target.sha256
        ):
            conflicts.add(entry.path)
    files = set(new.entries)
    dirs = parent_dirs(files)
    for path in untracked_files(workspace, head):
        target = new.get(path)
        if target is not None:
            if sha(workspace / path) != target.sha256:
                conflicts.add(path)
        elif collides(path, files, dirs):
            conflicts.add(path)
    return sorted(conflicts)


CHECKED_SUFFIXES = (".py", ".pyi")
CHECKED_NAMES = frozenset(
    {"pyproject.toml", "setup.cfg", "pytest.ini", "tox.ini", "mypy.ini", ".mypy.ini"}
)
"""Untracked files that can change what the recompile ladder finds (sources, tool
configuration); other untracked files (notes, scripts, an editor's swap file) cannot."""


def user_content(
    workspace: Path, manifest: Manifest, untracked: Iterable[str] | None = None
) -> dict[str, str | None]:
    """What in ``workspace`` differs from the files ``manifest`` records in a way the
    recompile ladder can see: hand-edited generated files (path -> sha256), deleted ones
    (path -> None), untracked sources and tool configuration (path -> sha256). Empty
    when, for the ladder, the workspace holds exactly the generated files; equal for
    two trees that check alike. ``untracked``: :func:`untracked_files` of the same
    workspace and manifest, when the caller has it (else the workspace is walked)."""
    workspace = Path(workspace)
    found: dict[str, str | None] = {}
    for entry in manifest:
        on_disk = disk_sha(workspace / entry.path)
        if on_disk != entry.sha256:
            found[entry.path] = on_disk
    for path in untracked_files(workspace, manifest) if untracked is None else untracked:
        name = path.rsplit("/", 1)[-1]
        if name.endswith(CHECKED_SUFFIXES) or name in CHECKED_NAMES:
            found[path] = disk_sha(workspace / path)
    return dict(sorted(found.items()))


def fresh_dir(parent: Path, name: str) -> Path:
    """``parent/name``, or ``parent/name-2``, ``-3``, ...: the first that does not exist
    (where one attempt's saved copies go, never mixed with another's)."""
    candidate, number = Path(parent) / name, 1
    while os.path.lexists(candidate):
        number += 1
        candidate = Path(parent) / f"{name}-{number}"
    return candidate


def save_copies(workspace: Path, paths: Iterable[str], dest_dir: Path) -> list[str]:
    """Copy each workspace path (as it is on disk) to the same relative path under
    ``dest_dir`` before ``--force`` overwrites it; returns the paths copied (sorted;
    missing ones are skipped). Never overwrites a copy already in ``dest_dir``
    (:class:`SavedCopyExists`)."""
    workspace, dest_dir = Path(workspace), Path(dest_dir)
    saved: list[str] = []
    made: set[Path] = set()
    for rel in sorted(set(paths)):
        source = workspace / check_path(rel)
        if not os.path.lexists(source):
            continue
        target = dest_dir / rel
        if os.path.lexists(target):
            raise SavedCopyExists(f"{target} exists; refusing to overwrite a saved copy")
        if not dest_dir.is_dir():
            dest_dir.mkdir(parents=True)
        made.add(dest_dir)
        make_dirs(dest_dir, target.parent, made)
        copy_entry(source, target)
        saved.append(rel)
    return saved


def snapshot(workspace: Path) -> Snapshot:
    """(mode, size, mtime_ns) of every entry under ``workspace``, tool caches left out:
    two equal snapshots mean nobody touched the workspace in between."""
    found: Snapshot = {}
    if not Path(workspace).is_dir():
        return found

    def walk(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in IGNORED_DIRS:
                        # a directory's size and mtime change when a tool writes a cache
                        # into it; what it holds is compared entry by entry
                        found[rel] = (entry.stat(follow_symlinks=False).st_mode, 0, 0)
                        walk(entry.path, rel + "/")
                    continue
                st = entry.stat(follow_symlinks=False)
                found[rel] = (st.st_mode, st.st_size, st.st_mtime_ns)

    walk(str(workspace), "")
    return found


# --------------------------------------------------------------------------- the new tree


def unchanged(source: Path) -> Put:
    """What the new tree holds at a path whose workspace file already has the generated
    bytes: that very file, linked, when it is a regular file of mode 0644 (what the tree
    would write); else the bytes, written 0644 with the file's modification time."""
    st = os.lstat(source)
    if stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == FILE_MODE:
        return Put(link=source)
    return Put(source.read_bytes(), mtime_ns=st.st_mtime_ns)


def plan_tree(
    workspace: Path,
    head: Manifest,
    new: Manifest,
    texts: Mapping[str, str],
    keep: Set[str],
    *,
    restore: bool = False,
    sha: DiskSha = disk_sha,
) -> tuple[dict[str, Put], list[str], list[str]]:
    """What an incremental build's tree holds, path by path (generated text, or the
    user's entry copied), with the preserved and the untracked paths. ``new`` is the
    new manifest and ``texts`` its generated texts. In step with
    :func:`edited_conflicts` (and its ``restore``): what it reports, this overwrites or
    drops unless ``keep`` holds it; every other user entry is kept."""
    puts: dict[str, Put] = {}
    preserved: list[str] = []
    for entry in new:
        source = workspace / entry.path
        on_disk = sha(source)
        old = head.get(entry.path)
        untouched_edit = (
            not restore and old is not None and on_disk not in (None, old.sha256)
            and entry.sha256 == old.sha256
        )
        if on_disk is not None and (entry.path in keep or untouched_edit):
            puts[entry.path] = Put(source=source)
            if on_disk != entry.sha256:
                preserved.append(entry.path)
        elif on_disk == entry.sha256:  # unchanged: the same file (linked), or its bytes
            puts[entry.path] = unchanged(source)
        else:
            puts[entry.path] = Put(file_bytes(texts[entry.path]))
    files = set(new.entries)
    dirs = parent_dirs(files)
    untracked: list[str] = []
    kept_removed = [e.path for e in head if e.path not in new and e.path in keep]
    for path in sorted({*untracked_files(workspace, head), *kept_removed}):
        if path in files or not os.path.lexists(workspace / path):
            continue
        if collides(path, files, dirs):
            if path in keep:
                raise WorkspacePathError(
                    f"cannot keep {path}: the new tree needs its path for generated files",
                    "move it away, then run the command again",
                )
            continue  # a conflict: edited_conflicts reported it
        puts[path] = Put(source=workspace / path)
        if path in kept_removed:
            preserved.append(path)
        else:
            untracked.append(path)
    return puts, sorted(preserved), untracked
