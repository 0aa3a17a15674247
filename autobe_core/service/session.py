"""A unit of work on one project: its storage opened, its content addressable by revision.

The history (events) says *which* spec, manifest and files a revision has, by hash; the
blob store holds them. This class joins the two so the use cases read "the spec at
revision 3" or "the text of this module key" without knowing about either. Where the
storage comes from is the caller's choice (:class:`~autobe_core.service.storage.StorageFactory`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import ExitStack
from types import TracebackType

from autobe_core.build import Manifest, Staged, file_bytes
from autobe_core.errors import AutobeError
from autobe_core.history import Project
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.locking import ProjectLock
from autobe_core.service.storage import Storage, StorageFactory
from autobe_core.spec.io import parse_spec
from autobe_core.spec.model import ProjectSpec
from autobe_core.store import StoreError


class ProjectSession:
    """Storage of one project, opened for reading or (with the write lock) for writing."""

    def __init__(
        self, layout: ProjectLayout, storages: StorageFactory, *, write: bool = False
    ) -> None:
        self.layout = layout
        self._resources = ExitStack()
        try:
            if write:
                self._resources.enter_context(ProjectLock(layout.lock_file))
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
        return self.storage.history.get()

    def save(self, project: Project) -> None:
        self.storage.history.save(project)

    # -- content by hash

    def spec_by_hash(self, digest: str) -> ProjectSpec:
        return parse_spec(json.loads(self._text(digest, "spec")))

    def manifest_by_hash(self, digest: str) -> Manifest:
        return Manifest.from_json(self._text(digest, "manifest"))

    def spec_at(self, project: Project, revision: int) -> ProjectSpec:
        return self.spec_by_hash(project.revision(revision).spec_hash)

    def manifest_at(self, project: Project, revision: int) -> Manifest:
        return self.manifest_by_hash(project.revision(revision).manifest_hash)

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
