"""Planner and generator for the `test` module kind (to be written)."""

from __future__ import annotations

from autobe_core.generate.plan import PlannedModule
from autobe_core.spec.model import ProjectSpec

GENERATOR_VERSION = "1"


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    return []
