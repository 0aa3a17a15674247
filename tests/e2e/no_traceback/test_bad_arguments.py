"""Bad arguments to every command are one message and change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.no_traceback.harness import (
    NOTES,
    TODO,
    USAGE,
    result_problem,
    run,
    snapshot,
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("files")
    (directory / "empty.yaml").write_bytes(b"")
    (directory / "list.yaml").write_text("- 1\n- 2\n", encoding="utf-8")
    (directory / "text.json").write_text("hello", encoding="utf-8")
    (directory / "a-file").write_text("x\n", encoding="utf-8")
    (directory / "empty-dir").mkdir()
    (directory / "not-empty").mkdir()
    (directory / "not-empty" / "mine.txt").write_text("mine\n", encoding="utf-8")
    return directory


BAD: dict[str, tuple[tuple[str, ...], str]] = {
    # name: (arguments, what the message holds, or USAGE); {new} must not be created
    "init --from a directory": (("init", "{new}", "--from", "{files}/empty-dir"), USAGE),
    "init --from a missing file": (("init", "{new}", "--from", "{files}/nope.yaml"), USAGE),
    "init --from an empty file": (("init", "{new}", "--from", "{files}/empty.yaml"), "mapping"),
    "init --from a list": (("init", "{new}", "--from", "{files}/list.yaml"), "mapping"),
    "init without --from": (("init", "{new}"), USAGE),
    "init into a file": (("init", "{files}/a-file", "--from", "{todo}"), USAGE),
    "init --store unknown": (
        ("init", "{new}", "--from", "{todo}", "--store", "mysql://x@y/z"), "sqlite:///PATH"
    ),
    "init --store not a URL": (
        ("init", "{new}", "--from", "{todo}", "--store", "not a url"), "not a storage URL"
    ),
    "init --store no server": (
        ("init", "{new}", "--from", "{todo}", "--store", "postgresql://u:p@127.0.0.1:1/db"),
        "connection",
    ),
    "init --store not writable": (
        ("init", "{new}", "--from", "{todo}", "--store", "sqlite:////proc/autobe.db"),
        "writable",
    ),
    "import an empty directory": (("import", "{files}/empty-dir", "--to", "{new}"), "prisma.json"),
    "import a missing path": (("import", "{files}/nope", "--to", "{new}"), USAGE),
    "import a text file": (("import", "{files}/text.json", "--to", "{new}"), "not valid JSON"),
    "import a missing document": (
        ("import", "{files}/text.json", "{files}/nope.json", "--to", "{new}"), USAGE
    ),
    "import --to a file": (("import", "{notes}", "--to", "{files}/a-file"), USAGE),
    "import --name not a name": (
        ("import", "{notes}", "--to", "{new}", "--name", "bad name!"), "bad name!"
    ),
    "build --keep-mine --force": (("-C", "{project}", "build", "--keep-mine", "--force"), USAGE),
    "check --rung unknown": (("-C", "{project}", "check", "--rung", "lint"), USAGE),
    "graph --format unknown": (("-C", "{project}", "graph", "--format", "png"), USAGE),
    "graph -o a directory": (("-C", "{project}", "graph", "-o", "{files}/empty-dir"), USAGE),
    "graph -o in a missing directory": (
        ("-C", "{project}", "graph", "-o", "{tmp}/no/such/graph.dot"), "no such file"
    ),
    "spec --format unknown": (("-C", "{project}", "spec", "--format", "xml"), USAGE),
    "spec -r a revision to come": (("-C", "{project}", "spec", "-r", "99"), "1..2"),
    "access --format unknown": (("-C", "{project}", "access", "--format", "xml"), USAGE),
    "access -r a revision to come": (("-C", "{project}", "access", "-r", "99"), "1..2"),
    "status with an argument": (("-C", "{project}", "status", "extra"), USAGE),
    "change with nothing": (("-C", "{project}", "change"), USAGE),
    "change --edits a missing file": (
        ("-C", "{project}", "change", "--edits", "{files}/nope.yaml"), USAGE
    ),
    "change --edits a directory": (
        ("-C", "{project}", "change", "--edits", "{files}/empty-dir"), USAGE
    ),
    "change --edits an empty file": (
        ("-C", "{project}", "change", "--edits", "{files}/empty.yaml"), "mapping"
    ),
    "change --edits a list": (("-C", "{project}", "change", "--edits", "{files}/list.yaml"),
                              "mapping"),
    "change words and --edits": (
        ("-C", "{project}", "change", "add field x:int to items", "--edits", "{edits}"), USAGE
    ),
    "change --keep-mine --force": (
        ("-C", "{project}", "change", "--edits", "{edits}", "--keep-mine", "--force"), USAGE
    ),
    "change an empty request": (("-C", "{project}", "change", "", "--yes"), "empty"),
    "change gibberish": (("-C", "{project}", "change", "qwerty uiop", "--yes"), "qwerty uiop"),
    "log --unknown": (("-C", "{project}", "log", "--oneline"), USAGE),
    "show without a revision": (("-C", "{project}", "show"), USAGE),
    "show an unknown tag": (("-C", "{project}", "show", "nosuchtag"), "nosuchtag"),
    "diff to a revision to come": (("-C", "{project}", "diff", "1", "99"), "1..2"),
    "blame a path outside": (("-C", "{project}", "blame", "../etc/passwd"), "not a generated"),
    "blame an absolute path": (("-C", "{project}", "blame", "/etc/passwd"), "not a generated"),
    "rollback to the head": (("-C", "{project}", "rollback", "head"), "already the head"),
    "rollback to a revision to come": (("-C", "{project}", "rollback", "99"), "1..2"),
    "checkout --to a file": (("-C", "{project}", "checkout", "1", "--to", "{files}/a-file"),
                             USAGE),
    "checkout --to the workspace": (
        ("-C", "{project}", "checkout", "1", "--to", "{project}/backend"), "not empty"
    ),
    "checkout --to a full directory": (
        ("-C", "{project}", "checkout", "1", "--to", "{files}/not-empty"), "not empty"
    ),
    "checkout --to where nothing can be written": (
        ("-C", "{project}", "checkout", "1", "--to", "/proc/autobe-out"), "/proc/autobe-out"
    ),
    "tag a name taken": (("-C", "{project}", "tag", "v1"), "already names"),
    "tag an empty name": (("-C", "{project}", "tag", ""), "invalid tag name"),
    "tag a name with a space": (("-C", "{project}", "tag", "a b"), "invalid tag name"),
    "tag a number": (("-C", "{project}", "tag", "7"), "invalid tag name"),
    "tag a revision to come": (("-C", "{project}", "tag", "v9", "99"), "1..2"),
    "-C a file": (("-C", "{files}/a-file", "status"), USAGE),
    "-C a missing directory": (("-C", "{files}/nope", "status"), "no autobe project"),
    "an unknown command": (("frobnicate",), USAGE),
    "admin create --set without =": (
        ("-C", "{project}", "admin", "create", "--actor", "admin", "--email", "a@example.com",
         "--set", "nickname", "--password-stdin"), USAGE,
    ),
}


@pytest.fixture(scope="module")
def project(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bad-args") / "todo"
    shutil.copytree(base, target, symlinks=True)
    return target


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_argument_is_one_message_and_changes_nothing(
    project: Path, files: Path, tmp_path: Path, name: str
) -> None:
    args, expected = BAD[name]
    new = tmp_path / "new"
    edits = tmp_path / "effort.yaml"
    edits.write_text("edits:\n  - {op: addField, model: todo_items, field: "
                     "{name: effort, type: int, nullable: true}}\n", encoding="utf-8")
    values = {"new": new, "files": files, "todo": TODO, "notes": NOTES, "project": project,
              "tmp": tmp_path, "edits": edits}
    before = snapshot(project)
    result = run(*[a.format(**values) for a in args])
    wrong = result_problem(result, expected)
    assert wrong is None, wrong
    assert snapshot(project) == before
    assert not new.exists()
    assert sorted(p.name for p in (files / "not-empty").iterdir()) == ["mine.txt"]
    assert (files / "a-file").read_text(encoding="utf-8") == "x\n"
