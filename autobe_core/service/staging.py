"""The write path's building blocks: stage a spec's tree beside the workspace, bring the
workspace to the head, and describe a landed build as the history records it.

:func:`stage` writes the complete new tree next to the workspace (generating only the
modules whose key is new) and applies the hand-edit policy: files the user edited that
the change would overwrite stop it (:class:`UserEditsConflict`), unless ``keep_mine``
keeps them or ``force`` saves them under ``.autobe/saved/`` and overwrites them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autobe_core.build import (
    Manifest,
    Staged,
    commit,
    discard,
    modified_files,
    prepare,
    read_manifest,
    recover,
    save_copies,
)
from autobe_core.errors import AutobeError
from autobe_core.graph import Affected
from autobe_core.history import Project
from autobe_core.service.hooks import Hooks
from autobe_core.service.session import ProjectSession
from autobe_core.spec.changeset import ChangeSet
from autobe_core.spec.model import ProjectSpec


class UserEditsConflict(AutobeError):
    """Hand-edited files would be overwritten; nothing was changed."""

    def __init__(self, paths: list[str]) -> None:
        listing = "\n".join(f"    {p}" for p in paths)
        super().__init__(
            f"the change would overwrite {len(paths)} file(s) you edited by hand:\n{listing}\n"
            "  nothing was changed",
            "--keep-mine keeps your versions (the change applies around them); "
            "--force takes the generated versions and saves yours under .autobe/saved/",
        )
        self.paths = paths


def sync_workspace(session: ProjectSession, project: Project, hooks: Hooks | None = None) -> None:
    """Make the workspace match the head: finish or undo a swap a crash interrupted, and
    roll a workspace that is one revision behind (killed after the commit point) forward,
    keeping any hand edits."""
    workspace = session.layout.workspace
    recover(workspace)
    current = read_manifest(workspace)
    if project.head == 0:
        return
    head_manifest = session.manifest_at(project, project.head)
    if current is not None and current == head_manifest:
        return
    spec = session.spec_at(project, project.head)
    staged = prepare(
        spec,
        workspace,
        current,
        lookup=session.lookup,
        lookup_key=session.lookup_key,
        keep=_edited(workspace, current),
        progress=hooks.build if hooks else None,
    )
    try:
        commit(staged, workspace)
    finally:
        if staged.state == "staged":
            discard(staged)


def _edited(workspace: Path, manifest: Manifest | None) -> list[str]:
    if manifest is None:
        return []
    return [p for p in modified_files(workspace, manifest) if (workspace / p).exists()]


def stage(
    session: ProjectSession,
    spec: ProjectSpec,
    hooks: Hooks,
    label: str,
    *,
    keep_mine: bool = False,
    force: bool = False,
) -> tuple[Staged, list[str], list[str]]:
    """Stage ``spec``'s tree; returns it with the paths kept (``keep_mine``) and the
    copies saved (``force``, under ``.autobe/saved/<label>/``)."""
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
            progress=hooks.build,
        )

    staged = prepared([])
    conflicts = list(staged.conflicts)
    if not conflicts:
        return staged, [], []
    if keep_mine:
        discard(staged)
        return prepared(conflicts), conflicts, []
    if force:
        dest = session.layout.saved_dir / label
        return staged, [], save_copies(workspace, conflicts, dest)
    discard(staged)
    raise UserEditsConflict(conflicts)


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
