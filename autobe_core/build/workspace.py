"""Where a workspace's trees live and how a new tree replaces the old one.

A new tree is written (by :mod:`autobe_core.build.trees`, the one writer) into a
staging directory beside the workspace, on the same filesystem; :func:`swap` then puts it
in place with two renames::

    <workspace>                 -> <workspace>.aside-<stamp>     (1)
    <workspace>.staging-<stamp> -> <workspace>                   (2)

and removes the aside tree. A crash between (1) and (2) leaves no workspace but an aside
dir; :func:`recover` renames it back. A crash before (1) or after (2) leaves a stale
staging or aside dir, which :func:`recover` removes. Writers recover first, so they always
start from a consistent state. Callers serialize writes to one workspace (the service
holds the project while it builds).

This module also holds the rules every written path obeys (:func:`check_path`), the
modes of what is written (files 0644, directories 0755, whatever the umask) and
:func:`read_manifest`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from autobe_core.build.errors import ManifestError, WorkspacePathError
from autobe_core.build.manifest import MANIFEST_NAME, Manifest

FILE_MODE = 0o644
DIR_MODE = 0o755
STAGING_MARK = ".staging-"
ASIDE_MARK = ".aside-"

PRESERVED_DIRS: tuple[str, ...] = (".mypy_cache",)
"""Tool caches carried over from the old workspace (they validate themselves)."""


# --------------------------------------------------------------------------- paths


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


def check_directory(workspace: Path) -> None:
    """:class:`WorkspacePathError` when something other than a directory is at
    ``workspace`` (a tree cannot replace it)."""
    if workspace.exists() and not workspace.is_dir():
        raise WorkspacePathError(
            f"{workspace} exists and is not a directory",
            "move that file away; autobe writes the generated backend there",
        )


# --------------------------------------------------------------------------- swap


def sibling(path: Path, mark: str) -> Path:
    """A fresh name beside ``path``: ``<name><mark><stamp>`` (what :func:`recover` globs)."""
    stamp = f"{time.time_ns():020d}-{secrets.token_hex(4)}"
    return path.with_name(f"{path.name}{mark}{stamp}")


def fsync_dirs(dirs: Iterable[Path]) -> None:
    """fsync directories, deepest first (so every new entry is durable)."""
    for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        try:
            fd = os.open(d, os.O_RDONLY)
        except OSError:
            continue
        try:
            with contextlib.suppress(OSError):
                os.fsync(fd)
        finally:
            os.close(fd)


def swap(workspace: Path, staging: Path) -> None:
    """Put the complete tree ``staging`` in place of ``workspace`` (two renames; one when
    there is no workspace yet)."""
    if not workspace.exists():
        os.rename(staging, workspace)
        fsync_dirs([workspace.parent])
        return
    aside = sibling(workspace, ASIDE_MARK)
    os.rename(workspace, aside)
    try:
        os.rename(staging, workspace)
    except BaseException:
        os.rename(aside, workspace)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    fsync_dirs([workspace.parent])
    shutil.rmtree(aside, ignore_errors=True)


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
    """Repair what a crashed write or swap left; True when anything was done.

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
        fsync_dirs([workspace.parent])
    for leftover in staging + aside:
        shutil.rmtree(leftover, ignore_errors=True)
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


# --------------------------------------------------------------------------- manifest


def read_manifest(workspace: Path) -> Manifest | None:
    """The manifest written into ``workspace``; None when there is none.

    Raises :class:`ManifestError` when the file exists but cannot be read back."""
    path = Path(workspace) / MANIFEST_NAME
    hint = (
        f"restore {MANIFEST_NAME}, or move the workspace away and run `autobe build` "
        "to write it again"
    )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}", hint) from None
    try:
        return Manifest.from_json(text)
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc.message}", hint) from None
