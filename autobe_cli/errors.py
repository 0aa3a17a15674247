"""The one place where a command's failure becomes what the user sees.

Every :class:`AutobeError` (diagnostics in spec and change files, conflicts, a missing
project, a checkout target that is not empty, ...) and every operating-system error (a
file that cannot be written) is printed as one clear message, found in
:func:`renderers` by the error's class (the nearest class in its MRO wins), and the
command exits with status 1. Anything else is a bug: one "internal error" line and how
to see the traceback, status 1. With ``--debug`` nothing is caught here and Python
prints the traceback.

What renders an error is imported when there is one: starting a command stays cheap.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

EXIT_FAILURE = 1


def renderers() -> dict[type[BaseException], Callable[[Any], None]]:
    """Error class -> how it is shown; classes not found here (in the MRO) are bugs."""
    from autobe_cli import render
    from autobe_cli.render import history as render_history
    from autobe_core.errors import AutobeError

    table: dict[type[BaseException], Callable[[Any], None]] = {
        AutobeError: render.error,
        OSError: render.os_error,
    }
    planning = sys.modules.get("autobe_core.planning.base")
    if planning is not None:  # NotUnderstood is raised only where the planners are imported
        table[planning.NotUnderstood] = render_history.not_understood
    return table


PASSED_ON: tuple[type[BaseException], ...] = (
    click.exceptions.ClickException,
    click.exceptions.Exit,
    click.exceptions.Abort,
    EOFError,
)
"""What click itself turns into messages and exit statuses (usage errors, aborts)."""


def report(exc: BaseException) -> int:
    """Print ``exc`` for the user; the exit status."""
    from autobe_cli import render

    table = renderers()
    for cls in type(exc).__mro__:
        renderer = table.get(cls)
        if renderer is not None:
            renderer(exc)
            return EXIT_FAILURE
    render.internal_error(exc)
    return EXIT_FAILURE
