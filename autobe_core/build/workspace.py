"""The atomic workspace writer.

A clean write never leaves a half-written workspace: the whole tree is built in a
staging directory beside the workspace (same filesystem), every file fsynced, the
manifest written last; then two renames swap it in::

    <workspace>          -> <workspace>.aside-<stamp>     (1)
    <workspace>.staging-<stamp> -> <workspace>            (2)

and the aside tree is removed. A crash between (1) and (2) leaves no workspace but an
aside dir; :func:`recover` renames it back. A crash before (1) or after (2) leaves a
stale staging or aside dir, which :func:`recover` removes. :func:`write_clean` recovers
first, so it always starts from a consistent state. Callers serialize writes to one
workspace (the service holds the project while it builds).

Files are UTF-8 with LF newlines, mode 0644; directories 0755, whatever the umask.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from autobe_core.build.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestError,
    file_bytes,
    text_sha256,
)

FILE_MODE = 0o644
DIR_MODE = 0o755
STAGING_MARK = ".staging-"
ASIDE_MARK = ".aside-"

PRESERVED_DIRS: tuple[str, ...] = (".mypy_cache",)
"""Tool caches carried over from the old workspace (they validate themselves)."""


class WorkspacePathError(ValueError):
    """A generated path that would land outside the workspace or is malformed."""


def check_path(path: str) -> PurePosixPath:
    """Validate a workspace-relative POSIX path; raise :class:`WorkspacePathError`."""
    problem = _path_problem(path)
    if problem:
        raise WorkspacePathError(f"refusing to write {path!r}: {problem}")
    return PurePosixPath(path)


def _path_problem(path: str) -> str | None:
    if not path:
        return "the path is empty"
    if "\\" in path:
        return "backslashes are not allowed (use '/')"
    if "\x00" in path or any(ord(c) < 32 for c in path):
        return "control characters are not allowed"
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return "absolute paths escape the workspace"
    parts = path.split("/")
    if any(p == ".." for p in parts):
        return "'..' escapes the workspace"
    if any(p in ("", ".") for p in parts):
        return "empty or '.' path segments are not allowed"
    if path == MANIFEST_NAME:
        return f"{MANIFEST_NAME} is the manifest's own name"
    return None


def check_paths(paths: Iterable[str]) -> list[PurePosixPath]:
    """Validate every path, and that no file is also another file's directory."""
    checked = [check_path(p) for p in sorted(paths)]
    files = {str(p) for p in checked}
    for p in checked:
        for parent in p.parents:
            if str(parent) in files:
                raise WorkspacePathError(
                    f"refusing to write {str(p)!r}: {str(parent)!r} is also a file"
                )
    return checked


# --------------------------------------------------------------------------- writing


def write_clean(
    workspace: Path,
    files: Mapping[str, str],
    manifest: Manifest,
    *,
    preserve: Iterable[str] = PRESERVED_DIRS,
) -> None:
    """Replace ``workspace`` with exactly ``files`` (path -> text) plus the manifest.

    Every path is checked before anything is written; on any failure before the swap
    the old workspace is untouched and the staging tree removed. ``preserve`` names
    top-level directories (tool caches) moved over from the old workspace.
    """
    workspace = Path(os.path.abspath(workspace))
    check_paths(files)
    if set(files) != set(manifest.entries):
        raise ManifestError("the manifest does not list exactly the files being written")
    for path, entry in manifest.entries.items():
        if entry.sha256 != text_sha256(files[path]):
            raise ManifestError(f"the manifest's sha256 for {path!r} is not the file's")
    if workspace.exists() and not workspace.is_dir():
        raise WorkspacePathError(f"{workspace} exists and is not a directory")
    workspace.parent.mkdir(parents=True, exist_ok=True)
    recover(workspace)
    staging = _sibling(workspace, STAGING_MARK)
    try:
        _write_tree(staging, files, manifest)
        if workspace.is_dir():
            _carry_over(workspace, staging, preserve)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(workspace, staging)


