"""Per-invocation CLI state: global options and the service they select."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from autobe_core.service import ProjectService


@dataclass
class Context:
    debug: bool
    project_dir: Path

    def service(self) -> ProjectService:
        from autobe_core.service import ProjectService  # imported by the commands that use it

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


def author_of(given: str | None) -> str:
    """The author to record: ``--author`` when given, else :func:`default_author`;
    DiagnosticError when it holds what the history cannot keep (a NUL, or a lone
    surrogate: bytes of a name that are not UTF-8)."""
    from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError
    from autobe_core.spec.text import storable_problem

    author = given or default_author()
    problem = storable_problem(author)
    if problem:
        raise DiagnosticError(
            [Diagnostic("--author", "request.author", f"the author cannot be recorded: {problem}",
                        ("a name in UTF-8, without NUL characters",))],
            "the author (--author or AUTOBE_AUTHOR) cannot be recorded; nothing was changed",
        )
    return author
