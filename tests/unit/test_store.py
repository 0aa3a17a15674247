"""Storage on real databases (SQLite; PostgreSQL when AUTOBE_TEST_POSTGRES_URL is set): the
URL configuration, the content-addressed blob store and the module index."""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa

from autobe_core.build import ManifestEntry
from autobe_core.service.storage import Storage, destroy_storage, open_storage
from autobe_core.store import (
    BlobMissing,
    StorageConfigError,
    StoreError,
    StoreUnavailable,
    default_storage_url,
    parse_storage_url,
)
from tests.conftest import fresh_storage_url


def same_database(storage: Storage) -> sa.Engine:
    """A SQLAlchemy engine on the storage's database: the test looks at the tables
    with another client than the store's."""
    assert storage.config is not None
    return sa.create_engine(storage.config.sqlalchemy_url(), poolclass=sa.NullPool)


def blobs_table(storage: Storage) -> str:
    config = storage.config
    assert config is not None
    return f'"{config.schema}".autobe_blobs' if config.schema else "autobe_blobs"

# --------------------------------------------------------------------------- configuration


def test_sqlite_urls(tmp_path: Path) -> None:
    absolute = parse_storage_url(f"sqlite:///{tmp_path}/x.db")
    assert absolute.backend == "sqlite" and absolute.sqlite_path == tmp_path / "x.db"
    relative = parse_storage_url("sqlite:///state/x.db", base=tmp_path)
    assert relative.database == f"{tmp_path}/state/x.db"
    assert relative.eventsourcing_env() == {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{tmp_path}/state/x.db",
        "SQLITE_LOCK_TIMEOUT": "30"}
    assert relative.sqlalchemy_url().render_as_string() == f"sqlite:///{tmp_path}/state/x.db"
    assert default_storage_url(tmp_path) == f"sqlite:///{tmp_path.resolve()}/.autobe/autobe.db"
    for bad in ("sqlite://", "sqlite:///:memory:", "sqlite:///x.db?mode=ro"):
        with pytest.raises(StorageConfigError, match="must be a file path"):
            parse_storage_url(bad)


def test_postgres_urls() -> None:
    config = parse_storage_url("postgresql://ann:p%40ss@db.local:6543/proj?schema=team_a")
    assert config.eventsourcing_env() == {
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": "proj",
        "POSTGRES_HOST": "db.local", "POSTGRES_PORT": "6543", "POSTGRES_USER": "ann",
        "POSTGRES_PASSWORD": "p@ss", "POSTGRES_SCHEMA": "team_a"}
    url = config.sqlalchemy_url()
    assert (url.drivername, url.password, url.database) == ("postgresql+psycopg", "p@ss", "proj")
    assert config.redacted() == "postgresql://ann@db.local:6543/proj?schema=team_a"
    plain = parse_storage_url("postgres://u:p@h/d")
    assert (plain.port, plain.schema, plain.eventsourcing_env()["POSTGRES_SCHEMA"]) == \
        (5432, None, "public")
    assert parse_storage_url("postgresql+psycopg://u:p@h/d").backend == "postgresql"


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://u:p@h/d", "unsupported storage 'mysql'"),
    ("not a url", "not a storage URL"),
    ("postgresql://u:p@h/d?sslmode=require", "unsupported PostgreSQL URL parameters: sslmode"),
    ("postgresql://u:p@h/d?schema=Bad-Name", "invalid schema name 'Bad-Name'"),
    ("postgresql://u:p@h", "needs a host and a database"),
])
def test_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StorageConfigError, match=message):
        parse_storage_url(url)


# --------------------------------------------------------------------------- blobs


def test_blob_round_trip(storage_url: str) -> None:
    samples = [b"", b"\xff\xfe\x00\x80 not utf-8 \xc3\x28", os.urandom(4096),
               b"print('hello')\n" * 500]
    with open_storage(storage_url) as storage:
        blobs = storage.blobs
        digests = [blobs.put(data) for data in samples]
        assert digests == [hashlib.sha256(d).hexdigest() for d in samples]
        assert [blobs.get(d) for d in digests] == samples
        text = "línea 1\r\nzeile 2 ✓\n"
        digest = blobs.put_text(text)
        assert blobs.get_text(digest) == text and blobs.get(digest) == text.encode()
        with same_database(storage).connect() as conn:
            rows = conn.execute(
                sa.text(f"SELECT digest, encoding FROM {blobs_table(storage)}")).all()
        encodings = {digest: encoding for digest, encoding in rows}
        assert encodings[digests[3]] == "zlib" and encodings[digests[2]] == "raw"
    with open_storage(storage_url) as reopened:  # durable across connections
        assert reopened.blobs.get(digests[1]) == samples[1] and len(reopened.blobs) == 5


