"""What ``autobe realize`` (and a change or an import with a model configured) prints:
one progress line per try on standard error, the report on standard output."""

from __future__ import annotations

from autobe_cli.render.console import err, out, plain
from autobe_core.errors import AutobeError
from autobe_core.realize import RealizeReport, Verdict


def try_line(operation_id: str, attempt: int, verdict: Verdict) -> None:
    what = "passed" if verdict.passed else f"{verdict.stage} failed"
    err.print(plain(f"  realize {operation_id}: try {attempt}: {what} ({verdict.seconds:.1f}s)"))


def report(r: RealizeReport) -> None:
    for line in r.lines():
        out.print(plain(line))


def starting(count: int, where: str) -> None:
    err.print(plain(f"realizing {count} custom operation(s) with {where}..."))


def skipped(exc: AutobeError) -> None:
    hint = f" ({exc.hint})" if exc.hint else ""
    err.print(plain(f"warning: custom operations not realized: {exc}{hint}; they answer 501 "
                    "until `autobe realize` succeeds"))
