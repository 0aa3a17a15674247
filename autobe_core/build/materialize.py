"""Writing trees of files: the helpers staging builds share, and :func:`materialize`.

:func:`materialize` writes the exact files of a recorded manifest (from content-addressed
blobs) into a new directory, for ``autobe checkout REV --to DIR``: every blob is checked
against the manifest's sha256, the tree is built in a staging directory beside the target
and renamed into place, so a failure leaves no half-written target.

The helpers write as :mod:`autobe_core.build.workspace` does: files 0644 and fsynced,
directories 0755, whatever the umask.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from autobe_core.build.manifest import MANIFEST_NAME, Manifest, sha256_bytes
from autobe_core.build.workspace import (
    DIR_MODE,
    FILE_MODE,
    PRESERVED_DIRS,
    STAGING_MARK,
    check_paths,
)


class MaterializeError(ValueError):
    """The target cannot receive the tree (not a directory, or not empty)."""


class CorruptBlobError(ValueError):
    """A blob whose bytes do not hash to the sha256 the manifest records."""


# --------------------------------------------------------------------------- helpers


def sibling(path: Path, mark: str) -> Path:
    """A fresh name beside ``path``: ``<name><mark><stamp>`` (what ``recover`` globs)."""
    stamp = f"{time.time_ns():020d}-{secrets.token_hex(4)}"
    return path.with_name(f"{path.name}{mark}{stamp}")


def make_root(root: Path) -> set[Path]:
    """Create the (new) root of a tree; returns the set of directories made so far."""
    root.mkdir(mode=DIR_MODE)
    os.chmod(root, DIR_MODE)
    return {root}


def make_dirs(root: Path, directory: Path, made: set[Path]) -> None:
    """Create ``directory`` and its missing parents below ``root`` (0755)."""
    missing = []
    while directory not in made and directory != root:
        missing.append(directory)
        directory = directory.parent
    for d in reversed(missing):
        d.mkdir(mode=DIR_MODE)
        os.chmod(d, DIR_MODE)
        made.add(d)


def write_file(target: Path, data: bytes, *, mtime_ns: int | None = None) -> None:
    """Create ``target`` (it must not exist) with ``data``, 0644, fsynced."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(target, FILE_MODE)
    if mtime_ns is not None:
        os.utime(target, ns=(mtime_ns, mtime_ns))


def copy_entry(source: Path, target: Path) -> None:
    """Copy what is at ``source`` (a file, a symlink, a directory) to ``target`` as it is:
    content, mode and times; symlinks stay links. Regular files are fsynced."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True)
    else:
        shutil.copy2(source, target)
        fd = os.open(target, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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


@dataclass(frozen=True)
class Put:
    """One file of a staged tree: bytes to write (0644), or an entry to copy as it is."""

    data: bytes = b""
    source: Path | None = None
    mtime_ns: int | None = None
    """For ``data``: the modification time to give the file (an unchanged file keeps its
    own, so tools keyed on mtimes see it unchanged)."""


def stage_tree(
    workspace: Path,
    puts: Mapping[str, Put],
    manifest: Manifest,
    *,
    carry: Iterable[str] = PRESERVED_DIRS,
) -> Path:
    """Write ``puts`` (path -> :class:`Put`, paths checked by the caller) and the
    manifest into a new staging directory beside ``workspace``, copy the tool caches
    ``carry`` names from the workspace, and return the staging directory. On failure it
    is removed."""
    staging = sibling(workspace, STAGING_MARK)
    made = make_root(staging)
    try:
        for rel in sorted(puts):
            put, target = puts[rel], staging / rel
            make_dirs(staging, target.parent, made)
            if put.source is not None:
                copy_entry(put.source, target)
            else:
                write_file(target, put.data, mtime_ns=put.mtime_ns)
        write_file(staging / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
        fsync_dirs(made)
        for name in carry:
            cache = workspace / name
            if cache.is_dir() and not cache.is_symlink():
                shutil.copytree(cache, staging / name, symlinks=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


# --------------------------------------------------------------------------- materialize


def materialize(
    manifest: Manifest,
    read_blob: Callable[[str], bytes],
    target: Path,
    *,
    with_manifest: bool = True,
) -> Path:
    """Write exactly the files of ``manifest`` into the new directory ``target``.

    ``read_blob(sha256)`` returns a file's bytes; each is verified against the manifest
    (:class:`CorruptBlobError` otherwise). ``target`` must not exist or be an empty
    directory (:class:`MaterializeError`). With ``with_manifest`` the manifest is written
    too, so the result is a workspace whose hand edits ``autobe`` can detect. Whatever
    fails (a corrupt or missing blob, a bad path), ``target`` is left as it was.
    """
    target = Path(os.path.abspath(target))
    if target.exists() or target.is_symlink():
        if target.is_symlink() or not target.is_dir():
            raise MaterializeError(f"{target} exists and is not a directory")
        if any(target.iterdir()):
            raise MaterializeError(f"{target} is not empty")
    check_paths(manifest.paths())
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = sibling(target, STAGING_MARK)
    made = make_root(staging)
    emptied = False
    try:
        for entry in manifest:
            data = read_blob(entry.sha256)
            actual = sha256_bytes(data)
            if actual != entry.sha256:
                raise CorruptBlobError(
                    f"the blob for {entry.path} hashes to {actual}, "
                    f"the manifest records {entry.sha256}"
                )
            path = staging / entry.path
            make_dirs(staging, path.parent, made)
            write_file(path, data)
        if with_manifest:
            write_file(staging / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
        fsync_dirs(made)
        if target.is_dir():
            target.rmdir()  # empty, checked above
            emptied = True
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if emptied and not target.exists():
            target.mkdir()
        raise
    fsync_dirs([target.parent])
    return target
