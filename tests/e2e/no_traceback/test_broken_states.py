"""Every command in every broken state (and while another process holds the project) is one
message or works, and changes nothing; the table names every command."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autobe_cli.main import cli
from tests.e2e.no_traceback.harness import (
    COMMANDS,
    DB,
    EMPTY_DATABASE,
    EXISTS,
    NEEDS_MODEL,
    NO_MODEL,
    NO_PROJECT,
    READ_ONLY,
    SERVE_REFUSES,
    STATES,
    VERIFIER,
    Paths,
    State,
    attempt,
    fresh,
    held,
    leaf_commands,
    snapshot,
)


def test_the_table_names_every_command() -> None:
    """A new command needs a row in COMMANDS (and so runs over every broken state)."""
    assert sorted(leaf_commands(cli)) == sorted(COMMANDS)


def check_state(base: Path, paths: Paths, name: str, state: State) -> list[str]:
    """Every command in the broken state; what went wrong (empty: nothing)."""
    found = []
    for command, args in COMMANDS.items():
        fresh(base, paths)
        state.setup(paths.project)
        before = snapshot(paths.project)
        expected = state.messages.get(command, state.message)
        if command in EMPTY_DATABASE and state.works >= DB:
            expected = SERVE_REFUSES  # the project is fine: the empty database is not
        if command in NEEDS_MODEL and expected != NO_PROJECT:
            expected = NO_MODEL  # checked once the project is found, before it is opened
        code, wrong = attempt(command, paths.fill(args), expected)
        works = command in state.works or (command in VERIFIER and expected != NO_PROJECT)
        if works and command not in NEEDS_MODEL:
            if code != 0:
                found.append(f"[{name}] {command}: expected to work, exit {code}: {wrong}")
            continue
        after = snapshot(paths.project)
        if state.changes_store:
            before.pop(".autobe/autobe.db", None)
            after.pop(".autobe/autobe.db", None)
        if wrong is None and after != before:
            changed = sorted(k for k in {*before, *after} if before.get(k) != after.get(k))
            wrong = f"failed, but changed {changed[:5]}"
        if wrong is None and (paths.tmp / "out").exists():
            wrong = "failed, but wrote the checkout target"
        if wrong:
            found.append(f"[{name}] {command}: {wrong}")
    return found


@pytest.mark.parametrize("name", sorted(STATES))
def test_every_command_in_a_broken_state_is_one_message(
    base: Path, paths: Paths, name: str
) -> None:
    found = check_state(base, paths, name, STATES[name])
    assert not found, "\n\n".join(found)


def test_every_command_while_another_process_holds_the_project(
    base: Path, paths: Paths
) -> None:
    """Writers say the project is busy; readers work; nothing changes."""
    fresh(base, paths)
    found = []
    with held(paths.project):
        for command, args in COMMANDS.items():
            before = snapshot(paths.project)
            expected = EXISTS.get(command, "another autobe process")
            if command in EMPTY_DATABASE:
                expected = SERVE_REFUSES
            if command in NEEDS_MODEL:
                expected = NO_MODEL
            code, wrong = attempt(command, paths.fill(args), expected)
            if command in READ_ONLY | VERIFIER | {"check"}:
                if code != 0:
                    found.append(f"{command}: expected to work, exit {code}: {wrong}")
                shutil.rmtree(paths.tmp / "out", ignore_errors=True)
                continue
            if wrong is None and snapshot(paths.project) != before:
                wrong = "failed, but changed the project"
            if wrong:
                found.append(f"{command}: {wrong}")
    assert not found, "\n\n".join(found)
