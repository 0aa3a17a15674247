"""The workspace use cases: build it (bring it to the head), check it, and report its
status against the history.

- :func:`build` brings the workspace to the head under the hand-edit policy
  (:mod:`autobe_core.service.staging`): ``keep_mine`` keeps files that differ, ``force``
  saves every hand edit under ``.autobe/saved/`` and writes the head's files over it.
- :func:`check` runs the recompile ladder only on a workspace that holds the head's
  files (:class:`WorkspaceNotAtHead` names the revision it holds otherwise). A full
  result is recorded on the head when the files are the head's, unedited, and always in
  ``.autobe/last-check.json`` together with the user content it saw
  (:func:`~autobe_core.build.user_content`), as a verified change records its tree's.
- :func:`status` never claims a passing check for files that differ from those checked:
  the head's recorded verification holds for its generated files, the last check for
  the user content it saw; anything else is "not run with your edits".
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from autobe_core.build import (
    IGNORED_DIRS,
    MANIFEST_NAME,
    Manifest,
    edited_files,
    leftovers,
    read_manifest,
    sha256_bytes,
    untracked_files,
    user_content,
)
from autobe_core.errors import AutobeError, NotBuilt
from autobe_core.files import write_whole
from autobe_core.history import Project
from autobe_core.service.hooks import BuildProgress, Hooks
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.locking import lock_holder
from autobe_core.service.session import ProjectSession
from autobe_core.spec.realization import (
    count_realizations,
    operation_records,
    orphaned_files,
    orphaned_user_files,
    realization_counts,
)

if TYPE_CHECKING:  # building and checking import the staging and the ladder themselves
    from autobe_core.service.staging import Synced
    from autobe_core.spec.model import Operation, ProjectSpec
    from autobe_core.verify import LadderProgress, LadderResult, RungName

UserContent = dict[str, str | None]
"""path -> sha256 (None: deleted) of what differs from the generated files."""


class WorkspaceNotAtHead(AutobeError):
    """The workspace does not hold the head revision's files; nothing was checked."""


@dataclass(frozen=True)
class Status:
    name: str
    head: int
    built: bool
    in_sync: bool
    """The workspace holds the head revision's files (hand edits aside)."""
    edited: list[str]
    """Generated files that exist with other content (hand edits); without a manifest,
    files at the head's paths that differ from the head's."""
    untracked: list[str]
    verification: str
    """"passed" / "failed" / "not verified" for exactly the files checked; otherwise a
    sentence saying the check did not run with the user's edits."""
    store: str
    unrealized: int = 0
    """Operations of kind ``custom`` at the head no implementation serves: generated as
    501 handlers (e.g. an imported AutoBe operation with no standard equivalent)."""
    realized: dict[str, int] = field(default_factory=dict)
    """Operations at the head per realization (``generate.REALIZATIONS``: deterministic,
    user, llm, unrealized)."""
    orphaned: list[str] = field(default_factory=list)
    """The user's implementations (``app/custom/``) whose operation is gone or no longer
    the user's: kept, left out of the type check."""
    missing: list[str] = field(default_factory=list)
    """Generated files that were deleted (``build`` writes them again)."""
    manifest_missing: bool = False
    """The workspace holds files but no manifest: autobe cannot tell its files from the
    user's (``build`` stops on files that differ, unless --keep-mine / --force)."""
    workspace_revision: int | None = None
    """The revision whose files the workspace holds (None: none, or not built)."""
    leftovers: list[str] = field(default_factory=list)
    """What an interrupted command left beside the workspace (the next write removes
    it); empty while another process holds the project."""
    busy: str | None = None
    """Who holds the project's write lock, when another process does."""


@dataclass(frozen=True)
class BuildOutcome:
    modules: int
    """Modules in the workspace."""
    synced: Synced
    edited: list[str]
    """Hand edits left in the workspace (kept)."""


def build(
    session: ProjectSession,
    progress: BuildProgress | None,
    *,
    keep_mine: bool = False,
    force: bool = False,
) -> BuildOutcome:
    """Make the workspace hold the head revision's files (the session holds the write
    lock); with ``force``, every hand edit is saved and written over."""
    from autobe_core.service.staging import sync_workspace

    project = session.project()
    synced = sync_workspace(
        session, project, Hooks(build=progress), keep_mine=keep_mine, force=force,
        restore=force,
    )
    manifest = read_manifest(session.layout.workspace)
    edited = edited_files(session.layout.workspace, manifest) if manifest else []
    return BuildOutcome(len(manifest) if manifest else 0, synced, edited)


