"""The one writer of trees: every file autobe writes into a workspace or a checkout goes
through :func:`stage_tree`, then :func:`~autobe_core.build.workspace.swap`.

- :func:`stage_tree` writes a complete tree (bytes to write, or entries to copy as they
  are) and its manifest into a staging directory beside the workspace, which it does not
  touch. Incremental builds (:mod:`autobe_core.build.incremental`) stage their tree so
  that it can be verified before it is swapped in.
- :func:`replace_tree` is a clean write: exactly the given files and their manifest,
  staged and swapped in (what :func:`autobe_core.build.builder.clean_build` uses).
- :func:`materialize` writes the files of a recorded manifest, from content-addressed
  blobs, into a new or empty directory (``autobe checkout REV --to DIR``); every blob is
  checked against the manifest's sha256 before anything is written.

Files are written 0644 and fsynced, directories 0755, whatever the umask. Whatever fails,
the workspace or target is left as it was and the staging directory is removed.

**Unchanged files are linked, not copied.** A staged tree's file that the workspace
already holds, byte for byte and 0644 (:attr:`Put.link`), is a hard link to the
workspace's file (a copy where the filesystem cannot link): staging a one-field change of
an 870-file backend writes and fsyncs the handful of files that change, not all of them.
The price is one rule: **nothing writes into a file of a staged tree.** Every writer here
creates a new file (``O_EXCL``) and never changes the mode of an existing one; the
recompile ladder only reads the tree (bytecode off, caches and databases elsewhere or in
new files); the swap renames directories and removing the old tree only unlinks names. So
until the swap the workspace's bytes, modes and times are exactly what they were, and a
discarded or rejected tree leaves it byte for byte as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from autobe_core.build.errors import (
    BuildError,
    CorruptBlobError,
    ManifestError,
    MaterializeError,
)
from autobe_core.build.manifest import MANIFEST_NAME, Manifest, file_bytes, sha256_bytes
from autobe_core.build.workspace import (
    DIR_MODE,
    FILE_MODE,
    PRESERVED_DIRS,
    STAGING_MARK,
    check_directory,
    check_paths,
    fsync_dirs,
    recover,
    sibling,
    swap,
)

# --------------------------------------------------------------------------- files


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


def link_entry(source: Path, target: Path) -> None:
    """Make ``target`` a hard link to the regular file ``source`` (the same inode: never
    written through, see the module docstring); where the filesystem cannot link (another
    device, no hard links, the link limit) a copy as :func:`copy_entry` makes one."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        if os.path.lexists(target):
            raise
        copy_entry(source, target)


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


# --------------------------------------------------------------------------- staging


@dataclass(frozen=True)
class Put:
    """One file of a staged tree: bytes to write (0644), an entry to copy as it is, or
    an unchanged workspace file to link."""

    data: bytes = b""
    source: Path | None = None
    mtime_ns: int | None = None
    """For ``data``: the modification time to give the file (an unchanged file keeps its
    own, so tools keyed on mtimes see it unchanged)."""
    link: Path | None = None
    """A regular 0644 file that already holds exactly this path's content: linked
    (:func:`link_entry`), so its bytes, mode and times are the workspace's own."""


def puts_of(files: Mapping[str, str]) -> dict[str, Put]:
    """path -> :class:`Put` of each generated text (the bytes it becomes on disk)."""
    puts: dict[str, Put] = {}
    for rel, text in files.items():
        try:
            puts[rel] = Put(file_bytes(text))
        except UnicodeEncodeError as exc:
            raise BuildError(f"{rel}: the text cannot be encoded as UTF-8: {exc}") from None
    return puts


def stage_tree(
    workspace: Path,
    puts: Mapping[str, Put],
    manifest: Manifest | None,
    *,
    carry: Iterable[str] = PRESERVED_DIRS,
) -> Path:
    """Write ``puts`` (path -> :class:`Put`, paths checked by the caller) and the
    manifest (None: none) into a new staging directory beside ``workspace``, copy the
    tool caches ``carry`` names from the workspace, and return the staging directory.
    On failure it is removed."""
    staging = sibling(workspace, STAGING_MARK)
    made = make_root(staging)
    try:
        for rel in sorted(puts):
            put, target = puts[rel], staging / rel
            make_dirs(staging, target.parent, made)
            if put.link is not None:
                link_entry(put.link, target)
            elif put.source is not None:
                copy_entry(put.source, target)
            else:
                write_file(target, put.data, mtime_ns=put.mtime_ns)
        if manifest is not None:
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


# --------------------------------------------------------------------------- clean write


def replace_tree(
    workspace: Path,
    files: Mapping[str, str],
    manifest: Manifest,
    *,
    carry: Iterable[str] = PRESERVED_DIRS,
) -> None:
    """Replace ``workspace`` with exactly ``files`` (path -> generated text) plus the
    manifest, which must describe them. Every path and the manifest are checked before
    anything is written; what a crashed write left is repaired first (``recover``). The
    tool caches ``carry`` names are carried over from the old workspace."""
    workspace = Path(os.path.abspath(workspace))
    check_paths(files)
    puts = puts_of(files)
    if set(files) != set(manifest.entries):
        raise ManifestError("the manifest does not list exactly the files being written")
    for path, entry in manifest.entries.items():
        if entry.sha256 != sha256_bytes(puts[path].data):
            raise ManifestError(f"the manifest's sha256 for {path!r} is not the file's")
    check_directory(workspace)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    recover(workspace)
    swap(workspace, stage_tree(workspace, puts, manifest, carry=carry))


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
    puts: dict[str, Put] = {}
    for entry in manifest:
        data = read_blob(entry.sha256)
        actual = sha256_bytes(data)
        if actual != entry.sha256:
            raise CorruptBlobError(
                f"the blob for {entry.path} hashes to {actual}, "
                f"the manifest records {entry.sha256}"
            )
        puts[entry.path] = Put(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = stage_tree(target, puts, manifest if with_manifest else None, carry=())
    emptied = False
    try:
        if target.is_dir():
            target.rmdir()  # empty, checked above (rmdir fails if that changed)
            emptied = True
        swap(target, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if emptied and not target.exists():
            target.mkdir()
        raise
    return target
