"""A stable copy of the tree to verify, so the warm verifier's daemons see the same paths
every time (a change's staged tree has a new path each time).

:func:`sync` makes ``mirror`` hold exactly ``source``'s files (dot-directories, caches and
``__pycache__`` left out; the compile rung and pytest write bytecode there, and a file's
is removed before the file changes): only files whose bytes differ are written (to a
temporary name, then renamed: a new inode and modification time, which mypy's daemon
notices), files gone from ``source`` are removed (with directories left holding nothing but
bytecode). A file whose source has the stat recorded at the last sync (device, inode,
size, modification time) is not read again: hard-linked staging keeps the inode of every
file it did not change. The mirror is a copy, never a hard link: nothing a
tool writes while verifying can reach the user's workspace.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from autobe_core.verify.rungs import SKIP_DIRS

Stamp = list[int]


@dataclass(frozen=True)
class Synced:
    """What one sync did."""

    files: int
    written: tuple[str, ...]
    removed: tuple[str, ...]


def files_of(root: Path) -> dict[str, Path]:
    """Every file below ``root`` (relative POSIX path -> path), skipping tool caches."""
    found: dict[str, Path] = {}
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        base = Path(directory)
        for name in names:
            path = base / name
            found[path.relative_to(root).as_posix()] = path
    return found


def _stamp(stat: os.stat_result) -> Stamp:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _read_stamps(path: Path) -> dict[str, Stamp]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text("utf-8"))
        if isinstance(data, dict):
            return {str(k): list(v) for k, v in data.items() if isinstance(v, list)}
    return {}


def forget_bytecode(path: Path) -> None:
    """Remove every bytecode file cached for ``path`` (CPython's, pytest's rewritten
    test modules): before the file changes, so no cache outlives the content it was made
    from, whatever it checks (pytest's compares whole seconds and sizes)."""
    cache = path.parent / "__pycache__"
    if cache.is_dir():
        for cached in cache.glob(f"{path.stem}.*.pyc"):
            cached.unlink(missing_ok=True)


def sync(source: Path, mirror: Path, stamps_file: Path) -> Synced:
    """Make ``mirror`` a copy of ``source`` (see the module)."""
    stamps = _read_stamps(stamps_file)
    stamps_file.unlink(missing_ok=True)  # a sync cut short must not be trusted later
    wanted = files_of(source)
    present = files_of(mirror) if mirror.is_dir() else {}
    written: list[str] = []
    fresh: dict[str, Stamp] = {}
    for rel, path in sorted(wanted.items()):
        stat = path.stat()
        stamp = _stamp(stat)
        fresh[rel] = stamp
        target = mirror / rel
        if rel in present and stamps.get(rel) == stamp:
            continue
        data = path.read_bytes()
        if rel in present:
            with contextlib.suppress(OSError):
                if target.read_bytes() == data:
                    continue
        target.parent.mkdir(parents=True, exist_ok=True)
        forget_bytecode(target)
        temporary = target.with_name(f".{target.name}.autobe-sync")
        temporary.write_bytes(data)
        os.chmod(temporary, stat.st_mode & 0o777)
        os.replace(temporary, target)
        written.append(rel)
    removed = sorted(set(present) - set(wanted))
    for rel in removed:
        forget_bytecode(mirror / rel)
        (mirror / rel).unlink(missing_ok=True)
    for rel in removed:  # directories left with nothing but bytecode
        parent = (mirror / rel).parent
        while parent != mirror and parent.is_dir() and not any(
                entry.name != "__pycache__" for entry in parent.iterdir()):
            shutil.rmtree(parent)
            parent = parent.parent
    mirror.mkdir(parents=True, exist_ok=True)
    stamps_file.write_text(json.dumps(fresh), encoding="utf-8")
    return Synced(len(wanted), tuple(written), tuple(removed))