# --------------------------------------------------------------------------- check


def checked_manifest(session: ProjectSession) -> Manifest:
    """The workspace's manifest, which must be the head's (:class:`NotBuilt`,
    :class:`WorkspaceNotAtHead` naming the revision the files are otherwise)."""
    workspace = session.layout.workspace
    current = read_manifest(workspace)
    if current is None:
        if _holds_files(workspace):
            raise WorkspaceNotAtHead(
                f"{workspace} has no manifest ({MANIFEST_NAME}): autobe cannot tell which "
                "revision its files are; nothing was checked",
                "run `autobe build` to write it (it stops on files that differ from the "
                "head; --keep-mine keeps them, --force saves them), then `autobe check`",
            )
        raise NotBuilt(f"nothing generated yet in {workspace}", "run `autobe build` first")
    project = session.project()
    if project.head and current != session.manifest_at(project, project.head):
        held = workspace_revision(project, current)
        what = f"revision {held}'s files" if held else "the files of no recorded revision"
        raise WorkspaceNotAtHead(
            f"the workspace holds {what}, but the head is revision {project.head}; "
            "nothing was checked",
            "run `autobe build` to bring it to the head (your edits are kept), then "
            "`autobe check`",
        )
    return current


def check(
    open_session: Callable[..., ProjectSession],
    rungs: Sequence[RungName] | None,
    progress: LadderProgress | None,
) -> LadderResult:
    """Run the ladder (``rungs``, default all) on a workspace holding the head's files;
    a full result is recorded (:func:`record_check`). ``open_session(write=...)`` opens
    a unit of work; none is held while the ladder runs."""
    with open_session() as session:
        layout = session.layout
        checked = checked_manifest(session)
    seen = user_content(layout.workspace, checked)
    result = ladder(layout, rungs, progress)
    if is_full(rungs):
        with open_session(write=True) as session:
            record_check(session, checked, result, seen)
    return result


def ladder(
    layout: ProjectLayout,
    rungs: Sequence[RungName] | None,
    progress: LadderProgress | None,
) -> LadderResult:
    """Run the recompile ladder (``rungs``, default all) on the workspace."""
    from autobe_core.verify import WARM_DIR, run_ladder

    return run_ladder(
        layout.workspace,
        rungs=list(rungs) if rungs else None,
        progress=progress,
        cache_dir=layout.mypy_cache,
        warm=layout.state / WARM_DIR,
    )


def is_full(rungs: Sequence[RungName] | None) -> bool:
    """Every rung runs: only such a result is recorded."""
    from autobe_core.verify import RUNGS

    return rungs is None or len(rungs) == len(RUNGS)


def record_check(
    session: ProjectSession, checked: Manifest, result: LadderResult, seen: UserContent
) -> None:
    """Record ``result`` of the files ``checked`` with user content ``seen`` (the
    session holds the write lock): nothing when they changed while the ladder ran or are
    no longer the head's; on the head revision when there was no user content."""
    project = session.project()
    workspace = session.layout.workspace
    if read_manifest(workspace) != checked or user_content(workspace, checked) != seen:
        return
    if not project.head or checked != session.manifest_at(project, project.head):
        return
    if not seen:
        project.record_verification(project.head, ok=result.ok, rungs=result.to_dict()["rungs"])
        session.save(project)
    remember_check(session.layout, project.head, result.ok, seen)


def remember_check(layout: ProjectLayout, revision: int, ok: bool, seen: UserContent) -> None:
    """Write ``.autobe/last-check.json``: revision ``revision``'s files with the user
    content ``seen`` checked ``ok``. Best effort: a file that cannot be written only
    means status claims less."""
    data = {"revision": revision, "ok": ok, "userContent": seen}
    write_whole(layout.last_check, (json.dumps(data, sort_keys=True) + "\n").encode("utf-8"))


