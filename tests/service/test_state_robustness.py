"""The project's own state under faults: real files, real SQLite, real processes.

What the user keeps and what the user is told when autobe's state (``.autobe/``) or the
disk under it is not what it should be:

- ``init`` / ``import`` into a directory whose ``backend/`` already holds the user's
  files at generated paths refuses and writes nothing (the files are listed);
- a killed ``init`` (kill -9 before, at or after its commit point) and a 0-byte database
  never leave a stuck project: ``status`` says what happened, ``init`` again works;
- a truncated, garbage or 0-byte database, a garbage ``config.json``, manifest or
  compressed blob, a missing blob, a non-empty checkout target: one message saying what
  is wrong and what to do, exit 1, nothing changed;
- a full disk (a real one: a small tmpfs) gives one message, nothing lost; mypy that
  crashes on it is reported as a crash with its own words, not as "0 errors";
- a ``backend/`` that cannot be replaced after the commit point: the message says the
  revision is recorded and how to bring the workspace up to date.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from autobe_core.service import PAUSE_ENV, STORE_URL_ENV
from tests.service.robustness_support import (
    TODO,
    autobe,
    cli_run,
    kill9,
    leftovers,
    spawn,
    tree,
    wait_paused,
)

ROOT = Path(__file__).resolve().parents[2]
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"
CHANGE = ("change", "add field flavor:string to todo_items", "--yes", "--no-verify")


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STORE_URL_ENV, raising=False)
    monkeypatch.delenv(PAUSE_ENV, raising=False)
    monkeypatch.setenv("AUTOBE_AUTHOR", "robustness")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A todo project at revision 1, built (copied by each test that changes it)."""
    project = tmp_path_factory.mktemp("built") / "todo"
    done = autobe("init", project, "--from", TODO)
    assert done.returncode == 0, done.stderr
    return project


def copy_of(project: Path, tmp_path: Path) -> Path:
    target = tmp_path / project.name
    shutil.copytree(project, target, symlinks=True)
    return target


def one_message(result: Result | subprocess.CompletedProcess[str], *words: str) -> str:
    """The command failed with exit 1 and one ``error:`` message holding ``words``."""
    if isinstance(result, Result):
        code, text = result.exit_code, result.output
    else:
        code, text = result.returncode, result.stdout + result.stderr
    assert code == 1, text
    assert "internal error" not in text and "Traceback" not in text, text
    assert text.count("error:") == 1, text
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} not in:\n{text}"
    return text


def database(project: Path) -> Path:
    return project / ".autobe" / "autobe.db"


def head(project: Path) -> int:
    """The head revision, as ``autobe log --json`` reports it."""
    result = cli_run("-C", project, "log", "--json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)[-1]["revision"])


# --------------------------------------------------------------------------- item 2


def test_init_refuses_user_files_at_generated_paths_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "backend" / "app").mkdir(parents=True)
    (project / "backend" / "app" / "main.py").write_text("# my own app\n", "utf-8")
    (project / "backend" / "pyproject.toml").write_text("[project]\nname='mine'\n", "utf-8")
    (project / "backend" / "NOTES.txt").write_text("not in the way\n", "utf-8")
    before = tree(project)

    text = one_message(
        cli_run("init", project, "--from", TODO),
        "app/main.py", "pyproject.toml", "nothing was written", "another directory",
    )
    assert "NOTES.txt" not in text
    assert tree(project) == before
    assert sorted(p.name for p in project.iterdir()) == ["backend"]


def test_import_refuses_user_files_at_generated_paths_and_writes_nothing(
    tmp_path: Path,
) -> None:
    project = tmp_path / "imported"
    (project / "backend" / "app").mkdir(parents=True)
    (project / "backend" / "app" / "main.py").write_text("# my own app\n", "utf-8")
    before = tree(project)

    one_message(
        cli_run("import", NOTES, "--to", project), "app/main.py", "nothing was written"
    )
    assert tree(project) == before
    assert sorted(p.name for p in project.iterdir()) == ["backend"]


def test_init_over_files_equal_to_the_generated_ones_is_no_conflict(
    built: Path, tmp_path: Path
) -> None:
    """The same bytes at a generated path lose nothing: init takes them."""
    project = tmp_path / "again"
    (project / "backend" / "app").mkdir(parents=True)
    shutil.copy(built / "backend" / "app" / "main.py", project / "backend" / "app" / "main.py")
    assert cli_run("init", project, "--from", TODO).exit_code == 0


