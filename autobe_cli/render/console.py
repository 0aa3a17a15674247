"""The two consoles and the plain messages every command shares (errors, emitted text).

Results go to standard output; progress and errors go to standard error, so output
stays pipeable (``autobe graph > g.dot``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from autobe_core.errors import AutobeError

WIDTH_WHEN_PIPED = 120
"""Tables keep their columns readable when output goes to a file or a pipe."""

out = Console(
    highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else WIDTH_WHEN_PIPED
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_STYLE = {"passed": "green", "failed": "bold red", "skipped": "dim"}


def error(exc: AutobeError | OSError) -> None:
    """A failure the user can act on: its message (and hint), nothing else."""
    err.print("[bold red]error:[/]", end=" ")
    err.print(str(exc), markup=False)


def internal_error(exc: BaseException) -> None:
    """A bug: one line naming it, and how to see the traceback."""
    err.print("[bold red]internal error:[/]", end=" ")
    err.print(f"{type(exc).__name__}: {exc}", markup=False)
    err.print(
        "  hint: this is a bug in autobe; rerun the command with --debug "
        "(autobe --debug ...) to see the traceback",
        markup=False,
    )


def emit(text: str, output: Path | None) -> None:
    if output is None:
        out.file.write(text)
        out.file.flush()
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output}")


