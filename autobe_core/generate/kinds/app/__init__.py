"""The `app` kind: the backend's package, support modules, registries and ``app/main.py``.

:mod:`.support` plans the support modules and registries; :mod:`.main` plans the FastAPI
application that includes every operation's router.
"""

from __future__ import annotations

from autobe_core.generate.kinds.app import main, support
from autobe_core.generate.plan import PlannedModule
from autobe_core.spec.model import ProjectSpec


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    return [*support.plan(spec), *main.plan(spec)]


__all__ = ["plan"]