# --------------------------------------------------------------------------- item 5


@pytest.mark.parametrize("step", ["planned", "storing"])
def test_init_killed_before_its_commit_point_can_be_run_again(tmp_path: Path, step: str) -> None:
    project = tmp_path / "p"
    proc = spawn("init", project, "--from", TODO, pause=f"{step}:60")
    wait_paused(proc, step)
    kill9(proc, project)

    one_message(cli_run("-C", project, "status"), "init", "no recorded revision")
    again = cli_run("init", project, "--from", TODO)
    assert again.exit_code == 0, again.output
    assert "incomplete" in again.output
    assert head(project) == 1
    assert cli_run("-C", project, "status").exit_code == 0
    assert not leftovers(project)


def test_init_killed_after_its_commit_point_is_a_project(tmp_path: Path) -> None:
    project = tmp_path / "p"
    proc = spawn("init", project, "--from", TODO, pause="committing:60")
    wait_paused(proc, "committing")
    kill9(proc, project)

    assert head(project) == 1
    one_message(cli_run("init", project, "--from", TODO), "already holds an autobe project")
    assert cli_run("-C", project, "build").exit_code == 0
    status = cli_run("-C", project, "status")
    assert status.exit_code == 0 and "holds the head revision" in status.output


def test_a_zero_byte_database_is_explained_and_init_starts_over(
    built: Path, tmp_path: Path
) -> None:
    project = copy_of(built, tmp_path)
    database(project).write_bytes(b"")
    workspace = tree(project / "backend")

    for command in (("status",), ("log",), ("build",)):
        one_message(cli_run("-C", project, *command), "no recorded revision", "autobe init")
    assert tree(project / "backend") == workspace

    again = cli_run("init", project, "--from", TODO)
    assert again.exit_code == 0, again.output
    assert head(project) == 1
    assert tree(project / "backend") == workspace


# --------------------------------------------------------------------------- item 9: state


def _truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(8192)


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 400)


@pytest.mark.parametrize("damage", [_truncate, _garbage], ids=["truncated", "garbage"])
def test_a_damaged_database_is_one_message_and_is_left_as_it_is(
    built: Path, tmp_path: Path, damage: object
) -> None:
    project = copy_of(built, tmp_path)
    assert callable(damage)
    damage(database(project))
    stored = database(project).read_bytes()
    workspace = tree(project / "backend")

    for command in (("status",), ("log",), ("spec",), ("build",), CHANGE):
        one_message(cli_run("-C", project, *command), "damaged", "backup")
    one_message(cli_run("init", project, "--from", TODO), "damaged")
    assert database(project).read_bytes() == stored
    assert tree(project / "backend") == workspace


def test_a_garbage_config_is_one_message(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path)
    (project / ".autobe" / "config.json").write_text('{"store": ', "utf-8")
    for command in (("status",), ("log",), CHANGE):
        one_message(cli_run("-C", project, *command), "config.json", "not valid JSON")
    one_message(cli_run("init", project, "--from", TODO), "config.json")
    (project / ".autobe" / "config.json").write_text('["sqlite:///x.db"]', "utf-8")
    one_message(cli_run("-C", project, "status"), "config.json")


def test_a_garbage_manifest_is_one_message(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path)
    (project / "backend" / ".autobe-manifest.json").write_text("{not json", "utf-8")
    for command in (("status",), ("build",), ("check",)):
        one_message(cli_run("-C", project, *command), ".autobe-manifest.json")


def _blobs(project: Path, sql: str) -> None:
    with contextlib.closing(sqlite3.connect(database(project))) as conn, conn:
        conn.execute(sql)


def test_a_garbage_compressed_blob_is_one_message(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path)
    _blobs(project, "UPDATE autobe_blobs SET data = x'00112233445566' WHERE encoding = 'zlib'")
    for command in (("spec",), ("checkout", "1", "--to", tmp_path / "out"), ("diff", "1")):
        one_message(cli_run("-C", project, *command), "damaged", "backup")
    assert not (tmp_path / "out").exists()


def test_a_missing_blob_on_checkout_names_the_file(built: Path, tmp_path: Path) -> None:
    project = copy_of(built, tmp_path)
    _blobs(
        project,
        "DELETE FROM autobe_blobs WHERE digest = (SELECT sha256 FROM autobe_modules "
        "WHERE path = 'app/main.py')",
    )
    one_message(
        cli_run("-C", project, "checkout", "1", "--to", tmp_path / "out"),
        "app/main.py", "missing", "backup",
    )
    assert not (tmp_path / "out").exists()


