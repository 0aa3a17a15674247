"""The read side of the history: log, rejections, show, diff, blame, checkout.

Everything here is computed from the events (the revisions' records) and the blobs they
point to, through a session the facade opened; nothing is written except by
``checkout``, into a directory of the user's.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autobe_core.build import materialize
from autobe_core.errors import AutobeError
from autobe_core.history import Rejection, Revision
from autobe_core.service.migrations import RecordedMigration, recorded_migration
from autobe_core.service.session import ProjectSession
from autobe_core.store import BlobMissing, StoreError

if TYPE_CHECKING:  # the spec is imported by the queries reading one (``log`` does not)
    from autobe_core.spec import AccessChange


@dataclass(frozen=True)
class LogEntry:
    revision: Revision
    tags: tuple[str, ...]
    access: tuple[AccessChange, ...] = ()
    """``show``: the operations whose access the revision changed (revision 1: all)."""

    @property
    def regenerated(self) -> int:
        return self.revision.delta_len("regenerated")

    @property
    def reused(self) -> int:
        return int(self.revision.delta_entry("reused") or 0)

    @property
    def removed(self) -> int:
        return self.revision.delta_len("removed")

    @property
    def verification(self) -> str:
        v = self.revision.verification
        return "-" if v is None else "passed" if v.ok else "failed"

    def modules_summary(self) -> str:
        return f"{self.regenerated} regenerated, {self.reused} reused, {self.removed} removed"

    @property
    def migration(self) -> RecordedMigration | None:
        """The revision's database migration (None: the database did not change)."""
        return recorded_migration(self.revision)


def log(session: ProjectSession) -> list[LogEntry]:
    project = session.project()
    tags: dict[int, list[str]] = {}
    for name, number in sorted(project.tags.items()):
        tags.setdefault(number, []).append(name)
    return [LogEntry(r, tuple(tags.get(r.number, ()))) for r in project.revisions]


def rejections(session: ProjectSession) -> list[Rejection]:
    return session.project().rejections


def show(session: ProjectSession, ref: str | int) -> LogEntry:
    project = session.project()
    number = project.resolve(ref)
    names = tuple(sorted(n for n, r in project.tags.items() if r == number))
    from autobe_core.spec import access_changes
    from autobe_core.spec.model import ProjectSpec

    try:  # the specs' blobs; a damaged store still shows the revision's record
        before = session.spec_at(project, number - 1) if number > 1 else ProjectSpec(name="")
        changes = access_changes(before, session.spec_at(project, number))
    except AutobeError:
        changes = ()
    return LogEntry(project.revision(number), names, changes)


@dataclass(frozen=True)
class FileDiff:
    path: str
    change: str
    """added / changed / removed"""
    unified: str


@dataclass(frozen=True)
class RevisionDiff:
    a: int
    b: int
    elements: dict[str, str]
    """Spec elements that differ: ``model:todo_items`` -> added / changed / removed."""
    spec: str
    """Unified diff of the two specs as YAML."""
    files: list[FileDiff]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "elements": self.elements,
            "spec": self.spec,
            "files": [{"path": f.path, "change": f.change, "diff": f.unified} for f in self.files],
        }


def diff(session: ProjectSession, a: str | int, b: str | int) -> RevisionDiff:
    from autobe_core.graph.elements import diff_elements, element_hashes
    from autobe_core.spec.io import dump_spec

    project = session.project()
    na, nb = project.resolve(a), project.resolve(b)
    spec_a, spec_b = session.spec_at(project, na), session.spec_at(project, nb)
    ma, mb = session.manifest_at(project, na), session.manifest_at(project, nb)
    spec_diff = "".join(
        difflib.unified_diff(
            dump_spec(spec_a).splitlines(keepends=True),
            dump_spec(spec_b).splitlines(keepends=True),
            f"r{na}/spec.yaml",
            f"r{nb}/spec.yaml",
        )
    )
    changed = ma.diff(mb)
    files: list[FileDiff] = []
    for kind, paths in (
        ("added", changed.added),
        ("changed", changed.changed),
        ("removed", changed.removed),
    ):
        for path in paths:
            before, after = ma.get(path), mb.get(path)
            old = session.file_text(before.sha256) if before else ""
            new = session.file_text(after.sha256) if after else ""
            unified = "".join(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    f"r{na}/{path}" if kind != "added" else "/dev/null",
                    f"r{nb}/{path}" if kind != "removed" else "/dev/null",
                )
            )
            files.append(FileDiff(path, kind, unified))
    files.sort(key=lambda f: f.path)
    elements = diff_elements(element_hashes(spec_a), element_hashes(spec_b))
    return RevisionDiff(na, nb, dict(elements), spec_diff, files)


@dataclass(frozen=True)
class BlameEntry:
    path: str
    module_id: str
    revision: int
    timestamp: str
    author: str
    request: str


class NotGenerated(AutobeError):
    """A path that names no generated file (nor a folder of them) at the head."""

    def __init__(self, path: str, paths: list[str], head: int) -> None:
        folders = {p.rsplit("/", i)[0] + "/" for p in paths for i in range(1, p.count("/") + 1)}
        close = difflib.get_close_matches(path, [*paths, *sorted(folders)], n=5, cutoff=0.6)
        super().__init__(
            f"{path!r} is not a generated file or folder of revision {head}"
            + (f"; close matches: {', '.join(close)}" if close else ""),
            "give a path as `autobe blame` lists them (relative to backend/, e.g. "
            "app/models/), or no path for every file",
        )


def blame(session: ProjectSession, prefix: str = "") -> list[BlameEntry]:
    """For each file at head (under ``prefix``), the revision that last changed it;
    NotGenerated when ``prefix`` starts no generated file's path."""
    project = session.project()
    head_manifest = session.manifest_at(project, project.head)
    last: dict[str, Revision] = {}
    for revision in project.revisions:
        for kind in ("added", "changed"):
            for entry in revision.delta.get(kind, []):
                last[entry["path"]] = revision
    paths = [entry.path for entry in head_manifest]
    if not any(path.startswith(prefix) for path in paths):
        raise NotGenerated(prefix, paths, project.head)
    out: list[BlameEntry] = []
    for entry in head_manifest:
        if not entry.path.startswith(prefix):
            continue
        rev = last.get(entry.path)
        if rev is None:
            continue
        request = rev.text or (
            f"rollback to r{rev.rolled_back_to}" if rev.rolled_back_to else ""
        )
        out.append(
            BlameEntry(
                entry.path, entry.module_id, rev.number, rev.timestamp, rev.author, request
            )
        )
    return out


def checkout(session: ProjectSession, ref: str | int, target: Path) -> tuple[int, int]:
    """Write revision ``ref``'s files into ``target`` (new or empty); returns
    (revision, number of files)."""
    project = session.project()
    number = project.resolve(ref)
    manifest = session.manifest_at(project, number)
    paths = {e.sha256: e.path for e in manifest}

    def read(digest: str) -> bytes:
        try:
            return session.storage.blobs.get(digest)
        except BlobMissing:
            raise StoreError(
                f"revision {number}'s file {paths.get(digest, '?')} (blob {digest[:12]}) "
                "is missing from the project's store; nothing was written"
            ) from None

    materialize(manifest, read, target)
    return number, len(manifest)
