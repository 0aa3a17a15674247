"""The write path's building blocks: stage a spec's tree beside the workspace under the
hand-edit policy, save what ``--force`` writes over, bring the workspace to the head,
and describe a landed build as the history records it.

**The hand-edit policy.** User content a new tree would overwrite or drop (a
*conflict*: a hand edit of a file the tree rewrites or removes, a user's file in the way
of a generated one) stops the command (:class:`UserEditsConflict`, nothing changed)
unless ``keep_mine`` keeps it or ``force`` saves it under
``.autobe/saved/<time>-<label>/`` (a new directory per attempt) and writes over it.
Without a manifest autobe cannot tell its files from the user's: every file at a
generated path whose bytes differ from what autobe would write counts as the user's.

**Bringing the workspace to the head** (:func:`sync_workspace`, under the write lock):
what an interrupted command left beside the workspace is repaired or removed; a
workspace that holds another revision's files (killed after the commit point, a failed
swap, files touched during a change) is rolled forward, keeping hand edits (listed) or,
with ``force``, saving then overwriting them; deleted generated files are written again;
``restore`` (``build --force``) writes over every hand edit, saving it first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from autobe_core.build import (
    MANIFEST_NAME,
    BuildError,
    Staged,
    WorkspaceChangedError,
    commit,
    discard,
    edited_files,
    fresh_dir,
    leftovers,
    missing_files,
    prepare,
    read_manifest,
    recover,
    save_copies,
)
from autobe_core.errors import AutobeError
from autobe_core.generate import MigrationSlice
from autobe_core.graph import Affected
from autobe_core.history import Project
from autobe_core.service.hooks import Hooks
from autobe_core.service.migrations import chain_at
from autobe_core.service.session import ProjectSession
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.model import ProjectSpec

SWAP_TRIES = 3
"""How often a recorded revision's tree is staged again when the workspace keeps
changing under it (an editor saving) before the command gives up."""


class UserEditsConflict(AutobeError):
    """Files holding user content would be overwritten; nothing was changed."""

    def __init__(self, paths: list[str], *, no_manifest: bool = False) -> None:
        listing = "\n".join(f"    {p}" for p in paths)
        what = (
            f"the workspace has no manifest ({MANIFEST_NAME}), so autobe cannot tell "
            f"your edits from its own files; {len(paths)} file(s) at generated paths "
            "differ from what it would write there"
            if no_manifest
            else f"the change would overwrite {len(paths)} file(s) you edited by hand"
        )
        super().__init__(
            f"{what}:\n{listing}\n  nothing was changed",
            "--keep-mine keeps your versions (the change applies around them); "
            "--force takes the generated versions and saves yours under .autobe/saved/",
        )
        self.paths = paths


class SaveFailed(BuildError):
    """The user's versions of files ``--force`` would write over cannot be saved."""


@dataclass
class Staging:
    """A staged tree under the hand-edit policy."""

    staged: Staged
    kept: list[str] = field(default_factory=list)
    """Conflicts kept as the user has them (``keep_mine``)."""
    to_save: list[str] = field(default_factory=list)
    """Conflicts the tree writes over (``force``): :func:`save_forced` them before the
    tree is swapped in."""


@dataclass
class Synced:
    """What bringing the workspace to the head did."""

    revision: int = 0
    wrote: bool = False
    """A new tree was swapped in."""
    rolled_forward: bool = False
    """The workspace held another revision's files, or had no manifest."""
    kept: list[str] = field(default_factory=list)
    """Files whose user content was kept although the head's differ."""
    saved: list[str] = field(default_factory=list)
    """Files saved under ``.autobe/saved/``, then written over."""
    restored: list[str] = field(default_factory=list)
    """Deleted generated files written again."""
    cleaned: list[str] = field(default_factory=list)
    """What interrupted commands had left beside the workspace (removed or put back)."""


def stage(
    session: ProjectSession,
    spec: ProjectSpec,
    hooks: Hooks | None,
    *,
    migrations: tuple[MigrationSlice, ...] = (),
    keep_mine: bool = False,
    force: bool = False,
    restore: bool = False,
) -> Staging:
    """Stage the tree of ``spec`` and its chain of ``migrations`` against the workspace's
    own manifest under the hand-edit policy (see the module docstring; ``restore``: every
    hand edit is a conflict). Whatever fails, no staged tree is left behind."""
    workspace = session.layout.workspace
    current = read_manifest(workspace)

    def prepared(keep: list[str]) -> Staged:
        return prepare(
            spec,
            workspace,
            current,
            lookup=session.lookup,
            lookup_key=session.lookup_key,
            keep=keep,
            restore=restore,
            progress=hooks.build if hooks else None,
            migrations=migrations,
        )

    staged = prepared([])
    conflicts = list(staged.conflicts)
    if not conflicts:
        return Staging(staged)
    if force:
        return Staging(staged, to_save=conflicts)
    discard(staged)
    if not keep_mine:
        raise UserEditsConflict(conflicts, no_manifest=current is None)
    return Staging(prepared(conflicts), kept=conflicts)


