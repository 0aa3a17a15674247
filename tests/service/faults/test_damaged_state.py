"""Each persistent artefact damaged in turn (the database, the config, the manifest, blobs,
the lock): every command is one message or works, and nothing of the user's is lost."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from autobe_core.build import MANIFEST_NAME
from tests.service.faults.harness import (
    CHANGE,
    Lab,
    assert_user_files,
    checkout,
    fill_in,
    generated_part,
    head_of,
    result_ok,
    run,
)
from tests.service.robustness_support import ITEMS_DTO, tree


def _sql(project: Path, statement: str) -> None:
    with contextlib.closing(sqlite3.connect(project / ".autobe" / "autobe.db")) as conn, conn:
        conn.execute(statement)


def _write(rel: str, data: bytes) -> Callable[[Path], None]:
    def damage(project: Path) -> None:
        (project / rel).write_bytes(data)

    return damage


def _truncate(rel: str, size: int) -> Callable[[Path], None]:
    def damage(project: Path) -> None:
        with (project / rel).open("r+b") as handle:
            handle.truncate(size)

    return damage


def _remove(rel: str) -> Callable[[Path], None]:
    return lambda project: (project / rel).unlink()


def _zero_header(project: Path) -> None:
    with (project / DB).open("r+b") as handle:
        handle.write(b"\0" * 100)


def _directory(rel: str) -> Callable[[Path], None]:
    def damage(project: Path) -> None:
        (project / rel).unlink(missing_ok=True)
        (project / rel).mkdir()

    return damage


def _manifest_entry(field_name: str, value: str) -> Callable[[Path], None]:
    """A manifest that parses but lies: the entry of the file every change of todo_items
    rewrites gets ``field_name`` = ``value``."""

    def damage(project: Path) -> None:
        path = project / "backend" / MANIFEST_NAME
        data = json.loads(path.read_text(encoding="utf-8"))
        (entry,) = [e for e in data["entries"] if e["path"] == ITEMS_DTO]
        entry[field_name] = value
        path.write_text(json.dumps(data), encoding="utf-8")

    return damage


DB = ".autobe/autobe.db"
CONFIG = ".autobe/config.json"
MANIFEST = f"backend/{MANIFEST_NAME}"
GARBAGE = bytes(range(256)) * 64

DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (damage, the artefact to restore from a backup afterwards)
    "database garbage": (_write(DB, GARBAGE), DB),
    "database truncated": (_truncate(DB, 8192), DB),
    "database 0 bytes": (_write(DB, b""), DB),
    "database header zeroed": (_zero_header, DB),
    "database missing": (_remove(DB), DB),
    "config garbage": (_write(CONFIG, b'{"store": '), CONFIG),
    "config a list": (_write(CONFIG, b'["sqlite:///x.db"]'), CONFIG),
    "config unknown store": (_write(CONFIG, b'{"store": "mysql://nobody@localhost/x"}'), CONFIG),
    "config binary": (_write(CONFIG, b"\xff\xfe\x00garbage"), CONFIG),
    "config missing": (_remove(CONFIG), CONFIG),
    "manifest garbage": (_write(MANIFEST, b"{not json"), MANIFEST),
    "manifest truncated": (_truncate(MANIFEST, 100), MANIFEST),
    "manifest missing": (_remove(MANIFEST), MANIFEST),
    "manifest a path outside": (_manifest_entry("path", "../../escaped.py"), MANIFEST),
    "manifest a wrong sha256": (_manifest_entry("sha256", "0" * 64), MANIFEST),
    "blobs garbage zlib": (
        lambda p: _sql(p, "UPDATE autobe_blobs SET data = x'0011223344' WHERE encoding = 'zlib'"),
        DB,
    ),
    "blob of app/main.py missing": (
        lambda p: _sql(
            p, "DELETE FROM autobe_blobs WHERE digest IN "
            "(SELECT sha256 FROM autobe_modules WHERE path = 'app/main.py')",
        ),
        DB,
    ),
    "blobs swapped": (
        lambda p: _sql(p, "UPDATE autobe_blobs SET data = (SELECT data FROM autobe_blobs "
                          "WHERE encoding = 'raw' LIMIT 1) WHERE encoding = 'raw'"),
        DB,
    ),
    "lock a directory": (_directory(".autobe/lock"), ".autobe/lock"),
    "last check garbage": (_write(".autobe/last-check.json", GARBAGE), ".autobe/last-check.json"),
}
QUICK_DAMAGES = {
    "database garbage", "config garbage", "manifest missing", "manifest a path outside",
    "blob of app/main.py missing",
}
COMMANDS_ON_DAMAGE: list[tuple[str, ...]] = [
    ("status",), ("log",), ("spec",), ("diff", "1"), ("checkout", "1", "--to", "{out}"),
    ("build",), (*CHANGE[2:],), ("rollback", "1"), ("tag", "v9"),
]


def _damages() -> list[object]:
    return [
        pytest.param(name, id=name, marks=() if name in QUICK_DAMAGES else pytest.mark.slow)
        for name in DAMAGES
    ]


@pytest.mark.parametrize("damage", _damages())
def test_damaged_state_is_one_message_and_loses_nothing(
    lab: Lab, tmp_path: Path, damage: str
) -> None:
    """Every command over a damaged artefact works or says what is wrong in one message;
    none of them makes it worse or loses a user's file; restoring the artefact from a
    backup (what the messages advise) gives back a working project."""
    work = lab.copy("r2", tmp_path / "w")
    project = work / "todo"
    harm, artefact = DAMAGES[damage]
    backup = tmp_path / "backup"
    if (project / artefact).exists():
        shutil.copy2(project / artefact, backup)
    harm(project)
    damaged = (project / artefact).read_bytes() if (project / artefact).is_file() else None

    landed = tagged = 0
    for command in COMMANDS_ON_DAMAGE:
        before = tree(project / "backend")
        result = run("-C", project, *fill_in(command, work, lab.edits))
        what = f"{damage}: {' '.join(command)}"
        worked = result_ok(result, what)
        landed += worked and command[0] in ("change", "rollback")
        tagged += worked and command[0] == "tag"  # records an event: a write by design
        after = tree(project / "backend")
        if not worked:
            assert after == before, f"{what} failed and changed the workspace"
        elif after != before:  # it wrote the head's files, the user's kept
            assert_user_files(after, what)
            with contextlib.suppress(AssertionError):  # when a checkout is possible at all
                head = tree(checkout(project, "head", tmp_path / f"head-{landed}"))
                assert generated_part(after) == generated_part(head), what
        shutil.rmtree(work / "out", ignore_errors=True)
    assert not (work.parent / "escaped.py").exists() and not (tmp_path / "escaped.py").exists()
    store_written = tagged and artefact == DB
    if not landed and not store_written and damaged is not None and (project / artefact).is_file():
        assert (project / artefact).read_bytes() == damaged, f"{damage}: rewritten"

    if not landed:  # restore the artefact as the messages advise: everything works again
        if (project / artefact).is_dir():
            (project / artefact).rmdir()
        if backup.exists():
            for suffix in ("-wal", "-shm"):
                (project / (artefact + suffix)).unlink(missing_ok=True)
            shutil.copy2(backup, project / artefact)
        assert head_of(project) == 2
        done = run("-C", project, *fill_in(CHANGE[2:], work, lab.edits))
        assert done.exit_code == 0, done.output
    if head_of(project) > 2:
        assert run("-C", project, "build").exit_code == 0
    status = run("-C", project, "status")
    assert status.exit_code == 0 and "holds the head revision" in status.output, status.output
    assert_user_files(tree(project / "backend"), damage)
