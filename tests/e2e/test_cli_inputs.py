"""The command line over bad input: one clear message, a non-zero exit, nothing changed.

Every case runs a real command (click's runner, a real project on SQLite, real files) with
input a careless or hostile user could give: binary, deeply nested, endless or
lone-surrogate files, empty changes, junk names, references that are no revision, reserved
tag names, unknown paths, an LLM endpoint that does not answer JSON. Each must exit
non-zero with exactly one ``error:`` message on standard error and no traceback, and leave
the head revision and every byte of the workspace as they were. The rest checks what the
commands print: what the user or a model wrote reaches the terminal escaped, and the plan
says "dry run" only on a dry run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from tests.fake_openai import FakeOpenAI, raw_reply, tool_call_reply

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
DEEP = 5000
ESTIMATE = "add a nullable field estimate:int to items"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def tree_digest(directory: Path) -> dict[str, str]:
    """Every file under ``directory``: relative path -> sha256 of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".mypy_cache" not in p.parts
    }


def head(project: Path) -> int:
    result = run("-C", project, "log", "--json")
    assert result.exit_code == 0, result.output
    return len(json.loads(result.stdout))


def assert_one_clear_error(result: Result) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error:"), result.stderr  # the message comes first
    assert not [line for line in lines if line.startswith(("Error:", "Usage:"))], result.stderr
    result.stderr.encode("utf-8")


# --------------------------------------------------------------------------- bad files


def todo_with(mutate: Callable[[dict[str, object]], None]) -> str:
    data = yaml.safe_load(TODO.read_text(encoding="utf-8"))
    mutate(data)
    return yaml.safe_dump(data, allow_unicode=True)


