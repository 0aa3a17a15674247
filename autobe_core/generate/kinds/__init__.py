"""One planner per module kind; each lives in its own module beside this one."""

from __future__ import annotations

from autobe_core.generate.plan import KindPlanner

PLANNERS: list[KindPlanner] = []
