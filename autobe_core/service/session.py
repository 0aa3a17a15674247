"""A unit of work on one project: its storage opened, its content addressable by revision.

The history (events) says *which* spec, manifest and files a revision has, by hash; the
blob store holds them. This class joins the two so the use cases read "the spec at
revision 3" or "the text of this module key" without knowing about either. Where the
storage comes from is the caller's choice (:class:`~autobe_core.service.storage.StorageFactory`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from autobe_core.build import BuildError, Manifest, file_bytes
from autobe_core.errors import AutobeError
from autobe_core.history import Project, ProjectMissing
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.locking import ProjectLock
from autobe_core.service.storage import Storage, StorageFactory
from autobe_core.store import StoreError

if TYPE_CHECKING:  # imported where used: ``log`` reads no spec, stores no build
    from autobe_core.build import Staged
    from autobe_core.spec.model import ProjectSpec


class ProjectIncomplete(AutobeError):
    """The project's directory exists but its store holds no revision: an ``init`` that
    did not finish (killed, or a failure it could not clean up), or a store that lost its
    history (a 0-byte database)."""


class WorkspaceNotUpdated(AutobeError):
    """A revision is recorded, but the workspace could not be brought up to it (after the
    commit point: a read-only or immutable ``backend/``, a full disk)."""


class ProjectSession:
    """Storage of one project, opened for reading or (with the write lock) for writing."""

    def __init__(
        self, layout: ProjectLayout, storages: StorageFactory, *, write: bool = False,
        create: bool = False,
    ) -> None:
        """``create``: the store may be new (``init``); otherwise an empty store file is
        refused as it is (opening it would create tables in it)."""
        self.layout = layout
        self._resources = ExitStack()
        try:
            if write:
                self._resources.enter_context(ProjectLock(layout.lock_file))
            if not create and _empty_store_file(layout):
                raise self._incomplete("its store")
            self.storage: Storage = self._resources.enter_context(storages.open(layout))
        except BaseException:
            self._resources.close()
            raise

    def close(self) -> None:
        """Close the storage, then release the write lock (if held)."""
        self._resources.close()

    def __enter__(self) -> ProjectSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the aggregate

    def project(self) -> Project:
        """The project at its head (:class:`ProjectIncomplete` when the store holds no
        revision)."""
        try:
            return self.storage.history.get()
        except ProjectMissing:
            raise self._incomplete(f"its store ({self.storage.describe()})") from None

    def _incomplete(self, store: str) -> ProjectIncomplete:
        root = self.layout.root
        return ProjectIncomplete(
            f"{root} has no recorded revision: `autobe init` did not finish there "
            f"(it stopped before revision 1 was recorded), or {store} lost its history",
            f"run `autobe init {root} --from SPEC` again to start over (your files in "
            "backend/ are kept); if this project had revisions, restore its .autobe/ "
            "directory from a backup instead",
        )

    def save(self, project: Project) -> None:
        self.storage.history.save(project)

    @contextmanager
    def after_commit(self, revision: int) -> Iterator[None]:
        """Run the block that writes the workspace after revision ``revision`` was
        recorded (the commit point): a failure there says that the revision is recorded
        and how to bring the workspace up to it, instead of looking like a failed
        command (which a script would retry, recording the change twice)."""
        try:
            yield
        except (OSError, BuildError) as exc:
            workspace = self.layout.workspace
            reason = exc.message if isinstance(exc, BuildError) else _os_reason(exc)
            raise WorkspaceNotUpdated(
                f"revision {revision} is recorded, but {workspace} could not be brought "
                f"up to it: {reason}",
                f"make {workspace} writable (or free disk space), then run `autobe build`: "
                f"it writes revision {revision}'s files, keeping your own; do not repeat "
                "the command",
            ) from exc

    # -- content by hash

    def spec_by_hash(self, digest: str) -> ProjectSpec:
        from autobe_core.spec.io import parse_spec

        return parse_spec(json.loads(self._text(digest, "spec")))

    def manifest_by_hash(self, digest: str) -> Manifest:
        return Manifest.from_json(self._text(digest, "manifest"))

    def spec_at(self, project: Project, revision: int) -> ProjectSpec:
        return self.spec_by_hash(project.content_hashes(revision)[0])

    def spec_data_at(self, project: Project, revision: int) -> Any:
        """Revision ``revision``'s spec as stored (JSON data, not the model: ``status``
        reads a few fields of it without importing pydantic's spec classes)."""
        return json.loads(self._text(project.content_hashes(revision)[0], "spec"))

    def manifest_at(self, project: Project, revision: int) -> Manifest:
        return self.manifest_by_hash(project.content_hashes(revision)[1])

    def file_text(self, digest: str) -> str:
        return self._text(digest, "file")

    def _text(self, digest: str, what: str) -> str:
        try:
            return self.storage.blobs.get_text(digest)
        except KeyError:
            raise AutobeError(
                f"the {what} {digest[:12]} is missing from the blob store",
                "the store is incomplete; restore .autobe/ from a backup",
            ) from None

    def lookup(self, digest: str) -> str | None:
        """Text of a file by sha256, or None: the incremental build's blob lookup."""
        try:
            return self.storage.blobs.get_text(digest)
        except (KeyError, StoreError):
            return None

    def lookup_key(self, key: str) -> str | None:
        """Text of a module by its key, or None: a module generated once is never
        generated again (a rollback regenerates nothing)."""
        found = self.storage.modules.lookup([key]).get(key)
        return self.lookup(found) if found else None

    # -- storing a revision's content (before its events: blobs are idempotent)

    def store_spec(self, spec: ProjectSpec) -> str:
        digest = self.storage.blobs.put(spec.canonical_json().encode("utf-8"))
        assert digest == spec.spec_hash()
        return digest

    def store_build(self, staged: Staged) -> str:
        """Store every file the build produced now and the manifest; returns the
        manifest's hash."""
        self.storage.blobs.put_many(file_bytes(text) for text in staged.generated.values())
        missing = self.storage.blobs.missing(e.sha256 for e in staged.manifest)
        if missing:
            self.storage.blobs.put_many(
                file_bytes(staged.texts[e.path]) for e in staged.manifest if e.sha256 in missing
            )
        self.storage.modules.record(list(staged.manifest))
        return self.storage.blobs.put(staged.manifest.to_json().encode("utf-8"))

    def store_texts(self, texts: Iterable[str]) -> None:
        self.storage.blobs.put_many(file_bytes(t) for t in texts)


def _os_reason(exc: OSError) -> str:
    """An OSError in words: ``Operation not permitted: 'backend'``."""
    if exc.strerror and exc.filename:
        return f"{exc.strerror}: {exc.filename!r}"
    return exc.strerror or str(exc)


def _empty_store_file(layout: ProjectLayout) -> bool:
    """Whether the project's store is a SQLite file of 0 bytes (an ``init`` killed before
    writing it, or a damaged copy)."""
    url = layout.store_url()
    if not url.startswith("sqlite:///"):
        return False
    path = layout.default_store if url == f"sqlite:///{layout.default_store}" else None
    if path is None:
        path = layout.root / url.removeprefix("sqlite:///")
    try:
        return path.is_file() and path.stat().st_size == 0
    except OSError:
        return False
