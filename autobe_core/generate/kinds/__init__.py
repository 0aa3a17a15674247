"""One package per module kind; the registry of their planners."""

from __future__ import annotations

from autobe_core.generate.kinds import (
    app,
    auth,
    collector,
    dto,
    model,
    operation,
    realized,
    test,
    transformer,
)
from autobe_core.generate.plan import KindPlanner

PLANNERS: list[KindPlanner] = [
    app.plan,
    model.plan,
    dto.plan,
    collector.plan,
    transformer.plan,
    auth.plan,
    operation.plan,
    realized.plan,
    test.plan,
]