FILES: dict[str, bytes | str] = {
    "binary.yaml": bytes(range(256)) * 8,
    "deep.json": '{"edits": ' + "[" * DEEP + "]" * DEEP + "}",
    "deep.yaml": "edits: " + "[" * DEEP + "]" * DEEP + "\n",
    "surrogate.json": '{"name": "todo", "summary": "a\\ud800b", "edits": []}',
    "surrogate.yaml": b'name: todo\ndescription: "a\xed\xa0\x80b"\n',
    "empty.yaml": "summary: nothing at all\nedits: []\n",
    "nul.yaml": todo_with(lambda d: d["models"][0].update(description="bad\x00byte")),  # type: ignore[index]
    "escape.yaml": todo_with(lambda d: d.update(title="\x1b]0;pwned\x07Todo")),
    "no-name.yaml": "summary: x\nedits:\n  - op: addField\n    model: todo_items\n"
    "    field: {name: \"\\ud800\", type: int}\n",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("inputs")
    for name, content in FILES.items():
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    huge = directory / "huge.yaml"
    with huge.open("wb") as f:
        f.truncate(64 * 1024 * 1024)
    autobe = directory / "deep-autobe" / "autobe"
    autobe.mkdir(parents=True)
    (autobe / "prisma.json").write_text('{"files": ' + "[" * DEEP + "]" * DEEP + "}")
    huge_autobe = directory / "huge-autobe" / "autobe"
    huge_autobe.mkdir(parents=True)
    with (huge_autobe / "prisma.json").open("wb") as f:
        f.truncate(64 * 1024 * 1024)
    return directory


INIT_CASES: dict[str, tuple[list[str], str]] = {
    "binary": (["init", "{new}", "--from", "{files}/binary.yaml"], "not UTF-8"),
    "deep": (["init", "{new}", "--from", "{files}/deep.yaml"], "nested"),
    "deep json": (["init", "{new}", "--from", "{files}/deep.json"], "nested"),
    "surrogate escape": (["init", "{new}", "--from", "{files}/surrogate.json"], "\\ud800"),
    "surrogate bytes": (["init", "{new}", "--from", "{files}/surrogate.yaml"], "not UTF-8"),
    "endless": (["init", "{new}", "--from", "/dev/zero"], "MB"),
    "huge": (["init", "{new}", "--from", "{files}/huge.yaml"], "MB"),
    "nul in a description": (
        ["init", "{new}", "--from", "{files}/nul.yaml"], "$.models[0].description"
    ),
    "escape in the title": (["init", "{new}", "--from", "{files}/escape.yaml"], "$.title"),
    "author with a lone surrogate": (
        ["init", "{new}", "--from", str(TODO), "--author", "me\udcff"], "author"
    ),
    "import deep": (["import", "{files}/deep-autobe", "--to", "{new}"], "nested"),
    "import huge": (["import", "{files}/huge-autobe", "--to", "{new}"], "MB"),
}


@pytest.mark.parametrize("case", sorted(INIT_CASES))
def test_creating_from_bad_input_is_one_message_and_creates_nothing(
    case: str, files: Path, tmp_path: Path
) -> None:
    args, expected = INIT_CASES[case]
    new = tmp_path / "new"
    result = run(*[a.format(new=new, files=files) for a in args])
    assert_one_clear_error(result)
    assert expected in result.stderr
    assert not new.exists()


# --------------------------------------------------------------------------- in a project


@dataclass
class Case:
    args: list[str]
    expected: str
    env: dict[str, str] = field(default_factory=dict)


LLM = "{llm}"
"""An env value replaced by the fake LLM endpoint's URL."""

CASES: dict[str, Case] = {
    "change: binary file": Case(["change", "--edits", "{files}/binary.yaml"], "not UTF-8"),
    "change: deep file": Case(["change", "--edits", "{files}/deep.yaml"], "nested"),
    "change: deep json file": Case(["change", "--edits", "{files}/deep.json"], "nested"),
    "change: surrogate escape": Case(["change", "--edits", "{files}/surrogate.json"], "\\ud800"),
    "change: surrogate in a name": Case(["change", "--edits", "{files}/no-name.yaml"], "\\ud800"),
    "change: endless file": Case(["change", "--edits", "/dev/zero"], "MB"),
    "change: huge file": Case(["change", "--edits", "{files}/huge.yaml"], "MB"),
    "change: empty edits": Case(["change", "--edits", "{files}/empty.yaml"], "nothing to change"),
    "change: empty edits, dry run": Case(
        ["change", "--edits", "{files}/empty.yaml", "--dry-run"], "nothing to change"
    ),
    "change: emoji name": Case(["change", "add field 🎉:string to items", "--yes"], "'🎉:string'"),
    "change: code as a name": Case(
        ["change", 'add field x"; import os; os.system("id") #:string to items', "--yes"],
        "snake_case",
    ),
    "change: request with a NUL": Case(
        ["change", "add a nullable field estimate:int to items\x00", "--yes"], "\\x00"
    ),
    "change: message with a lone surrogate": Case(
        ["change", ESTIMATE, "-m", "why \udcff", "--yes"], "\\udcff"
    ),
    "change: author with a lone surrogate": Case(
        ["change", ESTIMATE, "--author", "me\udcff", "--yes"], "author"
    ),
    "change: LLM answers HTML": Case(
        ["change", "make the items sparkle", "--yes"],
        "HTTP 200",
        {"AUTOBE_LLM_MODEL": "fake-model", "AUTOBE_LLM_BASE_URL": LLM, "AUTOBE_LLM_API_KEY": "k"},
    ),
    **{
        f"show {ref}": Case(["show", "--", ref], "1..2")
        for ref in ("²", "-1", "1.5", "x", "0", "3", "٣")
    },
    "show -1 (no --)": Case(["show", "-1"], "'-1'"),
    "diff -1": Case(["diff", "-1"], "'-1'"),
    "tag v9 -2": Case(["tag", "v9", "-2"], "'-2'"),
    "diff ²": Case(["diff", "²"], "1..2"),
    "diff head ²": Case(["diff", "head", "²"], "1..2"),
    "spec -r ²": Case(["spec", "-r", "²"], "1..2"),
    "rollback ²": Case(["rollback", "²"], "1..2"),
    "checkout ²": Case(["checkout", "²", "--to", "{tmp}/out"], "1..2"),
    "tag head": Case(["tag", "head", "1"], "'head'"),
    "tag HEAD": Case(["tag", "HEAD"], "'HEAD'"),
    "tag v9 ²": Case(["tag", "v9", "²"], "1..2"),
    "blame unknown path": Case(["blame", "app/models/todo_item.py"], "todo_items.py"),
    "blame nonsense": Case(["blame", "nope"], "not a generated file"),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project") / "todo"
    assert run("init", root, "--from", TODO).exit_code == 0
    result = run(
        "-C", root, "change", "add a nullable field estimate:int to items", "--yes", "--no-verify",
        "-m", "an estimate \x1b[31min red\x1b[0m", "--author", "eve\x1b[2J",
    )
    assert result.exit_code == 0, result.output
    assert run("-C", root, "tag", "v1", "1").exit_code == 0
    return root


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with FakeOpenAI() as server:
        server.script(*[raw_reply("<html>502 Bad Gateway</html>", content_type="text/html")] * 5)
        yield server


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_in_a_project_is_one_message_and_changes_nothing(
    case: str, project: Path, files: Path, llm: FakeOpenAI, tmp_path: Path
) -> None:
    spec = CASES[case]
    before = (head(project), tree_digest(project / "backend"))
    args = [a.format(files=files, tmp=tmp_path) for a in spec.args]
    env = {k: v.replace(LLM, llm.base_url) for k, v in spec.env.items()}
    env.setdefault("AUTOBE_LLM_MODEL", "")
    result = run("-C", project, *args, env=env)
    assert_one_clear_error(result)
    assert spec.expected in result.stderr
    assert (head(project), tree_digest(project / "backend")) == before
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- what is printed


def test_request_and_author_text_reach_the_terminal_escaped(project: Path) -> None:
    outputs = [
        run("-C", project, "log").output,
        run("-C", project, "log", "--rejected").output,
        run("-C", project, "show", "2").output,
        run("-C", project, "blame", "app/models/todo_items.py").output,
    ]
    for output in outputs:
        assert "\x1b" not in output
    assert "an estimate \\x1b[31min red\\x1b[0m" in run("-C", project, "show", "2").output
    assert "eve\\x1b[2J" in outputs[2]
    assert "\\x1b[31m" in outputs[3]
    raw = json.loads(run("-C", project, "log", "--json").stdout)
    assert raw[-1]["request"] == "an estimate \x1b[31min red\x1b[0m"  # recorded as given


def test_a_model_explanation_reaches_the_terminal_escaped(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with FakeOpenAI() as server:
        server.script(tool_call_reply({
            "summary": "Items get a \x1b[5mblinking\x1b[0m estimate.",
            "edits": [{"op": "addField", "model": "todo_items",
                       "field": {"name": "sparkle", "type": "int", "nullable": True}}],
        }))
        env = {"AUTOBE_LLM_MODEL": "fake-model", "AUTOBE_LLM_BASE_URL": server.base_url,
               "AUTOBE_LLM_API_KEY": "k"}
        result = run("-C", project, "change", "make the items sparkle", "--dry-run", env=env)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    assert "a \\x1b[5mblinking\\x1b[0m estimate" in result.output


def test_the_plan_says_dry_run_only_on_a_dry_run(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--from", TODO).exit_code == 0
    dry = run("-C", project, "change", "add a nullable field estimate:int to items", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing was written" in dry.output
    applied = run(
        "-C", project, "change", ESTIMATE, "--yes", "--no-verify"
    )
    assert applied.exit_code == 0, applied.output
    assert "dry run" not in applied.output
    assert "revision 2" in applied.output
    assert head(project) == 2


def test_an_unreadable_path_in_an_error_is_escaped(tmp_path: Path) -> None:
    evil = tmp_path / "evil\x1b[2J.yaml"
    evil.write_bytes(b"\xff\xfe")
    result = run("init", tmp_path / "new", "--from", evil)
    assert_one_clear_error(result)
    assert "\x1b" not in result.output and "\\x1b[2J" in result.stderr

