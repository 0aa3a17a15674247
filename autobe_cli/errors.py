"""The one place where a command's failure becomes what the user sees.

Every :class:`AutobeError` (diagnostics in spec and change files, conflicts, a missing
project, a checkout target that is not empty, ...) and every operating-system error (a
file that cannot be written) is printed as one clear message, found in
:data:`RENDERERS` by the error's class (the nearest class in its MRO wins), and the
command exits with status 1. Anything else is a bug: one "internal error" line and how
to see the traceback, status 1. With ``--debug`` nothing is caught here and Python
prints the traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from autobe_cli import render
from autobe_cli.render import history as render_history
from autobe_core.errors import AutobeError
from autobe_core.planning.base import NotUnderstood

EXIT_FAILURE = 1

RENDERERS: dict[type[BaseException], Callable[[Any], None]] = {
    NotUnderstood: render_history.not_understood,
    AutobeError: render.error,
    OSError: render.os_error,
}
"""Error class -> how it is shown; classes not found here (in the MRO) are bugs."""

PASSED_ON: tuple[type[BaseException], ...] = (
    click.exceptions.ClickException,
    click.exceptions.Exit,
    click.exceptions.Abort,
    EOFError,
)
"""What click itself turns into messages and exit statuses (usage errors, aborts)."""


def report(exc: BaseException) -> int:
    """Print ``exc`` for the user; the exit status."""
    for cls in type(exc).__mro__:
        renderer = RENDERERS.get(cls)
        if renderer is not None:
            renderer(exc)
            return EXIT_FAILURE
    render.internal_error(exc)
    return EXIT_FAILURE