def save_forced(session: ProjectSession, paths: list[str], label: str) -> list[str]:
    """Copy the user's versions of ``paths`` into a new directory
    ``.autobe/saved/<time>-<label>/`` (never one an earlier attempt used); the paths
    copied. :class:`SaveFailed` when they cannot be saved."""
    if not paths:
        return []
    layout = session.layout
    dest = fresh_dir(layout.saved_dir, f"{time.strftime('%Y%m%d-%H%M%S')}-{label}")
    try:
        return save_copies(layout.workspace, paths, dest)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise SaveFailed(
            f"cannot save your versions of {len(paths)} file(s) under {dest}: {reason}",
            f"make {layout.saved_dir} a writable directory (or free disk space), then run "
            "the command again; nothing was changed",
        ) from None


def sync_workspace(
    session: ProjectSession,
    project: Project,
    hooks: Hooks | None = None,
    *,
    keep_mine: bool = False,
    force: bool = False,
    restore: bool = False,
) -> Synced:
    """Make the workspace hold the head's files (the session holds the write lock); see
    the module docstring. A roll-forward keeps hand edits unless ``force``; without a
    manifest, files that differ stop it unless ``keep_mine`` or ``force``."""
    workspace = session.layout.workspace
    stale, aside = leftovers(workspace)
    synced = Synced(project.head, cleaned=[p.name for p in stale + aside])
    recover(workspace)
    if project.head == 0:
        return synced
    current = read_manifest(workspace)
    expected = session.manifest_at(project, project.head)
    gone = missing_files(workspace, current if current is not None else expected)
    if current == expected and not gone and not (restore and edited_files(workspace, current)):
        return synced
    staging = stage(
        session,
        session.spec_at(project, project.head),
        hooks,
        migrations=chain_at(project, project.head),
        keep_mine=keep_mine or (current is not None and not force),
        force=force or restore,
        restore=restore,
    )
    staged = staging.staged
    try:
        saved = save_forced(session, staging.to_save, f"r{project.head}-build")
        commit(staged, workspace)
    finally:
        discard(staged)
    synced.wrote, synced.rolled_forward = True, current != expected
    synced.kept, synced.saved = staging.kept, saved
    synced.restored = [p for p in gone if p in staged.manifest]
    return synced


def swap_in(
    session: ProjectSession, project: Project, staging: Staging, hooks: Hooks, *, force: bool
) -> Synced | None:
    """After the commit point: swap the staged tree in; None when it went in as
    staged. When the workspace changed since it was staged (an editor's swap file, a
    hand edit), the head's tree is staged again from the workspace as it is now and
    swapped in (what appeared is carried over, hand edits kept unless ``force``): the
    recorded revision never fails for it. Only :class:`BuildError` or :class:`OSError`
    (the workspace cannot be written) escape."""
    workspace = session.layout.workspace
    try:
        commit(staging.staged, workspace)
        return None
    except WorkspaceChangedError:
        discard(staging.staged)
    for attempt in range(1, SWAP_TRIES + 1):
        try:
            return sync_workspace(session, project, hooks, keep_mine=not force, force=force)
        except WorkspaceChangedError:
            if attempt == SWAP_TRIES:
                raise
        except AutobeError as exc:
            raise BuildError(exc.message) from exc
    return None  # not reached


def recorded(changeset: ChangeSet) -> dict[str, Any]:
    """A changeset as events carry it: camelCase, unset optional attributes left out
    (parsing it back gives the same ChangeSet)."""
    return changeset.model_dump(mode="json", by_alias=True, exclude_none=True)


def delta_of(result: Affected, staged: Staged) -> dict[str, Any]:
    """The manifest delta an applied revision records: hashes, keys and reason paths for
    every module added, changed or removed; ``regenerated`` names the modules whose
    generator ran; modules whose text was reused are counted (their hashes are in the
    manifest the revision points to)."""
    new = {e.module_id: e for e in staged.manifest}
    old = {e.module_id: e for e in staged.head}

    def entry(change: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": change.id,
            "path": change.path,
            "key": change.new_key,
            "reasons": [list(r.path) for r in change.reasons],
        }
        if change.id in new:
            data["sha256"] = new[change.id].sha256
        if change.id in old:
            data["oldSha256"] = old[change.id].sha256
        return data

    return {
        "added": [entry(c) for c in result.added],
        "changed": [entry(c) for c in result.changed],
        "removed": [entry(c) for c in result.removed],
        "reused": len(staged.reused),
        "regenerated": [e.module_id for e in staged.regenerated],
        "elements": dict(result.elements),
    }