def swap(workspace: Path, staging: Path) -> None:
    """Put the complete tree ``staging`` in place of ``workspace`` (two renames)."""
    if not workspace.exists():
        os.rename(staging, workspace)
        _fsync_dir(workspace.parent)
        return
    aside = _sibling(workspace, ASIDE_MARK)
    os.rename(workspace, aside)
    try:
        os.rename(staging, workspace)
    except BaseException:
        os.rename(aside, workspace)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(workspace.parent)
    shutil.rmtree(aside, ignore_errors=True)


def stage(workspace: Path, files: Mapping[str, str], manifest: Manifest) -> Path:
    """Write a complete staging tree beside ``workspace`` and return it (no swap).

    :func:`write_clean` is ``stage`` + :func:`swap`; this half alone exists so that
    callers and tests can interleave steps (a crash between them is what
    :func:`recover` repairs)."""
    workspace = Path(os.path.abspath(workspace))
    check_paths(files)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(workspace, STAGING_MARK)
    try:
        _write_tree(staging, files, manifest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _write_tree(root: Path, files: Mapping[str, str], manifest: Manifest) -> None:
    root.mkdir(mode=DIR_MODE)
    os.chmod(root, DIR_MODE)
    dirs: set[Path] = {root}
    for rel in sorted(files):
        target = root / rel
        _make_dirs(root, target.parent, dirs)
        try:
            data = file_bytes(files[rel])
        except UnicodeEncodeError as exc:
            raise ValueError(f"{rel}: the text cannot be encoded as UTF-8: {exc}") from None
        _write_file(target, data)
    _write_file(root / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
    for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        _fsync_dir(d)


def _make_dirs(root: Path, directory: Path, made: set[Path]) -> None:
    missing = []
    while directory not in made and directory != root:
        missing.append(directory)
        directory = directory.parent
    for d in reversed(missing):
        d.mkdir(mode=DIR_MODE)
        os.chmod(d, DIR_MODE)
        made.add(d)


def _write_file(target: Path, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(target, FILE_MODE)


def _carry_over(old: Path, new: Path, names: Iterable[str]) -> None:
    for name in names:
        source = old / name
        if source.is_dir() and not source.is_symlink() and not (new / name).exists():
            os.rename(source, new / name)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _sibling(workspace: Path, mark: str) -> Path:
    stamp = f"{time.time_ns():020d}-{secrets.token_hex(4)}"
    return workspace.with_name(f"{workspace.name}{mark}{stamp}")


# --------------------------------------------------------------------------- recovery


def leftovers(workspace: Path) -> tuple[list[Path], list[Path]]:
    """(staging dirs, aside dirs) a crashed write left beside ``workspace``, oldest first."""
    workspace = Path(os.path.abspath(workspace))
    parent = workspace.parent
    if not parent.is_dir():
        return [], []
    staging = sorted(parent.glob(f"{_glob_escape(workspace.name)}{STAGING_MARK}*"))
    aside = sorted(parent.glob(f"{_glob_escape(workspace.name)}{ASIDE_MARK}*"))
    return [p for p in staging if p.is_dir()], [p for p in aside if p.is_dir()]


def recover(workspace: Path) -> bool:
    """Repair what a crashed :func:`write_clean` left; True when anything was done.

    When the workspace is missing and an aside dir exists, the newest aside dir (the
    workspace as it was before the interrupted swap) is renamed back. Every other
    staging and aside dir is removed: a crashed write is rolled back, never forward.
    """
    workspace = Path(os.path.abspath(workspace))
    staging, aside = leftovers(workspace)
    if not staging and not aside:
        return False
    if not workspace.exists() and aside:
        os.rename(aside.pop(), workspace)
        _fsync_dir(workspace.parent)
    for leftover in staging + aside:
        shutil.rmtree(leftover, ignore_errors=True)
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def read_manifest(workspace: Path) -> Manifest | None:
    """The manifest written into ``workspace``; None when there is none.

    Raises :class:`ManifestError` when the file exists but cannot be read back."""
    path = Path(workspace) / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}") from None
    return Manifest.from_json(text)