def test_checkout_into_a_non_empty_directory_is_one_message(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "mine.txt").write_text("mine\n", "utf-8")
    one_message(
        cli_run("-C", built, "checkout", "1", "--to", target), "not empty", "empty directory"
    )
    assert tree(target) == {"mine.txt": b"mine\n"}


# --------------------------------------------------------------------------- full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real small filesystem (tmpfs, 24 MiB) that a test can fill: writes there fail
    with ENOSPC as on a full disk. Needs root (CI and this machine run as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real full disk needs root to mount a small tmpfs")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to its last byte; the filler file (remove it to free the disk)."""
    filler = disk / f"filler-{uuid.uuid4().hex}"
    with filler.open("wb", buffering=0) as handle:
        for chunk in (b"\0" * 65536, b"\0"):
            with contextlib.suppress(OSError):
                while handle.write(chunk):
                    pass
    return filler


def test_a_full_disk_is_one_message_and_loses_nothing(small_disk: Path) -> None:
    project = small_disk / "todo"
    assert autobe("init", project, "--from", TODO).returncode == 0
    filler = fill(small_disk)
    stored = database(project).read_bytes()
    workspace = tree(project / "backend")

    for command in (("status",), ("log",), CHANGE):
        one_message(autobe("-C", project, *command), "disk", "full", "free")
    assert database(project).read_bytes() == stored
    assert tree(project / "backend") == workspace

    filler.unlink()
    assert autobe("-C", project, *CHANGE).returncode == 0
    assert head(project) == 2


def test_mypy_crashing_on_a_full_disk_is_reported_as_a_crash(
    built: Path, tmp_path: Path, small_disk: Path
) -> None:
    """Only mypy's cache is on the full disk (the store is fine): mypy crashes writing
    it, and ``check`` says so in mypy's words instead of "0 errors in 0 files"."""
    project = copy_of(built, tmp_path)
    cache = project / ".autobe" / "mypy_cache"
    shutil.rmtree(cache, ignore_errors=True)
    (small_disk / "mypy_cache").mkdir()
    cache.symlink_to(small_disk / "mypy_cache")
    filler = fill(small_disk)
    checked = autobe("-C", project, "check", "--rung", "compile", "--rung", "mypy")
    filler.unlink()
    assert checked.returncode == 1
    text = checked.stdout + checked.stderr
    assert "0 errors in 0 files" not in text, text
    assert "mypy could not run" in text, text
    # mypy's own words for it (its cache is SQLite or files, depending on the version)
    assert "disk is full" in text or "No space left on device" in text, text


def test_init_on_a_full_disk_is_one_message_and_can_be_run_again(small_disk: Path) -> None:
    project = small_disk / "todo"
    filler = fill(small_disk)
    one_message(autobe("init", project, "--from", TODO), "full", "free")
    assert not (project / ".autobe").exists()
    assert not (project / "backend").exists()
    filler.unlink()
    assert autobe("init", project, "--from", TODO).returncode == 0
    assert head(project) == 1


# --------------------------------------------------------------------------- read-only backend


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """``chattr +i``: not even root may rename or change ``path`` (a real read-only
    directory, also for root, who ignores permission bits)."""
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot make {path} immutable here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_backend_that_cannot_be_replaced_after_the_commit_point_says_the_revision_is_recorded(
    built: Path, tmp_path: Path
) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    project = copy_of(built, tmp_path)
    with immutable(project / "backend"):
        changed = autobe("-C", project, *CHANGE)
        one_message(changed, "revision 2 is recorded", "autobe build")
    assert head(project) == 2
    assert not leftovers(project)
    assert autobe("-C", project, "build").returncode == 0
    status = cli_run("-C", project, "status")
    assert "holds the head revision" in status.output, status.output


def test_init_into_a_backend_that_cannot_be_replaced_says_revision_1_is_recorded(
    tmp_path: Path,
) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    project = tmp_path / "p"
    (project / "backend").mkdir(parents=True)
    with immutable(project / "backend"):
        one_message(autobe("init", project, "--from", TODO),
                    "revision 1 is recorded", "autobe build")
    assert head(project) == 1
    assert autobe("-C", project, "build").returncode == 0
