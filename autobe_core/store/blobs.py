"""Content-addressed blobs and the module index, in the same database as the event store.

- :class:`BlobStore` keeps bytes under the sha256 of the (uncompressed) bytes: putting the
  same content twice stores it once. Content is zlib-compressed on disk when that makes it
  smaller, and checked against its digest when read.
- :class:`ModuleIndex` maps a module key (generator version + slice hash) to the sha256
  and path of the file that module generated. Same key, same file: a module generated
  once is found by key instead of regenerated, at any revision (rollback included).

Both live in the tables of a :class:`~autobe_core.store.database.Database` (the event
store's database), connected on first use.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from autobe_core.store.database import BLOBS, MODULES, Cursor, Database
from autobe_core.store.errors import StoreDamaged, StoreError


class BlobMissing(StoreError, KeyError):
    """No blob with the digest asked for. Also a :class:`KeyError` (a lookup by key that
    found nothing), which callers of :meth:`BlobStore.get` catch."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Bytes by sha256, in ``database``'s ``autobe_blobs`` table."""

    def __init__(self, database: Database, *, compress: bool = True) -> None:
        self.database = database
        self.compress = compress

    def _row(self, data: bytes) -> dict[str, Any]:
        digest = sha256_hex(data)
        encoding, stored = "raw", data
        if self.compress and len(data) > 64:
            packed = zlib.compress(data, 6)
            if len(packed) < len(data):
                encoding, stored = "zlib", packed
        return {"digest": digest, "size": len(data), "encoding": encoding, "data": stored}

    def put(self, data: bytes) -> str:
        """Store ``data``; its sha256 hex digest. Idempotent."""
        return self.put_many([data])[0]

    def put_text(self, text: str) -> str:
        """Store ``text`` as UTF-8 (exactly as given: no newline conversion)."""
        return self.put(text.encode("utf-8"))

    def put_many(self, items: Iterable[bytes | bytearray | memoryview | str]) -> list[str]:
        """Store every item (str as UTF-8) in one transaction; their digests in order."""
        rows: dict[str, dict[str, Any]] = {}
        digests: list[str] = []
        for item in items:
            if isinstance(item, str):
                data = item.encode("utf-8")
            elif isinstance(item, bytes | bytearray | memoryview):
                data = bytes(item)
            else:
                raise TypeError(f"a blob is bytes or str, not {type(item).__name__}")
            row = self._row(data)
            digests.append(row["digest"])
            rows.setdefault(row["digest"], row)
        with self.database.writing() as cursor:
            present = self._present(cursor, list(rows))
            self.database.insert_new(
                cursor, BLOBS, [r for d, r in rows.items() if d not in present]
            )
        return digests

    def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; :class:`BlobMissing` when there are none,
        :class:`StoreError` when they do not hash to it."""
        database = self.database
        with database.reading() as cursor:
            cursor.execute(f"SELECT encoding, data FROM {database.table(BLOBS)} "
                           f"WHERE digest = {database.dialect.param}", (digest,))
            row = cursor.fetchone()
        if row is None:
            raise BlobMissing(f"no blob with sha256 {digest!r} in the blob store")
        encoding, stored = row
        try:
            data = zlib.decompress(stored) if encoding == "zlib" else bytes(stored)
        except zlib.error as exc:
            raise StoreDamaged(
                f"the project's store ({database.location}) is damaged: blob "
                f"{digest[:12]} does not decompress ({exc})"
            ) from exc
        if sha256_hex(data) != digest:
            raise StoreDamaged(
                f"the project's store ({database.location}) is damaged: blob "
                f"{digest[:12]} is corrupt (its content has another sha256)"
            )
        return data

    def get_text(self, digest: str) -> str:
        return self.get(digest).decode("utf-8")

    def has(self, digest: str) -> bool:
        return not self.missing([digest])

    def missing(self, digests: Iterable[str]) -> set[str]:
        """Those of ``digests`` that are not stored."""
        wanted = sorted(set(digests))
        with self.database.reading() as cursor:
            return set(wanted) - self._present(cursor, wanted)

    def __len__(self) -> int:
        with self.database.reading() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.database.table(BLOBS)}")
            return int(cursor.fetchone()[0])

    def _present(self, cursor: Cursor, digests: Sequence[str]) -> set[str]:
        query = f"SELECT digest FROM {self.database.table(BLOBS)} WHERE digest IN ({{marks}})"
        return {digest for (digest,) in self.database.rows_in(cursor, query, digests)}


class ModuleFile(Protocol):
    """What the index records of a generated file (a ManifestEntry has all of it)."""

    @property
    def key(self) -> str: ...

    @property
    def sha256(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def module_id(self) -> str: ...


class ModuleIndex:
    """Module key -> (file sha256, path) of the file that module generated."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def record(self, entries: Iterable[ModuleFile]) -> int:
        """Record the files of ``entries`` (entries without a key are skipped); how many
        keys were new. A key already recorded with another sha256 is an error: the same
        key must always produce the same file."""
        rows: dict[str, dict[str, Any]] = {}
        for entry in entries:
            if not entry.key:
                continue
            row = {"key": entry.key, "sha256": entry.sha256, "path": entry.path,
                   "module_id": entry.module_id}
            if rows.setdefault(entry.key, row)["sha256"] != entry.sha256:
                raise StoreError(
                    f"module key {entry.key} given with two different files",
                    "a generator produced different text for the same key; "
                    "its output must depend only on its slice and version",
                )
        with self.database.writing() as cursor:
            known = self._lookup(cursor, list(rows))
            for key, (sha, _path) in known.items():
                if sha != rows[key]["sha256"]:
                    raise StoreError(
                        f"module key {key} already maps to file {sha[:12]}, "
                        f"not {rows[key]['sha256'][:12]}",
                        "a generator produced different text for the same key; "
                        "its output must depend only on its slice and version",
                    )
            new = [row for key, row in rows.items() if key not in known]
            self.database.insert_new(cursor, MODULES, new)
        return len(new)

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        """key -> file sha256, for the recorded ones of ``keys``."""
        return {key: sha for key, (sha, _path) in self.lookup_files(keys).items()}

    def lookup_files(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """key -> (file sha256, path), for the recorded ones of ``keys``."""
        with self.database.reading() as cursor:
            return self._lookup(cursor, sorted(set(keys)))

    def _lookup(self, cursor: Cursor, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        query = (f'SELECT "key", sha256, path FROM {self.database.table(MODULES)} '
                 'WHERE "key" IN ({marks})')
        return {key: (sha, path) for key, sha, path in self.database.rows_in(cursor, query, keys)}
