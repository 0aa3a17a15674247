"""Storage on real databases (SQLite; PostgreSQL when AUTOBE_TEST_POSTGRES_URL is set): the
URL configuration, the content-addressed blob store and the module index."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, update

from autobe_core.build import ManifestEntry
from autobe_core.service.storage import destroy_storage, open_storage
from autobe_core.store import (
    BlobMissing,
    StorageConfigError,
    StoreError,
    default_storage_url,
    parse_storage_url,
)
from autobe_core.store.blobs import blobs_table

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
        with storage.engine.connect() as conn:
            rows = conn.execute(select(blobs_table.c.digest, blobs_table.c.encoding)).all()
        encodings = dict(rows)
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
        with storage.engine.begin() as conn:
            conn.execute(update(blobs_table).values(data=b"tampered"))
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
        if config.backend == "sqlite":
            names = set(inspect(storage.engine).get_table_names())
            assert {"stored_events", "stored_snapshots", "autobe_blobs",
                    "autobe_modules"} <= names
        else:
            names = set(inspect(storage.engine).get_table_names(schema=config.schema))
            assert {"projecthistory_events", "projecthistory_snapshots", "autobe_blobs",
                    "autobe_modules"} <= names
            assert "autobe_blobs" not in inspect(storage.engine).get_table_names("public")
    destroy_storage(storage_url)
    with open_storage(storage_url) as fresh:
        assert not fresh.history.exists() and len(fresh.blobs) == 0


def test_destroy_refuses_a_postgres_url_without_schema() -> None:
    with pytest.raises(StorageConfigError, match="without \\?schema="):
        destroy_storage("postgresql://u:p@h/d")
