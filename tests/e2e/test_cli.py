"""The command line end to end: real spec files, real builds, the real ladder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from autobe_cli.main import cli
from autobe_core.spec import Access
from autobe_core.spec.io import load_spec
from tests.conftest import POSTGRES_URL
from tests.databases import postgres_test_env

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
BBS = ROOT / "fixtures" / "bbs.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def write_spec(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def todo_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TODO.read_text(encoding="utf-8"))
    return data


def test_init_build_check_todo_is_green(tmp_path: Path) -> None:
    project = tmp_path / "todo"
    result = run("init", project, "--from", TODO)
    assert result.exit_code == 0, result.output
    assert "4 models, 15 operations" in result.output

    result = run("-C", project, "build")
    assert result.exit_code == 0, result.output
    assert (project / "backend" / "app" / "main.py").is_file()
    assert (project / "backend" / ".autobe-manifest.json").is_file()

    result = run("-C", project, "check", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [r["name"] for r in report["rungs"]] == ["compile", "mypy", "migrate", "import", "tests"]
    assert all(r["status"] == "passed" for r in report["rungs"])
    tests = next(r for r in report["rungs"] if r["name"] == "tests")
    assert tests["counts"]["failed"] == 0 and tests["counts"]["passed"] >= 60


@pytest.mark.slow
def test_init_build_check_bbs_is_green(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On PostgreSQL when a server is there (CI): the migrate rung and the generated
    suite run on it."""
    for key, value in postgres_test_env().items():
        monkeypatch.setenv(key, value)
    project = tmp_path / "bbs"
    assert run("init", project, "--from", BBS).exit_code == 0
    assert run("-C", project, "build").exit_code == 0
    result = run("-C", project, "check", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert all(r["status"] == "passed" for r in report["rungs"]), report
    migrate = next(r for r in report["rungs"] if r["name"] == "migrate")
    assert ("on PostgreSQL" if POSTGRES_URL else "on SQLite") in migrate["summary"]


@pytest.mark.parametrize(
    ("mutate", "path", "code", "allowed"),
    [
        (
            lambda d: d["models"][1].update(name="class"),
            "$.models[1].name",
            "name.model",
            None,
        ),
        (
            lambda d: d["models"][2]["plainFields"][0].update(name='x"; import os'),
            "$.models[2].plainFields[0].name",
            "name.field",
            None,
        ),
        (
            lambda d: d["models"][1]["foreignFields"][0]["relation"].update(
                targetModel="todo_people"
            ),
            "$.models[1].foreignFields[0].relation.targetModel",
            "ref.unknown-model",
            "todo_users",
        ),
        (
            lambda d: d["operations"].append(dict(d["operations"][5], name="again")),
            "$.operations[15]",
            "dup.endpoint",
            None,
        ),
    ],
    ids=["model-class", "field-injection", "unknown-relation-target", "duplicate-path"],
)
def test_invalid_spec_is_rejected_with_diagnostics_and_nothing_written(
    tmp_path: Path, mutate: Any, path: str, code: str, allowed: str | None
) -> None:
    data = todo_data()
    mutate(data)
    project = tmp_path / "project"
    result = run("init", project, "--from", write_spec(tmp_path, data))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert path in result.output
    assert f"[{code}" in result.output
    assert "allowed:" in result.output
    if allowed:
        assert allowed in result.output
    assert not project.exists()


def test_shape_errors_name_the_json_path(tmp_path: Path) -> None:
    data = todo_data()
    data["models"][0]["plainFields"][0]["type"] = "text"
    result = run("init", tmp_path / "p", "--from", write_spec(tmp_path, data))
    assert result.exit_code == 1
    assert "$.models[0].plainFields[0].type" in result.output
    assert "'uuid'" in result.output  # the allowed literals are listed


def test_errors_outside_a_project_are_one_clear_message(tmp_path: Path) -> None:
    result = run("-C", tmp_path, "build")
    assert result.exit_code == 1
    assert "no autobe project" in result.output
    assert "autobe init" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from autobe_core.errors import ProjectNotFound

    with pytest.raises(ProjectNotFound):
        run("--debug", "-C", tmp_path, "build")


def test_init_refuses_an_existing_project(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--from", TODO).exit_code == 0
    before = run("-C", project, "spec").output
    result = run("init", project, "--from", BBS)
    assert result.exit_code == 1
    assert "already holds an autobe project" in result.output
    assert run("-C", project, "spec").output == before


def test_check_before_build_says_what_to_do(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", TODO)
    shutil.rmtree(project / "backend")
    result = run("-C", project, "check")
    assert result.exit_code == 1
    assert "autobe build" in result.output


def test_spec_round_trips(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", BBS)
    as_json = run("-C", project, "spec", "--format", "json")
    assert as_json.exit_code == 0
    copy = tmp_path / "copy.json"
    copy.write_text(as_json.output, encoding="utf-8")
    assert load_spec(copy) == load_spec(BBS)
    as_yaml = run("-C", project, "spec")
    copy_yaml = tmp_path / "copy.yaml"
    copy_yaml.write_text(as_yaml.output, encoding="utf-8")
    assert load_spec(copy_yaml) == load_spec(BBS)


def test_access_shows_callers_owner_chains_and_guarded_parents(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", BBS)
    result = run("-C", project, "access", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {row["endpoint"]: row for row in json.loads(result.output)}
    tags = rows["POST /bbs/member/articles/{articleId}/tags"]
    assert tags["callers"] == ["member"]
    assert tags["chain"] == ("bbs_article_tags.bbs_article_id -> "
                             "bbs_articles.bbs_member_id -> member")
    assert tags["parents"] == [{"param": "articleId", "parent": "bbs_articles",
                                "check": "bbs_articles.bbs_member_id -> member"}]
    # the moderator queue is not filtered by the (nullable) reviewer column
    queue = rows["PATCH /bbs/moderator/reports"]
    assert queue["chain"] is None and "no required foreign key" in queue["reason"]
    assert rows["POST /auth/admin/join"]["callers"] == ["admin"]
    assert rows["POST /auth/member/join"]["callers"] == "anyone"
    text = run("-C", project, "access").output
    assert "POST /bbs/member/articles/{articleId}/comments (create)\n  callers: member\n" \
           "  rows:    bbs_article_comments.bbs_member_id -> member\n" \
           "  articleId: bbs_articles must exist\n" in text


def test_show_says_what_a_revision_did_to_access(tmp_path: Path) -> None:
    """``show`` lists the operations whose access a revision changed: revision 1 counts
    them; a change that opens a member's attachments to every member says so (was scoped
    through the article, now not scoped); a removed operation is listed as removed."""
    project = tmp_path / "p"
    run("init", project, "--from", BBS)
    assert "access: 65 operations" in run("-C", project, "show", "1").output
    spec = load_spec(BBS)
    attach = next(o for o in spec.operations
                  if o.endpoint == "POST /bbs/member/articles/{articleId}/attachments")
    opened = attach.model_copy(update={"access": Access(owner=[])})
    edits = tmp_path / "edits.yaml"
    edits.write_text(yaml.safe_dump({"summary": "open attachments", "edits": [
        {"op": "modifyOperation", "method": "post", "path": attach.path,
         "operation": opened.model_dump(mode="json", exclude_none=True)},
        {"op": "removeOperation", "method": "delete",
         "path": "/bbs/member/articles/{articleId}/tags/{articleTagId}"},
    ]}), encoding="utf-8")
    changed = run("-C", project, "change", "--edits", edits, "--no-verify", "--yes")
    assert changed.exit_code == 0, changed.output
    shown = " ".join(run("-C", project, "show", "2").output.split())
    assert ("~ POST /bbs/member/articles/{articleId}/attachments: member; rows: "
            "bbs_article_attachments.bbs_article_id -> bbs_articles.bbs_member_id -> member; "
            "the caller's: articleId: bbs_articles now: member; rows: not scoped "
            "(access.owner is []: the role only)") in shown
    assert "- DELETE /bbs/member/articles/{articleId}/tags/{articleTagId}" in shown


def test_graph_exports(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", TODO)
    data = json.loads(run("-C", project, "graph", "--format", "json").output)
    assert data["counts"]["modules"] == sum(n["kind"] == "module" for n in data["nodes"])
    assert data["counts"]["edges"] == len(data["edges"])
    out = tmp_path / "g.dot"
    result = run("-C", project, "graph", "-o", out)
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith('digraph "todo"')


def test_check_reports_the_failing_rung(tmp_path: Path) -> None:
    project = tmp_path / "p"
    run("init", project, "--from", TODO)
    run("-C", project, "build")
    broken = project / "backend" / "app" / "transformers" / "todo_items.py"
    broken.write_text(broken.read_text(encoding="utf-8") + "\nx: int = 'no'\n", "utf-8")
    result = run("-C", project, "check", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    status = {r["name"]: r["status"] for r in report["rungs"]}
    assert status == {
        "compile": "passed",
        "mypy": "failed",
        "migrate": "skipped",
        "import": "skipped",
        "tests": "skipped",
    }
    mypy = next(r for r in report["rungs"] if r["name"] == "mypy")
    assert any(d["file"].endswith("transformers/todo_items.py") for d in mypy["diagnostics"])


def test_checkout_into_a_non_empty_directory_is_one_clear_message(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--from", TODO).exit_code == 0
    target = tmp_path / "taken"
    target.mkdir()
    (target / "mine.txt").write_text("keep me\n", encoding="utf-8")
    result = run("-C", project, "checkout", "1", "--to", target)
    assert result.exit_code == 1
    assert result.output.startswith("error:")
    assert "is not empty" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert [p.name for p in target.iterdir()] == ["mine.txt"]


def test_an_unexpected_exception_is_an_internal_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autobe_core.service import ProjectService

    project = tmp_path / "p"
    assert run("init", project, "--from", TODO).exit_code == 0

    def broken(self: ProjectService) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(ProjectService, "status", broken)
    result = run("-C", project, "status")
    assert result.exit_code == 1
    assert "internal error: KeyError: 'boom'" in result.output
    assert "--debug" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(KeyError):
        run("--debug", "-C", project, "status")
