"""Natural-language requests, end to end through the real service and real builds.

Each request is planned by the rule planner against the project's head, then applied
with ``ProjectService.change`` and verified by the recompile ladder (mypy --strict on
the whole backend with its warm cache, and the generated tests the change reaches).
Requests are grouped so that one project takes several changes in sequence; the first
group of each fixture runs by default, the longer ones are marked ``slow``.

The acceptance case of the planner: on a fresh bbs project, "add notifications"
regenerates exactly the modules the change affects (far fewer than the backend holds)
and the new operations' tests pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autobe_core.build.workspace import read_manifest
from autobe_core.graph import ModuleGraph, affected
from autobe_core.planning.rules import RulePlanner
from autobe_core.service import ChangeOptions, ChangeOutcome, ProjectService, test_scope
from autobe_core.spec.changeset import AddOperation
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.naming import operation_id

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = {
    "todo": ROOT / "fixtures" / "todo.yaml",
    "bbs": ROOT / "fixtures" / "bbs.yaml",
    "kitchen": ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml",
}
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"
PLANNER = RulePlanner()


def new_project(tmp_path: Path, fixture: str) -> ProjectService:
    if fixture == "notes":
        if not NOTES.is_dir():
            pytest.skip("no AutoBe example project to import")
        imported = ProjectService.import_project([NOTES], tmp_path / "project")
        return ProjectService(imported.result.layout)
    result = ProjectService.init(tmp_path / "project", FIXTURES[fixture], author="test")
    return ProjectService(result.layout)


def request(service: ProjectService, text: str) -> ChangeOutcome:
    """Plan ``text`` at the head, apply it verified, and check what was recorded."""
    before = service.spec()
    plan = PLANNER.plan(before, text)
    outcome = service.change(plan, ChangeOptions(author="test", verify=True), text=text)
    verification = outcome.verification
    assert verification is not None
    problems = "\n".join(str(d) for d in verification.diagnostics()[:10])
    assert not outcome.rejected and verification.ok, f"{text!r} failed verification:\n{problems}"
    assert service.spec() == apply(before, plan.changeset)
    revision = outcome.revision
    assert revision is not None
    assert (revision.planner, revision.text) == ("rules", text)
    return outcome


def run_group(tmp_path: Path, fixture: str, requests: list[str]) -> ProjectService:
    service = new_project(tmp_path, fixture)
    for text in requests:
        request(service, text)
    return service


# --------------------------------------------------------------------------- default groups

TODO_FIRST = [
    "add a nullable due date to lists",
    "Add comments to items",
    "let users delete labels",
]
BBS_FIRST = [
    "let admins delete comments",
    "please add likes to comments",
]
KITCHEN_FIRST = [
    "add ratings to products",
    "let visitors read reviews",
]
NOTES_FIRST = [
    "add comments",
    "let anyone read notebooks",
]


def test_todo_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "todo", TODO_FIRST)


def test_bbs_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "bbs", BBS_FIRST)


def test_kitchen_sink_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "kitchen", KITCHEN_FIRST)


def test_imported_project_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "notes", NOTES_FIRST)


def test_add_notifications_on_a_fresh_bbs_project(tmp_path: Path) -> None:
    service = new_project(tmp_path, "bbs")
    before = service.spec()
    plan = PLANNER.plan(before, "add notifications")
    new_ops = [e.operation for e in plan.changeset.edits if isinstance(e, AddOperation)]
    assert new_ops
    outcome = request(service, "add notifications")
    after = service.spec()
    expected = affected(before, after)
    assert set(outcome.regenerated) == expected.ids("added", "changed")
    manifest = read_manifest(service.layout.workspace)
    assert manifest is not None
    total = len(manifest)
    assert len(outcome.regenerated) * 10 < total, (len(outcome.regenerated), total)
    # the new operations' tests are among the tests the verification ran, and passed
    new_tests = {f"tests/test_{operation_id(op)}.py" for op in new_ops}
    assert new_tests <= set(test_scope.tests_reached(ModuleGraph(after), expected))
    assert all((service.layout.workspace / t).is_file() for t in new_tests)
    assert outcome.verification is not None
    counts = outcome.verification.rung("tests").counts
    assert counts.get("passed", 0) >= len(new_tests) and not counts.get("failed", 0)


# --------------------------------------------------------------------------- longer groups

TODO_MORE = [
    "add field estimate:int to items",
    "rename field title of lists to name",
    "make priority of items optional",  # (notes -> required is refused: rows may be NULL)
    "index items by due_at",
    "add status enum open/closed to lists",
    "add likes to items",
    "rename labels to stickers",
    "add tags",
    "remove the delete item endpoint",
    "add model projects with name:string, budget:double",
    "add created_by to every model",
    "remove likes",
    "add soft delete to every model in Todos",
]
BBS_MORE = [
    "add bookmarks to articles",
    "add search to articles",
    "add reports to comments",
    "make nickname of members optional",
    "remove field view_count from articles",
    "don't let moderators delete comments",
    "add reviews",
    "add follows",
    "add direct messages",
    "remove bookmarks",
    "add audit fields",
]
KITCHEN_MORE = [
    "add a nullable gift message to wishlists",
    "add a wishlist for products",
    "add file attachments to products",
    "remove POST /kitchen/staff/products/{productId}/restock",
    "add categories to reviews",
    "add timestamps to every model",
]
NOTES_MORE = [
    "add tags to entries",
    "add comments to notebooks",
    "add notifications",
    "remove comments",
    "add soft delete to every model",
]


@pytest.mark.slow
def test_more_todo_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "todo", TODO_MORE)


@pytest.mark.slow
def test_more_bbs_requests_then_check_is_green(tmp_path: Path) -> None:
    service = run_group(tmp_path, "bbs", ["add notifications", *BBS_MORE])
    assert service.check().ok  # every generated test, not only those the changes reached


@pytest.mark.slow
def test_more_kitchen_sink_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "kitchen", KITCHEN_MORE)


@pytest.mark.slow
def test_more_imported_project_requests(tmp_path: Path) -> None:
    run_group(tmp_path, "notes", NOTES_MORE)


def test_at_least_thirty_different_requests() -> None:
    everything = [
        *TODO_FIRST,
        *BBS_FIRST,
        *KITCHEN_FIRST,
        *NOTES_FIRST,
        "add notifications",
        *TODO_MORE,
        *BBS_MORE,
        *KITCHEN_MORE,
        *NOTES_MORE,
    ]
    assert len(set(everything)) >= 30
    default = [*TODO_FIRST, *BBS_FIRST, *KITCHEN_FIRST, *NOTES_FIRST, "add notifications"]
    assert len(set(default)) >= 9
