"""Commands at the same time, and the history flow on every store, end to end (real
``autobe`` processes, real databases):

- two ``autobe change`` processes at once: one lands, the other says "conflict", no
  event is lost (one project directory: the write lock; two directories sharing a store:
  the event store's optimistic concurrency); many commands opening one store at once;
- the history flow (change, rollback, checkout, log) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.service.robustness_support import (
    UNTOUCHED,
    add_field,
    assert_matches_head,
    assert_status_ok,
    autobe,
    checkout_tree,
    clear_ambient,
    cli_run,
    edit,
    head,
    history,
    init_project,
    leftovers,
    service,
    spawn,
    tree,
)
from tests.trees import app_part, migration_files


@pytest.fixture(autouse=True)
def _no_ambient_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_ambient(monkeypatch)


# --------------------------------------------------------------------------- 4. concurrency


def race(
    project: Path, first: Path, second: Path, pause: str | None
) -> list[subprocess.CompletedProcess[str]]:
    """Start two ``autobe change`` processes together and wait for both."""
    procs = [
        spawn("-C", project, "change", "--no-verify", "--edits", edits, pause=pause)
        for edits in (first, second)
    ]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return done


def test_two_changes_at_once_one_lands_the_other_conflicts(tmp_path: Path) -> None:
    project = init_project(tmp_path)
    mine = edit(project, UNTOUCHED, "# mine\n")
    for round_ in range(3):
        before = head(project)
        a = add_field(tmp_path, "todo_items", f"a{round_}")
        b = add_field(tmp_path, "todo_lists", f"b{round_}")
        # The winner holds the project for two seconds, so the two surely overlap.
        results = race(project, a, b, pause="planned:2")
        codes = sorted(r.returncode for r in results)
        assert codes[0] == 0 and codes[1] != 0, [r.stderr for r in results]
        loser = next(r for r in results if r.returncode != 0)
        assert "conflict" in loser.stderr.lower(), loser.stderr
        assert "Traceback" not in loser.stderr
        entries = history(project)
        assert len(entries) == before + 1
        winner = 0 if results[0].returncode == 0 else 1
        assert entries[-1]["request"] == f"edits from {(a, b)[winner].name}"
        assert_matches_head(project, tmp_path / f"race-{round_}", {UNTOUCHED: mine})
    assert service(project).rejections() == []


def test_two_changes_started_together_never_lose_an_event(tmp_path: Path) -> None:
    """Without a pause either may finish before the other starts: whatever happens,
    every success is one revision, every failure a conflict, and nothing is lost."""
    project = init_project(tmp_path)
    for round_ in range(3):
        before = head(project)
        a = add_field(tmp_path, "todo_items", f"a{round_}")
        b = add_field(tmp_path, "todo_lists", f"b{round_}")
        results = race(project, a, b, pause=None)
        landed = [r for r in results if r.returncode == 0]
        for r in results:
            assert r.returncode == 0 or "conflict" in r.stderr.lower(), r.stderr
        assert landed
        entries = history(project)
        assert len(entries) == before + len(landed)
        assert_matches_head(project, tmp_path / f"race-{round_}")


def test_two_directories_sharing_a_store_one_lands_the_other_conflicts(
    tmp_path: Path, storage_url: str
) -> None:
    """Two checkouts of one project (two machines sharing a database): the write lock
    does not see across them, the event store's optimistic concurrency does."""
    url = storage_url
    first = init_project(tmp_path, "first", store=url)
    second = tmp_path / "second"
    (second / ".autobe").mkdir(parents=True)
    (second / ".autobe" / "config.json").write_text(json.dumps({"store": url}), "utf-8")
    assert cli_run("-C", second, "build").exit_code == 0
    assert tree(second / "backend") == tree(first / "backend")
    r1 = tree(first / "backend")

    a = add_field(tmp_path, "todo_items", "from_first")
    b = add_field(tmp_path, "todo_lists", "from_second")
    # Both plan against revision 1 and meet at the commit point.
    procs = [
        spawn("-C", directory, "change", "--no-verify", "--edits", edits, pause="storing:2")
        for directory, edits in ((first, a), (second, b))
    ]
    results = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    assert sorted(codes)[0] == 0 and sorted(codes)[1] != 0, results
    won = codes.index(0)
    winner, loser = (first, second)[won], (first, second)[1 - won]
    assert "conflict" in results[1 - won][1].lower(), results[1 - won]
    assert "Traceback" not in results[1 - won][1]

    entries = history(first)
    assert len(entries) == 2 and history(second) == entries
    assert entries[-1]["request"] == f"edits from {(a, b)[won].name}"
    assert_matches_head(winner, tmp_path / "winner")
    assert tree(loser / "backend") == r1
    assert leftovers(loser) == []
    # The loser's next command brings it up to the head.
    assert cli_run("-C", loser, "build").exit_code == 0
    assert_matches_head(loser, tmp_path / "loser")


def test_many_commands_opening_one_store_at_once(tmp_path: Path, storage_url: str) -> None:
    """Opening a store creates (or checks) its tables; on PostgreSQL the event store's
    DDL raced ("tuple concurrently updated") until opening took an advisory lock."""
    project = init_project(tmp_path, store=storage_url)
    commands = [("status",), ("log", "--json"), ("spec",), ("show", "1")] * 2
    procs = [spawn("-C", project, *command) for command in commands]
    for command, proc in zip(commands, procs, strict=True):
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, (command, err)
        assert "Traceback" not in err
    assert head(project) == 1


# --------------------------------------------------------------------------- 5. any store


def test_change_rollback_checkout_log_on_any_store(tmp_path: Path, storage_url: str) -> None:
    project = init_project(tmp_path, store=storage_url)
    assert not (project / ".autobe" / "autobe.db").exists()  # the store is where the URL says
    r1 = tree(project / "backend")

    result = autobe(
        "-C",
        project,
        "change",
        "--no-verify",
        "--edits",
        add_field(tmp_path, "todo_items", "rollback_probe"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    r2 = tree(project / "backend")
    assert r2 != r1 and b"rollback_probe" in r2["app/models/todo_items.py"]

    result = autobe("-C", project, "rollback", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "revision 3 (rollback to r1)" in result.stdout

    entries = history(project)
    assert [(e["revision"], e["rolledBackTo"]) for e in entries] == [(1, None), (2, None), (3, 1)]
    assert entries[2]["regenerated"] == 1  # only its own migration, forward to r1's schema
    assert checkout_tree(project, "1", tmp_path / "co1") == r1
    assert checkout_tree(project, "2", tmp_path / "co2") == r2
    head = checkout_tree(project, "head", tmp_path / "co3")
    assert app_part(head) == app_part(r1)
    assert migration_files(head) == [f"migrations/versions/r000{n}.py" for n in (1, 2, 3)]
    assert tree(project / "backend") == head
    assert cli_run("-C", project, "spec", "-r", "1").stdout == cli_run("-C", project, "spec").stdout
    assert_status_ok(project, [])
