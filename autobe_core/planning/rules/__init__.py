"""The offline rule planner: a small grammar of direct requests and a catalog of
features, adapted to each project's conventions (docs/planning.md)."""

from __future__ import annotations

from autobe_core.planning.rules.errors import NothingToDo
from autobe_core.planning.rules.planner import RulePlanner

__all__ = ["NothingToDo", "RulePlanner"]
