"""Per-invocation CLI state: global options and the service they select."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

import click

from autobe_core.service import ProjectService


@dataclass
class Context:
    debug: bool
    project_dir: Path

    def service(self) -> ProjectService:
        return ProjectService.open(self.project_dir)


pass_context = click.make_pass_decorator(Context)


def default_author() -> str:
    """``AUTOBE_AUTHOR``, else the login name: who is recorded as asking for a change."""
    name = os.environ.get("AUTOBE_AUTHOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
