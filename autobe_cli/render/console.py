"""The two consoles and the plain messages every command shares (errors, emitted text).

Results go to standard output; progress and errors go to standard error, so output
stays pipeable (``autobe graph > g.dot``).

Text that comes from a user or a model (request words, authors, summaries, file names,
error messages quoting input) is shown through :func:`plain` (a rich ``Text``, so no
``[markup]`` in it applies) or :func:`safe` (a string): control characters, lone
surrogates and bidirectional overrides are written as escapes (``\x1b``), so nothing in
the text can move the cursor, recolour the terminal or fail to encode.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from autobe_core.errors import AutobeError
from autobe_core.spec.text import visible

WIDTH_WHEN_PIPED = 120
"""Tables keep their columns readable when output goes to a file or a pipe."""

out = Console(
    highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else WIDTH_WHEN_PIPED
)
err = Console(stderr=True, highlight=False, soft_wrap=True)

STATUS_STYLE = {"passed": "green", "failed": "bold red", "skipped": "dim"}


def safe(text: object) -> str:
    """``str(text)`` with what a terminal would act on escaped (see the module doc)."""
    return visible(str(text))


def plain(text: object, style: str = "") -> Text:
    """``text`` as rich Text: escaped (:func:`safe`), and no markup in it applies."""
    return Text(safe(text), style=style)


def error(exc: AutobeError) -> None:
    """A failure the user can act on: its message (and hint), nothing else."""
    err.print("[bold red]error:[/]", end=" ")
    err.print(plain(exc))


OS_HINTS: dict[int, str] = {
    errno.ENOSPC: "free some disk space, then run the command again",
    errno.EDQUOT: "free some disk space (or raise your quota), then run the command again",
    errno.EACCES: "make that path writable for you (or work elsewhere), then run the command "
    "again",
    errno.EPERM: "make that path writable for you (or work elsewhere), then run the command "
    "again",
    errno.EROFS: "that file system is read-only: work on a writable one",
}
"""What to do about an operating-system error, by errno (other errors: the message only)."""


def os_error(exc: OSError) -> None:
    """An operating-system failure: what failed, on which path, and what to do."""
    text = exc.strerror or str(exc)
    names = [name for name in (exc.filename, exc.filename2) if name is not None]
    if names:
        text += ": " + " -> ".join(repr(name) for name in names)
    hint = OS_HINTS.get(exc.errno or 0)
    err.print("[bold red]error:[/]", end=" ")
    err.print(plain(f"{text}\n  hint: {hint}" if hint else text))


def internal_error(exc: BaseException) -> None:
    """A bug: one line naming it, and how to see the traceback."""
    err.print("[bold red]internal error:[/]", end=" ")
    err.print(plain(f"{type(exc).__name__}: {exc}"))
    err.print(
        "  hint: this is a bug in autobe; rerun the command with --debug "
        "(autobe --debug ...) to see the traceback",
        markup=False,
    )


def emit(text: str, output: Path | None) -> None:
    if output is None:
        out.file.write(safe(text))
        out.file.flush()
    else:
        output.write_text(text, encoding="utf-8")
        err.print(plain(f"wrote {output}"))


