"""What the rule planner's tests share (tests/unit/rule_planner/): the todo, bbs and
kitchen-sink specs, the imported AutoBe notes project, one RulePlanner, and plan() /
edits(), which also apply every plan (so a plan here always fits its spec)."""

from __future__ import annotations

from pathlib import Path

from autobe_core.planning.base import Plan
from autobe_core.planning.rules import RulePlanner
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import (
    ProjectSpec,
)

ROOT = Path(__file__).resolve().parents[3]
SPECS: dict[str, ProjectSpec] = {
    "todo": load_spec(ROOT / "fixtures" / "todo.yaml"),
    "bbs": load_spec(ROOT / "fixtures" / "bbs.yaml"),
    "kitchen": load_spec(ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml"),
}
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"


def imported_notes() -> ProjectSpec | None:
    """The AutoBe example project, imported (None while the importer is absent)."""
    try:
        from autobe_core.importer import import_autobe
    except ImportError:
        return None
    if not NOTES.is_dir():
        return None
    return import_autobe([NOTES]).spec


PLANNER = RulePlanner()


def plan(fixture: str, text: str) -> Plan:
    result = PLANNER.plan(SPECS[fixture], text)
    apply(SPECS[fixture], result.changeset)  # every plan fits its spec
    return result


def edits(fixture: str, text: str) -> list[object]:
    return list(plan(fixture, text).changeset.edits)
