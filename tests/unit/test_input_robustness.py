"""Bad input is one clear message, never a traceback, a guess or a broken generated file.

Each layer on its own, with its real parts: spec and change files read from disk (binary,
deeply nested, lone surrogates, endless), free text in a spec (control characters), what
``emit`` writes whatever it is given, revision references and tag names, the word
planner's names, an LLM endpoint that answers with something other than JSON (the fake
OpenAI server on loopback), and the service's refusals (empty changes, unknown paths).
"""

from __future__ import annotations

import ast
import copy
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from autobe_core.errors import AutobeError
from autobe_core.generate import plan_modules
from autobe_core.generate.emit import comment, docstring, py_str
from autobe_core.history import HistoryError, Project, UnknownRevision
from autobe_core.importer import import_autobe
from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.llm.config import LlmConfig
from autobe_core.planning.llm.planner import LlmEndpointError, LlmPlanner
from autobe_core.planning.rules import RulePlanner
from autobe_core.service import MemoryStorage, ProjectService
from autobe_core.spec import (
    AddField,
    ChangeSet,
    DiagnosticError,
    PlainField,
    load_changeset,
    load_spec,
    parse_spec,
    validate,
)
from autobe_core.spec.files import MAX_INPUT_BYTES
from autobe_core.spec.text import cleaned, text_problem, visible
from tests.fake_openai import (
    FakeOpenAI,
    loopback_server,  # noqa: F401  (the server fixture)
    raw_reply,
)

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
TODO_DATA: dict[str, Any] = yaml.safe_load(TODO.read_text(encoding="utf-8"))
TODO_SPEC = load_spec(TODO)