def test_put_is_idempotent_and_put_many_keeps_order(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        blobs = storage.blobs
        first = blobs.put(b"same")
        assert blobs.put(b"same") == first and blobs.put_text("same") == first
        assert len(blobs) == 1
        many = blobs.put_many([b"a", "b", b"a", bytearray(b"same"), memoryview(b"c")])
        assert many == [hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"a", b"same", b"c")]
        assert len(blobs) == 4
        with pytest.raises(TypeError, match="bytes or str, not int"):
            blobs.put_many([b"d", 5])  # type: ignore[list-item]
        assert len(blobs) == 4 and not blobs.has(hashlib.sha256(b"d").hexdigest())


def test_missing_digests(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        blobs = storage.blobs
        present = blobs.put(b"here")
        absent = hashlib.sha256(b"absent").hexdigest()
        assert blobs.has(present) and not blobs.has(absent)
        assert blobs.missing([present, absent, absent]) == {absent}
        many = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(1200)]
        assert blobs.missing([*many, present]) == set(many)
        with pytest.raises(BlobMissing, match=f"no blob with sha256 '{absent}'") as missing:
            blobs.get(absent)
        assert isinstance(missing.value, KeyError) and missing.value.hint


def test_corrupt_blob_is_detected(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        digest = storage.blobs.put(b"original")
        with same_database(storage).begin() as conn:
            conn.execute(sa.text(f"UPDATE {blobs_table(storage)} SET data = :data"),
                         {"data": b"tampered"})
        with pytest.raises(StoreError, match="is corrupt"):
            storage.blobs.get(digest)


# --------------------------------------------------------------------------- module index


def entry(path: str, text: str, key: str) -> ManifestEntry:
    return ManifestEntry(path, hashlib.sha256(text.encode()).hexdigest(), f"m:{path}", key)


def test_module_index(storage_url: str) -> None:
    files = [entry("app/a.py", "a", "k-a"), entry("app/b.py", "b", "k-b"),
             entry("README.md", "readme", "")]
    with open_storage(storage_url) as storage:
        index = storage.modules
        assert index.record(files) == 2
        assert index.record(files[:1]) == 0  # idempotent
        assert index.lookup(["k-a", "k-b", "k-none"]) == {"k-a": files[0].sha256,
                                                          "k-b": files[1].sha256}
        assert index.lookup_files(["k-b"]) == {"k-b": (files[1].sha256, "app/b.py")}
        with pytest.raises(StoreError, match="k-a already maps to file"):
            index.record([entry("app/a.py", "changed", "k-a"), entry("app/c.py", "c", "k-c")])
        assert index.lookup(["k-c"]) == {}  # nothing of a refused record is stored
        with pytest.raises(StoreError, match="two different files"):
            index.record([entry("x.py", "1", "k-x"), entry("x.py", "2", "k-x")])
        assert len(index.lookup(f"k{i}" for i in range(1500))) == 0


def test_tables_share_one_database(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        storage.history.create("demo")
        config = storage.config
        assert len(storage.blobs) == 0  # the blob tables are made on first use
        assert config is not None
        inspector = sa.inspect(same_database(storage))
        if config.backend == "sqlite":
            names = set(inspector.get_table_names())
            assert {"stored_events", "stored_snapshots", "autobe_blobs",
                    "autobe_modules"} <= names
        else:
            names = set(inspector.get_table_names(schema=config.schema))
            assert {"projecthistory_events", "projecthistory_snapshots", "autobe_blobs",
                    "autobe_modules"} <= names
            assert "autobe_blobs" not in inspector.get_table_names("public")
    destroy_storage(storage_url)
    with open_storage(storage_url) as fresh:
        assert not fresh.history.exists() and len(fresh.blobs) == 0


def test_destroy_refuses_a_postgres_url_without_schema() -> None:
    with pytest.raises(StorageConfigError, match="without \\?schema="):
        destroy_storage("postgresql://u:p@h/d")


# --------------------------------------------------------------------------- stores made before

OLD_METADATA = sa.MetaData()
OLD_BLOBS = sa.Table(
    "autobe_blobs", OLD_METADATA,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("encoding", sa.String(8), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)
OLD_MODULES = sa.Table(
    "autobe_modules", OLD_METADATA,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("path", sa.String(1024), nullable=False),
    sa.Column("module_id", sa.String(512), nullable=False, default=""),
)
"""The tables as the store defined them on SQLAlchemy (before it moved to DB-API)."""


def old_engine(url: str) -> sa.Engine:
    """An engine as the store made one: on PostgreSQL, the schema created and
    unqualified tables mapped into it."""
    config = parse_storage_url(url)
    engine = sa.create_engine(config.sqlalchemy_url(), poolclass=sa.NullPool)
    if config.schema:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{config.schema}"'))
        return engine.execution_options(schema_translate_map={None: config.schema})
    return engine


def columns(engine: sa.Engine, schema: str | None) -> dict[str, list[tuple[str, str, bool]]]:
    inspector = sa.inspect(engine)
    return {
        table: [(c["name"], str(c["type"]), bool(c["nullable"]))
                for c in inspector.get_columns(table, schema=schema)]
        + [("pk", ",".join(inspector.get_pk_constraint(table, schema=schema)
                           ["constrained_columns"]), False)]
        for table in ("autobe_blobs", "autobe_modules")
    }


def test_a_store_whose_tables_sqlalchemy_made_opens_and_reads_unchanged(
    storage_backend: str, tmp_path: Path
) -> None:
    text = b"print('made before')\n" * 40
    digest = hashlib.sha256(text).hexdigest()
    module = entry("app/old.py", "old", "k-old")
    with fresh_storage_url(storage_backend, tmp_path) as url:
        engine = old_engine(url)
        OLD_METADATA.create_all(engine)
        with engine.begin() as conn:
            conn.execute(OLD_BLOBS.insert(), [{"digest": digest, "size": len(text),
                                                "encoding": "zlib",
                                                "data": zlib.compress(text, 6)}])
            conn.execute(OLD_MODULES.insert(), [{"key": module.key, "sha256": module.sha256,
                                                  "path": module.path,
                                                  "module_id": module.module_id}])
        with open_storage(url) as storage:
            assert storage.blobs.get(digest) == text and len(storage.blobs) == 1
            assert storage.modules.lookup_files([module.key]) == {
                module.key: (module.sha256, module.path)}
            new = storage.blobs.put(b"new " * 30)
            assert storage.modules.record([module, entry("app/new.py", "new", "k-new")]) == 1
        with engine.connect() as conn:  # and the old code reads what the new one wrote
            stored = dict(conn.execute(sa.select(OLD_BLOBS.c.digest, OLD_BLOBS.c.data)).all())
            keys = set(conn.execute(sa.select(OLD_MODULES.c.key)).scalars())
        assert zlib.decompress(stored[new]) == b"new " * 30 and keys == {"k-old", "k-new"}
        schema = parse_storage_url(url).schema
        old_columns = columns(engine, schema)
        engine.dispose()
    with fresh_storage_url(storage_backend, tmp_path) as url, open_storage(url) as storage:
        assert len(storage.blobs) == 0  # the new code creates the tables
        assert storage.config is not None
        assert columns(same_database(storage), storage.config.schema) == old_columns


def test_the_blob_database_is_connected_on_first_use(storage_url: str) -> None:
    with open_storage(storage_url) as storage:
        storage.history.create("demo")
        assert storage.history.get().name == "demo"
        assert not storage.database.connected  # reading the history needs no blob
        digest = storage.blobs.put(b"x")
        assert storage.database.connected and storage.blobs.get(digest) == b"x"
    assert not storage.database.connected  # closed with the storage


# --------------------------------------------------------------------------- the storage boundary


def test_an_unreachable_postgres_server_is_one_store_error(tmp_path: Path) -> None:
    """psycopg's errors are translated once psycopg is loaded (opening the store loads
    it): a server that refuses the connection is a StoreUnavailable naming the store."""
    url = "postgresql://ann:secret@127.0.0.1:1/proj?schema=team_a"
    with pytest.raises(StoreUnavailable, match=re.escape("127.0.0.1:1/proj")) as refused:
        open_storage(url)
    assert "secret" not in str(refused.value)


def test_a_damaged_blob_table_is_one_store_error(tmp_path: Path) -> None:
    """sqlite3's errors from the blob database (here: a blob table of another shape) are
    StoreErrors naming the store, and the failed write stored nothing."""
    url = f"sqlite:///{tmp_path}/x.db"
    with open_storage(url) as storage:
        storage.history.create("demo")
        with sa.create_engine(storage.config.sqlalchemy_url()).begin() as conn:  # type: ignore[union-attr]
            conn.execute(sa.text("CREATE TABLE autobe_blobs (digest TEXT PRIMARY KEY)"))
            conn.execute(sa.text("CREATE TABLE autobe_modules (x TEXT)"))
        with pytest.raises(StoreError, match=re.escape(f"{tmp_path}/x.db")) as failed:
            storage.blobs.put(b"data")
        assert "no column named" in str(failed.value) or "has no column" in str(failed.value)
        assert len(storage.blobs) == 0
