"""Presentation for the CLI: what each command prints (rich tables, progress, plain text).

- :mod:`.console`: the stdout / stderr consoles, error messages, emitted text, and
  :func:`plain` / :func:`safe`, through which every user or model text is shown;
- :mod:`.project`: init, build, check (the recompile ladder), graph, status;
- :mod:`.history`: change plans, log, show, diff, blame, rollback, checkout, import.
"""

from autobe_cli.render.console import (
    emit,
    err,
    error,
    internal_error,
    os_error,
    out,
    plain,
    safe,
)
from autobe_cli.render.project import (
    build_progress,
    build_result,
    dot_to_svg,
    init_result,
    ladder_progress,
    ladder_result,
    status,
)

__all__ = [
    "build_progress",
    "build_result",
    "dot_to_svg",
    "emit",
    "err",
    "error",
    "init_result",
    "internal_error",
    "ladder_progress",
    "ladder_result",
    "os_error",
    "out",
    "plain",
    "safe",
    "status",
]