def todo(mutate: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(TODO_DATA)
    mutate(data)
    return data


# --------------------------------------------------------------------------- item 6: free text


def _set_summary(d: dict[str, Any], text: str) -> None:
    d["operations"][0]["summary"] = text


@pytest.mark.parametrize(
    ("mutate", "path", "shown"),
    [
        (lambda d: d["models"][0].update(description="accounts\x00of people"),
         "$.models[0].description", "\\x00"),
        (lambda d: _set_summary(d, "list \x1b[31mred\x1b[0m items"),
         "$.operations[0].summary", "\\x1b"),
        (lambda d: d["models"][2]["plainFields"][1].update(description="notes \ud800 here"),
         "$.models[2].plainFields[1].description", "\\ud800"),
        (lambda d: d.update(title="Todo\nList"), "$.title", "\\n"),
        (lambda d: d["actors"][0].update(description="bell\x07"),
         "$.actors[0].description", "\\x07"),
        (lambda d: d["models"][1].update(description="carriage\rreturn"),
         "$.models[1].description", "\\r"),
    ],
)
def test_control_characters_in_free_text_are_a_diagnostic_naming_the_field(
    mutate: Callable[[dict[str, Any]], object], path: str, shown: str
) -> None:
    found = [d for d in validate(parse_spec(todo(mutate))) if d.severity == "error"]
    assert [d.path for d in found] == [path]
    [problem] = found
    assert problem.code.startswith("text.")
    assert shown in problem.message  # the character, escaped: visible in any terminal
    assert problem.allowed and "control" in problem.allowed[0]


def test_prose_may_hold_newlines_and_tabs_and_any_printable_text() -> None:
    spec = parse_spec(todo(lambda d: d["models"][0].update(
        description="Accounts.\n\n\tIndented — “quoted”, naïve, 日本語, emoji 🎉."
    )))
    assert [d for d in validate(spec) if d.severity == "error"] == []


def test_a_title_is_one_line() -> None:
    found = validate(parse_spec(todo(lambda d: d.update(title="Todo\tList"))))
    assert [d.path for d in found if d.severity == "error"] == ["$.title"]


def test_a_control_character_in_a_name_is_reported_once() -> None:
    data = todo(lambda d: d["models"][0]["plainFields"][2].update(name="display\x00name"))
    found = [d for d in validate(parse_spec(data)) if d.severity == "error"]
    assert [d.path for d in found] == ["$.models[0].plainFields[2].name"]


NASTY = "".join(chr(c) for c in range(0x20)) + "\x7f\x85\x9b\ud800\udfff\u202e\"\"\"'\\ end"


def test_emit_never_writes_a_nul_a_control_character_or_a_lone_surrogate() -> None:
    source = (
        docstring(NASTY)
        + comment(NASTY)
        + "\n\n\ndef f() -> None:\n"
        + docstring(NASTY, "    ")
        + f"\n\nX = {py_str(NASTY)}\n"
    )
    source.encode("utf-8")  # no lone surrogate
    assert not any(ord(c) < 0x20 and c != "\n" for c in source)
    assert "\x7f" not in source and "\x9b" not in source and "\u202e" not in source
    tree = ast.parse(source)  # valid Python: no NUL, quotes balanced
    assign = tree.body[-1]
    assert isinstance(assign, ast.Assign)
    assert ast.literal_eval(assign.value) == NASTY
    function = tree.body[1]
    assert isinstance(function, ast.FunctionDef)
    value = ast.get_docstring(function, clean=False) or ""
    assert " ".join(value.split()) == " ".join(NASTY.split())  # the text, wrapped


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
"""Any text at all: control characters, lone surrogates, format characters, emoji."""


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_emit_and_show_any_text_safely(text: str) -> None:
    source = f"{docstring(text)}{comment(text)}\n\ndef f() -> None:\n{docstring(text, '    ')}"
    source += f"    return None\n\n\nX = {py_str(text)}\n"
    source.encode("utf-8")
    assert "\x00" not in source
    tree = ast.parse(source)
    assign = tree.body[-1]
    assert isinstance(assign, ast.Assign) and ast.literal_eval(assign.value) == text
    visible(text).encode("utf-8")
    assert all(ord(c) >= 0x20 or c in "\n\t" for c in visible(text))
    for prose in (True, False):
        assert text_problem(cleaned(text, prose=prose), prose=prose) is None


def test_emit_leaves_text_without_control_characters_as_it_was() -> None:
    text = 'Café — naïve “quotes” with "double" and \\ back\tslash\nand lines 🎉'
    assert docstring(text) == (
        '"""Café — naïve “quotes” with \\"double\\" and \\\\ back slash and lines 🎉"""\n'
    )
    assert comment(text) == '# Café — naïve “quotes” with "double" and \\ back slash and lines 🎉'
    assert py_str(text) == repr(text)


def test_a_spec_with_a_nul_that_skipped_validation_still_generates_valid_python() -> None:
    data = todo(lambda d: d["models"][2].update(description="one\x00task \ud800\x1b[2J"))
    data["operations"][0]["summary"] = "nul\x00summary"
    data["operations"][0]["description"] = "nul\x00description"
    spec = parse_spec(data)  # shape only: generation is the last line of defence
    for module in plan_modules(spec):
        text = module.generate()
        assert "\x00" not in text and "\x1b" not in text, module.path
        text.encode("utf-8")
        if module.path.endswith(".py"):
            ast.parse(text, module.path)


def test_an_import_with_control_characters_in_its_text_keeps_every_operation(
    tmp_path: Path,
) -> None:
    """AutoBe's text is written by a model: a carriage return or an escape sequence in a
    description is shown escaped and reported, it does not turn operations into 501s."""
    source = ROOT / "tests" / "data" / "autobe" / "notes" / "autobe"
    clean = import_autobe([source.parent])
    prisma = json.loads((source / "prisma.json").read_text(encoding="utf-8"))
    document = json.loads((source / "document.json").read_text(encoding="utf-8"))
    prisma["files"][0]["models"][0]["description"] = "Accounts\r\nof \x1b[31mpeople\x1b[0m"
    document["operations"][0]["description"] = "Lists\r\nnotes \x07 now"
    document["operations"][1]["summary"] = "Bell \x07 and\ttab"
    folder = tmp_path / "notes" / "autobe"
    folder.mkdir(parents=True)
    (folder / "prisma.json").write_text(json.dumps(prisma), encoding="utf-8")
    (folder / "document.json").write_text(json.dumps(document), encoding="utf-8")
    imported = import_autobe([folder.parent])
    assert [o.kind for o in imported.spec.operations] == [o.kind for o in clean.spec.operations]
    assert [d for d in validate(imported.spec) if d.severity == "error"] == []
    first = imported.spec.models[0].description
    assert first == "Accounts\nof \\x1b[31mpeople\\x1b[0m"
    assert "\\x07" in imported.spec.operations[0].description
    cleaned = [n for n in imported.report.notes if "control character" in n.message]
    assert len(cleaned) == 3


# --------------------------------------------------------------------------- item 9: files


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


DEEP = 5000

BAD_FILES: dict[str, tuple[str, bytes | str, str]] = {
    "binary": ("x.yaml", bytes(range(256)) * 8, "file.not-utf8"),
    "binary json": ("x.json", b"\x89PNG\r\n\x1a\n" + os.urandom(64), "file.not-utf8"),
    "deep json": ("x.json", '{"name": ' + "[" * DEEP + "]" * DEEP + "}", "file.too-deep"),
    "deep yaml": ("x.yaml", "name: " + "[" * DEEP + "]" * DEEP + "\n", "file.too-deep"),
    "deep yaml block": (
        "x.yaml",
        "".join(f"{' ' * i}k:\n" for i in range(1500)),
        "file.too-deep",
    ),
    "escaped lone surrogate json": (
        "x.json", '{"name": "todo", "description": "a\\ud800b"}', "file.not-text"
    ),
    "escaped lone surrogate yaml": (
        "x.yaml", 'name: todo\ndescription: "a\\ud800b"\n', "file.not-text"
    ),
    "encoded lone surrogate": (
        "x.yaml", b'name: todo\ndescription: "a\xed\xa0\x80b"\n', "file.not-utf8"
    ),
    "a number too long to read": ("x.json", '{"name": ' + "9" * 5000 + "}", "file.syntax"),
    "yaml alias bomb": (
        "x.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n"
            for i in range(8)
        )
        + "name: todo\n",
        "file.too-large",
    ),
    "yaml self reference": ("x.yaml", "name: &a [*a]\n", "file.too-deep"),
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    name, content, code = BAD_FILES[request.param]
    return write(tmp_path, name, content), code


@pytest.mark.parametrize("load", [load_spec, load_changeset], ids=["spec", "changes"])
def test_a_bad_file_is_one_diagnostic(
    load: Callable[[Path], object], bad_file: tuple[Path, str]
) -> None:
    path, code = bad_file
    with pytest.raises(DiagnosticError) as caught:
        load(path)
    assert [d.code for d in caught.value.diagnostics] == [code], str(caught.value)
    str(caught.value).encode("utf-8")  # the message itself is printable text


@pytest.mark.parametrize("load", [load_spec, load_changeset], ids=["spec", "changes"])
def test_an_endless_or_huge_file_is_read_only_up_to_a_bound(
    load: Callable[[Path], object], tmp_path: Path
) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.truncate(MAX_INPUT_BYTES + 1)  # sparse: nothing to write
    for path in (huge, Path("/dev/zero")):
        with pytest.raises(DiagnosticError) as caught:
            load(path)
        [problem] = caught.value.diagnostics
        assert problem.code == "file.too-large"
        assert f"{MAX_INPUT_BYTES // (1024 * 1024)} MB" in problem.message


def test_a_file_just_under_the_bound_is_read(tmp_path: Path) -> None:
    text = json.dumps(TODO_DATA)
    padded = text + " " * (MAX_INPUT_BYTES - len(text.encode("utf-8")))
    assert load_spec(write(tmp_path, "todo.json", padded)) == TODO_SPEC


# --------------------------------------------------------------------------- item 9: references


def history(revisions: int, tags: dict[str, int] | None = None) -> Project:
    project = Project("p")
    for n in range(1, revisions + 1):
        project.request_change(f"r{n}", author="a", text="t", changeset={})
        project.apply_change(f"r{n}", spec_hash="s", manifest_hash="m", changeset={}, delta={})
    for name, number in (tags or {}).items():
        project.tag(name, number)
    return project


@pytest.mark.parametrize("ref", ["²", "-1", "1.5", "x", "0", "4", "٣", " 1", "1e0", "", "0x1"])
def test_a_reference_that_is_no_revision_names_what_is_allowed(ref: str) -> None:
    project = history(3, {"v1": 1})
    with pytest.raises(UnknownRevision) as caught:
        project.resolve(ref)
    text = str(caught.value)
    assert repr(ref) in text
    assert "1..3" in text and "head" in text and "v1" in text


@pytest.mark.parametrize("ref", ["1", "3", "head", "HEAD", "v1", "007"])
def test_revision_references_that_resolve(ref: str) -> None:
    expected = {"1": 1, "3": 3, "head": 3, "HEAD": 3, "v1": 1, "007": None}[ref]
    project = history(3, {"v1": 1})
    if expected is None:
        with pytest.raises(UnknownRevision):
            project.resolve(ref)
    else:
        assert project.resolve(ref) == expected


@pytest.mark.parametrize("name", ["head", "HEAD", "Head", "12", "007"])
def test_a_tag_a_revision_reference_would_read_differently_is_refused(name: str) -> None:
    project = history(2)
    with pytest.raises(HistoryError) as caught:
        project.tag(name, 1)
    assert repr(name) in caught.value.message
    assert caught.value.hint is not None and "head" in caught.value.hint
    assert project.tags == {}


# --------------------------------------------------------------------------- item 9: the LLM


@pytest.mark.parametrize(
    ("body", "content_type", "shown"),
    [
        ("<html><body>502 Bad Gateway</body></html>", "text/html", "<html><body>502 Bad"),
        ("{not json", "application/json", "{not json"),
        ("", "application/json", "an empty body"),
        ("[1, 2]", "application/json", "[1, 2]"),
        ('{"choices": "none"}', "application/json", '{"choices": "none"}'),
        ('"hello"', "application/json", '"hello"'),
    ],
)
def test_an_endpoint_answering_200_with_no_chat_completion_is_one_clear_error(
    server: FakeOpenAI, body: str, content_type: str, shown: str
) -> None:
    server.script(*[raw_reply(body, content_type=content_type)] * 3)
    planner = LlmPlanner(
        LlmConfig(model="fake-model", base_url=server.base_url, api_key="k", max_tries=3)
    )
    with pytest.raises(LlmEndpointError) as caught:
        planner.plan(TODO_SPEC, "add an estimate to items")
    message = caught.value.message
    assert "HTTP 200" in message and shown in message
    assert "expected" in message and "chat completion" in message
    assert caught.value.hint is not None and "AUTOBE_LLM_BASE_URL" in caught.value.hint
    assert server.hits == 1  # one clear error, not max_tries blind retries


# --------------------------------------------------------------------------- item 11: names


@pytest.mark.parametrize(
    ("request_text", "token"),
    [
        ("add field 🎉:string to items", "🎉:string"),
        ('add field x"; import os; os.system("id") #:string to items', "x;"),
        ("add field größe:int to items", "größe"),
        ("add field _secret:string to items", "_secret"),
        ("add field x(y) as int to items", "x(y)"),
        ("add field ünits as int to items", "ünits"),
        ("add model naïve_things", "naïve_things"),
        ("rename field title of items to tïtle", "tïtle"),
        ("rename labels to tägs", "tägs"),
        ("add model reports with title:string, 🎉:int", "🎉:int"),
    ],
)
def test_the_word_planner_refuses_names_the_user_did_not_write(
    request_text: str, token: str
) -> None:
    with pytest.raises(NotUnderstood) as caught:
        RulePlanner().plan(TODO_SPEC, request_text)
    message = caught.value.message
    assert repr(token) in message, message
    assert "letters" in message and "snake_case" in message


@pytest.mark.parametrize(
    ("request_text", "name"),
    [
        ("add field estimate:int to items", "estimate"),
        ("add a nullable due date to items", "due_date"),
        ("add field due-date:datetime to items", "due_date"),
        ("add field review_count:int to items", "review_count"),
        ("add field v2_score:int to items", "v2_score"),
    ],
)
def test_plain_words_still_make_names(request_text: str, name: str) -> None:
    plan = RulePlanner().plan(TODO_SPEC, request_text)
    dumped = plan.changeset.model_dump(mode="json", by_alias=True)
    assert dumped["edits"][0]["field"]["name"] == name


# --------------------------------------------------------------------------- item 12: service


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> ProjectService:
    storages = MemoryStorage()
    root = tmp_path_factory.mktemp("robust") / "project"
    result = ProjectService.init(root, TODO, author="test", storages=storages)
    return ProjectService(result.layout, storages)


def test_an_empty_change_is_refused_and_nothing_is_recorded(
    service: ProjectService, tmp_path: Path
) -> None:
    before = service.log()
    empty = write(tmp_path, "empty.yaml", "summary: nothing\nedits: []\n")
    for request in (ChangeSet(edits=[]), empty):
        with pytest.raises(DiagnosticError) as caught:
            service.change(request)
        [problem] = caught.value.diagnostics
        assert problem.path == "$.edits" and problem.code == "change.empty"
        assert "nothing to change" in str(caught.value)
    with pytest.raises(DiagnosticError):
        service.propose(ChangeSet(edits=[]))
    assert service.log() == before
    assert service.rejections() == []


def test_blame_of_a_path_that_is_not_generated_names_close_matches(
    service: ProjectService,
) -> None:
    assert service.blame("app/models/todo_items.py")[0].path == "app/models/todo_items.py"
    assert len(service.blame("app/models/")) == len(service.blame("app/models"))
    with pytest.raises(AutobeError) as caught:
        service.blame("app/models/todo_item.py")
    message = str(caught.value)
    assert "'app/models/todo_item.py' is not a generated file" in message
    assert "app/models/todo_items.py" in message
    with pytest.raises(AutobeError, match="not a generated file"):
        service.blame("nope")


@pytest.mark.parametrize(
    ("text", "shown"),
    [("add\x00field", "\\x00"), ("add \ud800 field", "\\ud800")],
)
def test_request_text_that_cannot_be_stored_is_refused(
    service: ProjectService, text: str, shown: str
) -> None:
    estimate = AddField(model="todo_items", field=PlainField(name="estimate", type="int"))
    for request in (text, ChangeSet(edits=[estimate], summary=text)):
        with pytest.raises(DiagnosticError) as caught:
            service.propose(request)
        assert shown in str(caught.value)
    with pytest.raises(DiagnosticError):
        service.propose(ChangeSet(edits=[estimate]), text=text)


# --------------------------------------------------------------------------- item 10: showing text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, “unicode”, 🎉 and\nlines\tand tabs", None),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("bell\x07 back\x08 cr\r del\x7f csi\x9b", "bell\\x07 back\\x08 cr\\r del\\x7f csi\\x9b"),
        ("nul\x00", "nul\\x00"),
        ("lone \ud800", "lone \\ud800"),
        ("bidi \u202egnp.exe", "bidi \\u202egnp.exe"),
    ],
)
def test_visible_escapes_what_a_terminal_would_obey(text: str, shown: str | None) -> None:
    assert visible(text) == (text if shown is None else shown)
    visible(text).encode("utf-8")
