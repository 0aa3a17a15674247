"""Where a project keeps its state and its generated backend on disk.

``<root>/.autobe/`` holds autobe's own state (spec at head, caches); ``<root>/backend/``
is the generated workspace the user runs and may edit. A project is found from any
directory inside it, the way git finds a repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autobe_core.errors import ProjectNotFound

STATE_DIR = ".autobe"
WORKSPACE_DIR = "backend"


@dataclass(frozen=True)
class ProjectLayout:
    root: Path

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    @property
    def spec_file(self) -> Path:
        return self.state / "spec.json"

    @property
    def workspace(self) -> Path:
        return self.root / WORKSPACE_DIR

    @property
    def mypy_cache(self) -> Path:
        return self.state / "mypy_cache"

    @property
    def last_check(self) -> Path:
        return self.state / "last-check.json"

    def exists(self) -> bool:
        return self.spec_file.is_file()

    @classmethod
    def find(cls, start: Path) -> ProjectLayout:
        """The project containing ``start`` (itself or a parent directory)."""
        start = start.resolve()
        for candidate in (start, *start.parents):
            layout = cls(candidate)
            if layout.exists():
                return layout
        raise ProjectNotFound(
            f"no autobe project at {start} or any parent directory",
            "create one with `autobe init DIR --from SPEC.yaml`, or pass -C DIR",
        )
