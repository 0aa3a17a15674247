"""Incremental builds in two phases: :func:`prepare` a complete new tree, then
:func:`commit` it (or :func:`discard` it), so a caller can verify the tree first.

:func:`prepare` plans the new spec's modules and finds each module's text without
generating it where it can: a module whose key the head manifest records (at its path,
or at another) takes the workspace file when that file is unmodified, else
``lookup(sha256)`` (a content-addressed blob, verified), else ``lookup_key(key)``;
anything else is generated. Same key, same text, so the tree equals a clean build's
byte for byte. The tree is written to a staging directory beside the workspace, with
the new manifest and a copy of ``.mypy_cache``; files the workspace already holds
unchanged are hard links to its own (:mod:`autobe_core.build.trees`); the workspace is
not touched.

What the tree holds besides generated files is the user's: untracked files are copied;
hand edits (:mod:`autobe_core.build.edits`) the change does not touch are kept as they
are (and stay visible as edits, since the manifest records the generated content);
``keep`` names paths whose on-disk content wins over a conflicting change
(``--keep-mine``); the implementation stub of a user-owned custom operation is written
once when the workspace has none (:attr:`Staged.created`). Conflicts not in ``keep`` are
overwritten and listed in
:attr:`Staged.conflicts`: call :func:`edited_conflicts` first (and
:func:`save_copies` for ``--force``). :func:`commit` refuses when the workspace changed
since :func:`prepare` (its edits would be lost).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from autobe_core.build.builder import BuildProgress
from autobe_core.build.edits import (
    DiskShas,
    Snapshot,
    edited_conflicts,
    plan_tree,
    read_regular,
    snapshot,
)
from autobe_core.build.errors import WorkspaceChangedError
from autobe_core.build.manifest import (
    Manifest,
    ManifestDiff,
    ManifestEntry,
    file_bytes,
    sha256_bytes,
    text_sha256,
)
from autobe_core.build.trees import Put, stage_tree
from autobe_core.build.workspace import (
    check_directory,
    check_path,
    check_paths,
    recover,
    swap,
)
from autobe_core.generate import MigrationSlice, PlannedModule, plan_modules, user_files
from autobe_core.spec.model import ProjectSpec

Lookup = Callable[[str], str | None]
"""sha256 (or module key) -> the file's text, or None when unknown."""

Source = Literal["workspace", "blob", "key", "generated"]
"""Where a module's text came from: the unmodified workspace file, ``lookup`` by
sha256, ``lookup_key`` by module key, or ``module.generate()``."""

State = Literal["staged", "committed", "discarded"]


@dataclass
class Staged:
    """A complete new workspace tree in a staging directory, not yet visible."""

    path: Path
    workspace: Path
    head: Manifest
    manifest: Manifest
    regenerated: list[ManifestEntry]
    """Modules whose ``generate()`` ran (new entries)."""
    reused: list[ManifestEntry]
    """Modules whose text came from the workspace, a blob or the key index (new entries)."""
    removed: list[ManifestEntry]
    """Head entries the new spec has no module for (their files are gone)."""
    sources: dict[str, Source]
    """path -> where its text came from."""
    generated: dict[str, str]
    """path -> text produced now (store these as blobs)."""
    texts: dict[str, str]
    """path -> generated text of every manifest path (what the manifest records)."""
    preserved: list[str]
    """Paths whose user content was kept instead of the generated text: hand edits the
    change does not touch, and ``keep`` paths."""
    untracked: list[str]
    """User files the manifest does not know, carried into the tree."""
    conflicts: list[str]
    """User content overwritten or dropped (conflicts not in ``keep``)."""
    seconds: float
    state: State = "staged"
    snapshot: Snapshot = field(default_factory=dict, repr=False)
    created: list[str] = field(default_factory=list)
    """User files created now (the stub of a user-owned operation's implementation): the
    workspace had none; from now on they are the user's (untracked, never overwritten)."""

    @property
    def diff(self) -> ManifestDiff:
        return self.head.diff(self.manifest)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "modules": len(self.regenerated) + len(self.reused),
            "regenerated": len(self.regenerated),
            "reused": len(self.reused),
            "removed": len(self.removed),
            "preserved": len(self.preserved),
            "untracked": len(self.untracked),
            "conflicts": len(self.conflicts),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": str(self.workspace),
            "state": self.state,
            **self.counts,
            "seconds": round(self.seconds, 3),
            "changes": self.diff.to_data(),
            "regeneratedModules": [e.module_id for e in self.regenerated],
            "removedModules": [e.module_id for e in self.removed],
            "preservedFiles": self.preserved,
            "conflictFiles": self.conflicts,
        }

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.state == "staged":
            discard(self)


class _Texts:
    """Finds module texts, generating only what nothing else can provide."""

    def __init__(
        self, workspace: Path, head: Manifest, lookup: Lookup | None, lookup_key: Lookup | None,
        shas: DiskShas,
    ) -> None:
        self.workspace, self.shas = workspace, shas
        self.lookup, self.lookup_key = lookup, lookup_key
        self.by_key: dict[str, list[ManifestEntry]] = {}
        for entry in head:
            if entry.key:
                self.by_key.setdefault(entry.key, []).append(entry)

    def text(self, module: PlannedModule) -> tuple[str, Source]:
        same = [e for e in self.by_key.get(module.key, ()) if e.path == module.path]
        candidates = same + [e for e in self.by_key.get(module.key, ()) if e not in same]
        for entry in candidates:
            path = self.workspace / entry.path
            data = read_regular(path)
            if data is not None:
                self.shas.remember(path, sha256_bytes(data))
            if data is not None and self.shas(path) == entry.sha256:
                with contextlib.suppress(UnicodeDecodeError):
                    return data.decode("utf-8"), "workspace"
        if self.lookup is not None:
            for entry in candidates:
                text = self.lookup(entry.sha256)
                if text is not None and text_sha256(text) == entry.sha256:
                    return text, "blob"
        if self.lookup_key is not None:
            text = self.lookup_key(module.key)
            if text is not None:
                return text, "key"
        return module.generate(), "generated"


