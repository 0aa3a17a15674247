"""Per-invocation CLI state: global options and the service they select."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from autobe_core.service.project_service import ProjectService


@dataclass
class Context:
    debug: bool
    project_dir: Path

    def service(self) -> ProjectService:
        return ProjectService.open(self.project_dir)


pass_context = click.make_pass_decorator(Context)
