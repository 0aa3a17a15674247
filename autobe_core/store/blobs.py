"""Content-addressed blobs and the module index, in the same database as the event store.

- :class:`BlobStore` keeps bytes under the sha256 of the (uncompressed) bytes: putting the
  same content twice stores it once. Content is zlib-compressed on disk when that makes it
  smaller, and checked against its digest when read.
- :class:`ModuleIndex` maps a module key (generator version + slice hash) to the sha256
  and path of the file that module generated. Same key, same file: a module generated
  once is found by key instead of regenerated, at any revision (rollback included).

Tables (``autobe_blobs``, ``autobe_modules``) are created on first use. On PostgreSQL the
engine may carry a ``schema_translate_map`` (see :mod:`autobe_core.service.storage`), so the
tables live in the configured schema.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError

from autobe_core.store.errors import StoreDamaged, StoreError, storage_errors

metadata = MetaData()

blobs_table = Table(
    "autobe_blobs",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("encoding", String(8), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

modules_table = Table(
    "autobe_modules",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("path", String(1024), nullable=False),
    Column("module_id", String(512), nullable=False, default=""),
)

CHUNK = 500
"""Digests / keys per IN (...) query."""


class BlobMissing(StoreError, KeyError):
    """No blob with the digest asked for. Also a :class:`KeyError` (a lookup by key that
    found nothing), which callers of :meth:`BlobStore.get` catch."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _insert_ignoring_duplicates(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (a row another writer just stored is fine)."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(postgresql.insert(table).on_conflict_do_nothing(), rows)
    elif dialect == "sqlite":
        conn.execute(sqlite.insert(table).on_conflict_do_nothing(), rows)
    else:  # pragma: no cover - only SQLite and PostgreSQL are configured
        conn.execute(table.insert(), rows)


def where(engine: Engine) -> tuple[str, Path | None]:
    """The store's URL for messages (no password) and, for SQLite, its file."""
    url = engine.url
    database = url.database or ""
    path = Path(database) if url.get_backend_name() == "sqlite" and database and \
        database != ":memory:" else None
    return url.render_as_string(hide_password=True), path


@contextmanager
def guarded(engine: Engine) -> Iterator[None]:
    """The storage boundary for ``engine``'s tables (see :mod:`autobe_core.store.errors`)."""
    location, path = where(engine)
    with storage_errors(location, path):
        yield


def create_tables(engine: Engine) -> None:
    """Create the autobe tables that do not exist yet (safe when two processes race)."""
    with guarded(engine):
        try:
            metadata.create_all(engine)
        except DatabaseError:
            metadata.create_all(engine)  # the other process created them first


class BlobStore:
    """Bytes by sha256, in the tables of ``engine``'s database."""

    def __init__(self, engine: Engine, *, compress: bool = True) -> None:
        self.engine = engine
        self.compress = compress
        create_tables(engine)

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
        with guarded(self.engine), self.engine.begin() as conn:
            present = self._present(conn, list(rows))
            _insert_ignoring_duplicates(
                conn, blobs_table, [r for d, r in rows.items() if d not in present]
            )
        return digests

    def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; :class:`BlobMissing` when there are none,
        :class:`StoreError` when they do not hash to it."""
        with guarded(self.engine), self.engine.connect() as conn:
            row = conn.execute(
                select(blobs_table.c.encoding, blobs_table.c.data)
                .where(blobs_table.c.digest == digest)
            ).first()
        if row is None:
            raise BlobMissing(f"no blob with sha256 {digest!r} in the blob store")
        try:
            data = zlib.decompress(row.data) if row.encoding == "zlib" else bytes(row.data)
        except zlib.error as exc:
            raise StoreDamaged(
                f"the project's store ({where(self.engine)[0]}) is damaged: blob "
                f"{digest[:12]} does not decompress ({exc})"
            ) from exc
        if sha256_hex(data) != digest:
            raise StoreDamaged(
                f"the project's store ({where(self.engine)[0]}) is damaged: blob "
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
        with guarded(self.engine), self.engine.connect() as conn:
            return set(wanted) - self._present(conn, wanted)

    def __len__(self) -> int:
        with guarded(self.engine), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(blobs_table)).scalar_one())

    @staticmethod
    def _present(conn: Connection, digests: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(digests):
            found.update(conn.execute(
                select(blobs_table.c.digest).where(blobs_table.c.digest.in_(chunk))
            ).scalars())
        return found


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

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(engine)

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
        with guarded(self.engine), self.engine.begin() as conn:
            known = self._lookup(conn, list(rows))
            for key, (sha, _path) in known.items():
                if sha != rows[key]["sha256"]:
                    raise StoreError(
                        f"module key {key} already maps to file {sha[:12]}, "
                        f"not {rows[key]['sha256'][:12]}",
                        "a generator produced different text for the same key; "
                        "its output must depend only on its slice and version",
                    )
            new = [row for key, row in rows.items() if key not in known]
            _insert_ignoring_duplicates(conn, modules_table, new)
        return len(new)

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        """key -> file sha256, for the recorded ones of ``keys``."""
        return {key: sha for key, (sha, _path) in self.lookup_files(keys).items()}

    def lookup_files(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """key -> (file sha256, path), for the recorded ones of ``keys``."""
        with guarded(self.engine), self.engine.connect() as conn:
            return self._lookup(conn, sorted(set(keys)))

    @staticmethod
    def _lookup(conn: Connection, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        t = modules_table
        for chunk in _chunks(keys):
            query = select(t.c.key, t.c.sha256, t.c.path).where(t.c.key.in_(chunk))
            for row in conn.execute(query):
                found[row.key] = (row.sha256, row.path)
        return found