def read_last_check(layout: ProjectLayout) -> tuple[int, bool, UserContent] | None:
    """(revision, ok, user content) of ``.autobe/last-check.json``; None when there is
    none or it is not what :func:`remember_check` writes."""
    try:
        data: Any = json.loads(layout.last_check.read_text(encoding="utf-8"))
        revision, ok, seen = data["revision"], data["ok"], data["userContent"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not (isinstance(revision, int) and isinstance(ok, bool) and isinstance(seen, dict)):
        return None
    return revision, ok, seen


# --------------------------------------------------------------------------- status


def status(session: ProjectSession) -> Status:
    """The workspace against the head. Reads the workspace's files once (their hashes
    give the edits, deletions and the user content), and of the store only what it
    must: the head's manifest is compared by its recorded hash (its blob is read only
    for a workspace without a manifest), the head's spec as JSON."""
    project = session.project()
    layout = session.layout
    workspace = layout.workspace
    current = read_manifest(workspace)
    no_manifest = current is None and _holds_files(workspace)
    basis = current if current is not None else _head_manifest(session, project) \
        if no_manifest else None
    at_head = current is not None and _is_head(project, current)
    busy = lock_holder(layout.lock_file)
    stale, aside = leftovers(workspace)
    untracked = untracked_files(workspace, basis) if basis is not None else []
    content = user_content(workspace, basis, untracked) if basis is not None else None
    # generated paths whose file differs: the sha256 of what is there, None when it is
    # deleted (edited_files and missing_files, from the one pass over the files)
    changed = {path: sha for path, sha in (content or {}).items()
               if basis is not None and path in basis}
    realized, orphaned = _realizations(session, project, untracked)
    return Status(
        name=project.name,
        head=project.head,
        built=current is not None,
        in_sync=at_head,
        edited=[path for path, sha in changed.items() if sha is not None],
        untracked=untracked,
        verification=_verification(layout, project, content if at_head or no_manifest else {}),
        store=session.storage.describe(),
        unrealized=realized.get("unrealized", 0),
        realized=realized,
        orphaned=orphaned,
        missing=[path for path, sha in changed.items() if sha is None],
        manifest_missing=no_manifest,
        workspace_revision=(
            project.head if at_head else workspace_revision(project, current) if current else None
        ),
        leftovers=[] if busy else [p.name for p in stale + aside],
        busy=busy,
    )


def _head_manifest(session: ProjectSession, project: Project) -> Manifest:
    return session.manifest_at(project, project.head) if project.head else Manifest()


def _is_head(project: Project, manifest: Manifest) -> bool:
    """Whether ``manifest`` is the head revision's (by the hash the head records)."""
    if not project.head:
        return manifest == Manifest()
    return manifest_digest(manifest) == project.content_hashes(project.head)[1]


def _realizations(
    session: ProjectSession, project: Project, untracked: list[str]
) -> tuple[dict[str, int], list[str]]:
    """The head's operations per realization, and the user's orphaned implementations
    among ``untracked``. Read from the spec's JSON; only a spec holding LLM-written code
    is parsed (the generators then tell whether that code is still current)."""
    if not project.head:
        return {}, []
    data = session.spec_data_at(project, project.head)
    try:
        records = operation_records(data)
    except (KeyError, TypeError, AttributeError):
        records = None
    if records is not None and all(op.realized is None for op in records):
        return count_realizations(records), orphaned_files(untracked, records)
    from autobe_core.spec.io import parse_spec

    spec = parse_spec(data)
    return (
        realization_counts(spec, lambda op: _realized_current(spec, op)),
        orphaned_user_files(untracked, spec),
    )


def _realized_current(spec: ProjectSpec, op: Operation) -> bool:
    """Whether ``op``'s LLM-written code is still generated (asked only of operations
    holding some: the generators are imported to key its slice then, and only then)."""
    from autobe_core.generate import current_realized

    return current_realized(spec, op) is not None


def manifest_digest(manifest: Manifest) -> str:
    """The hash a revision records of its manifest (its blob's sha256)."""
    return sha256_bytes(manifest.to_json().encode("utf-8"))


def workspace_revision(project: Project, manifest: Manifest) -> int | None:
    """The newest revision whose files ``manifest`` records; None when none does."""
    digest = manifest_digest(manifest)
    for revision in reversed(project.revisions):
        if revision.manifest_hash == digest:
            return revision.number
    return None


def _verification(layout: ProjectLayout, project: Project, content: UserContent | None) -> str:
    """What status says of the last check. ``content``: the workspace's user content
    when it holds the head's files (or no manifest); ``{}`` when the line is about the
    head revision alone; None when nothing is built."""
    last = read_last_check(layout)
    if content and last is not None and last[0] == project.head and last[2] == content:
        return "passed" if last[1] else "failed"
    head = project.head_revision
    verified = head.verification if head else None
    if verified is None:
        return "not verified"
    word = "passed" if verified.ok else "failed"
    if not content:
        return word
    return f"not run with your edits (the head's generated files {word}; run `autobe check`)"


def _holds_files(directory: os.PathLike[str]) -> bool:
    """True when ``directory`` holds anything but tool caches."""
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        return any(e.name not in IGNORED_DIRS for e in entries)
    return False