def prepare(
    spec: ProjectSpec,
    workspace: Path,
    head: Manifest | None,
    *,
    lookup: Lookup | None = None,
    lookup_key: Lookup | None = None,
    keep: Iterable[str] = (),
    restore: bool = False,
    progress: BuildProgress | None = None,
    migrations: Sequence[MigrationSlice] = (),
) -> Staged:
    """Build the complete tree of ``spec`` and its chain of ``migrations`` in a staging
    directory beside ``workspace`` (untouched), reusing what ``head`` (the workspace's
    manifest; None: none) and the lookups provide. See the module docstring for what the
    tree holds; ``restore`` makes every hand edit not in ``keep`` a conflict (``build
    --force``). Like every writer it first repairs what a crashed write left
    (``recover``), which removes any other staged tree of this workspace: stage one tree
    at a time."""
    started = time.perf_counter()
    workspace = Path(os.path.abspath(workspace))
    check_directory(workspace)
    head = head or Manifest()
    keep_set = {str(check_path(p)) for p in keep}
    modules = plan_modules(spec, migrations)
    check_paths(m.path for m in modules)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    recover(workspace)
    before = snapshot(workspace)

    shas = DiskShas()  # each workspace file read once
    finder = _Texts(workspace, head, lookup, lookup_key, shas)
    texts: dict[str, str] = {}
    sources: dict[str, Source] = {}
    for done, module in enumerate(modules, start=1):
        texts[module.path], sources[module.path] = finder.text(module)
        if progress is not None:
            progress(done, len(modules), module.id)
    manifest = Manifest.of(
        ManifestEntry(m.path, text_sha256(texts[m.path]), m.id, m.key) for m in modules
    )
    puts, preserved, untracked = plan_tree(
        workspace, head, manifest, texts, keep_set, restore=restore, sha=shas
    )
    conflicts = [
        p for p in edited_conflicts(workspace, head, manifest, restore=restore, sha=shas)
        if p not in keep_set
    ]
    stubs = user_files(modules)
    created = [p for p in stubs if p not in puts and not os.path.lexists(workspace / p)]
    for path in created:
        puts[path] = Put(file_bytes(stubs[path]))
    staging = stage_tree(workspace, puts, manifest)
    fresh = {p for p, source in sources.items() if source == "generated"}
    return Staged(
        path=staging,
        workspace=workspace,
        head=head,
        manifest=manifest,
        regenerated=[e for e in manifest if e.path in fresh],
        reused=[e for e in manifest if e.path not in fresh],
        removed=[e for e in head if e.path not in manifest],
        sources=sources,
        generated={p: texts[p] for p in sorted(fresh)},
        texts=texts,
        preserved=preserved,
        untracked=untracked,
        conflicts=conflicts,
        seconds=time.perf_counter() - started,
        snapshot=before,
        created=created,
    )


def commit(staged: Staged, workspace: Path) -> Manifest:
    """Swap the staged tree into place (``swap``, as a clean build does); returns the
    new manifest. :class:`WorkspaceChangedError` (nothing swapped, the staged tree
    kept) when the workspace changed since :func:`prepare`."""
    workspace = Path(os.path.abspath(workspace))
    if staged.state != "staged":
        raise ValueError(f"this tree is {staged.state}, not staged")
    if workspace != staged.workspace:
        raise ValueError(f"the tree was staged for {staged.workspace}, not {workspace}")
    if not staged.path.is_dir():
        raise WorkspaceChangedError(f"the staging tree {staged.path} is gone")
    now = snapshot(workspace)
    if now != staged.snapshot:
        changed = sorted(
            p for p in now.keys() | staged.snapshot.keys()
            if now.get(p) != staged.snapshot.get(p)
        )
        raise WorkspaceChangedError(
            "the workspace changed since the build was prepared: " + ", ".join(changed[:5])
            + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        )
    swap(workspace, staged.path)
    staged.state = "committed"
    return staged.manifest


def discard(staged: Staged) -> None:
    """Remove the staged tree; the workspace was never touched."""
    if staged.state == "staged":
        shutil.rmtree(staged.path, ignore_errors=True)
        staged.state = "discarded"


def incremental_build(
    spec: ProjectSpec,
    workspace: Path,
    head: Manifest | None,
    *,
    lookup: Lookup | None = None,
    lookup_key: Lookup | None = None,
    keep: Iterable[str] = (),
    progress: BuildProgress | None = None,
    migrations: Sequence[MigrationSlice] = (),
) -> Staged:
    """:func:`prepare` + :func:`commit` (no verification in between)."""
    staged = prepare(
        spec, workspace, head, lookup=lookup, lookup_key=lookup_key, keep=keep,
        progress=progress, migrations=migrations,
    )
    with staged:
        commit(staged, workspace)
    return staged
