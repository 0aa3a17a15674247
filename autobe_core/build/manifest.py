"""The workspace manifest: which generated file is where, with what content and origin.

Every file the builder writes has an entry: its workspace-relative POSIX path, the
sha256 of the exact bytes on disk, the id of the module that generated it and that
module's key (generator version + slice hash). The manifest is written into the
workspace (``.autobe-manifest.json``) and recorded with each revision, so that

- a later build can tell which files it would change (:meth:`Manifest.diff`), and
- hand edits are detected instead of silently overwritten (:func:`modified_files`).

The JSON form is deterministic (entries sorted by path, sorted keys, LF, trailing
newline): the same manifest always serializes to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autobe_core.build.errors import ManifestError

if TYPE_CHECKING:
    from autobe_core.generate import PlannedModule

MANIFEST_NAME = ".autobe-manifest.json"
"""The manifest's file name at the workspace root."""

MANIFEST_VERSION = 1

IGNORED_DIRS = frozenset(
    {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis", ".venv"}
)
"""Directories of tool output that are never part of the generated tree."""


def file_bytes(text: str) -> bytes:
    """The exact bytes a generated text becomes on disk: LF newlines, UTF-8."""
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(text: str) -> str:
    """The sha256 a file with this generated text has on disk."""
    return sha256_bytes(file_bytes(text))


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    """Workspace-relative POSIX path."""
    sha256: str
    """Of the file's bytes on disk."""
    module_id: str
    """The generating module (``PlannedModule.id``); empty for a file no module owns."""
    key: str
    """The generating module's key; empty for a file no module owns."""

    def to_data(self) -> dict[str, str]:
        return {"path": self.path, "sha256": self.sha256, "moduleId": self.module_id,
                "key": self.key}

    @classmethod
    def from_data(cls, data: Any) -> ManifestEntry:
        if not isinstance(data, dict):
            raise ManifestError(f"a manifest entry must be an object, not {type(data).__name__}")
        try:
            values = [data["path"], data["sha256"], data["moduleId"], data["key"]]
        except KeyError as exc:
            raise ManifestError(f"a manifest entry lacks {exc.args[0]!r}") from None
        if not all(isinstance(v, str) for v in values):
            raise ManifestError(f"manifest entry {data!r} holds a non-string value")
        return cls(*values)


@dataclass(frozen=True)
class ManifestDiff:
    """What changes from one manifest to another (paths, sorted)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def to_data(self) -> dict[str, list[str]]:
        return {"added": self.added, "changed": self.changed, "removed": self.removed}


@dataclass(frozen=True)
class Manifest:
    entries: Mapping[str, ManifestEntry] = field(default_factory=dict)
    """path -> entry."""

    def __post_init__(self) -> None:
        for path, entry in self.entries.items():
            if path != entry.path:
                raise ManifestError(f"entry for {entry.path!r} is filed under {path!r}")

    # -- construction

    @classmethod
    def of(cls, entries: Iterable[ManifestEntry]) -> Manifest:
        by_path: dict[str, ManifestEntry] = {}
        for entry in entries:
            if entry.path in by_path:
                raise ManifestError(f"two manifest entries for {entry.path!r}")
            by_path[entry.path] = entry
        return cls(dict(sorted(by_path.items())))

    @classmethod
    def from_modules(
        cls, modules: Iterable[PlannedModule], files: Mapping[str, str]
    ) -> Manifest:
        """One entry per file of ``files`` (path -> generated text).

        Each module's path must be in ``files``; a file no module owns gets an empty
        module id and key.
        """
        owners: dict[str, PlannedModule] = {}
        for module in modules:
            if module.path not in files:
                raise ManifestError(f"module {module.id} has no file at {module.path!r}")
            owners[module.path] = module
        entries = []
        for path, text in files.items():
            owner = owners.get(path)
            entries.append(ManifestEntry(
                path, text_sha256(text), owner.id if owner else "", owner.key if owner else ""
            ))
        return cls.of(entries)

    # -- access

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[ManifestEntry]:
        return iter(self.entries[p] for p in sorted(self.entries))

    def __contains__(self, path: object) -> bool:
        return path in self.entries

    def get(self, path: str) -> ManifestEntry | None:
        return self.entries.get(path)

    def paths(self) -> list[str]:
        return sorted(self.entries)

    # -- comparison

    def diff(self, other: Manifest) -> ManifestDiff:
        """From this manifest (old) to ``other`` (new): paths only in ``other`` are
        added, paths only here are removed, paths in both with another sha256 changed."""
        mine, theirs = self.entries, other.entries
        return ManifestDiff(
            added=sorted(p for p in theirs if p not in mine),
            changed=sorted(p for p in theirs if p in mine and mine[p].sha256 != theirs[p].sha256),
            removed=sorted(p for p in mine if p not in theirs),
        )

    # -- serialization

    def to_data(self) -> dict[str, Any]:
        return {"version": MANIFEST_VERSION, "entries": [e.to_data() for e in self]}

    @classmethod
    def from_data(cls, data: Any) -> Manifest:
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise ManifestError("a manifest must be an object with an 'entries' list")
        if data.get("version") != MANIFEST_VERSION:
            raise ManifestError(f"unsupported manifest version {data.get('version')!r}")
        return cls.of(ManifestEntry.from_data(item) for item in data["entries"])

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(f"the manifest is not valid JSON: {exc}") from None
        return cls.from_data(data)


# --------------------------------------------------------------------------- hand edits


def modified_files(root: Path, manifest: Manifest) -> list[str]:
    """Manifest paths whose file under ``root`` is missing or has other content
    (a hand edit, or a deletion), sorted."""
    modified = []
    for entry in manifest:
        target = root / entry.path
        try:
            data = target.read_bytes() if target.is_file() and not target.is_symlink() else None
        except OSError:
            data = None
        if data is None or sha256_bytes(data) != entry.sha256:
            modified.append(entry.path)
    return modified


def untracked_files(root: Path, manifest: Manifest) -> list[str]:
    """Files under ``root`` that the manifest does not list (files a person added),
    sorted; tool caches (:data:`IGNORED_DIRS`) and the manifest itself are left out."""
    found: list[str] = []
    if not root.is_dir():
        return found
    for path in _walk_files(root):
        rel = path.relative_to(root).as_posix()
        if rel != MANIFEST_NAME and rel not in manifest:
            found.append(rel)
    return sorted(found)


def _walk_files(root: Path) -> Iterator[Path]:
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.is_symlink():
            if child.name not in IGNORED_DIRS:
                yield from _walk_files(child)
        else:
            yield child
