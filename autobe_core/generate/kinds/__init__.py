"""One planner per module kind; each lives in its own module beside this one."""

from __future__ import annotations

from autobe_core.generate.kinds import (
    auth,
    collector,
    dto,
    main,
    model,
    operation,
    support,
    test,
    transformer,
)
from autobe_core.generate.plan import KindPlanner

PLANNERS: list[KindPlanner] = [
    support.plan,
    model.plan,
    dto.plan,
    collector.plan,
    transformer.plan,
    auth.plan,
    operation.plan,
    main.plan,
    test.plan,
]
