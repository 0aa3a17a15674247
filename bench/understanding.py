"""How much of the request corpus the offline rules understand, per project, in one run.

The corpus is ``tests/data/requests/<project>.yaml`` (issue 12): everyday phrasings of
changes on the todo and bbs fixtures and on four imported AutoBe examples, each with what
it must do (``tests/request_corpus.py``). A request counts as understood when the rule
planner plans it and the plan applies, validates, migrates a database holding rows and
meets every expectation of the entry; a ``beyond_rules`` entry (a reasonable request the
rules are not expected to read) and every failure count as not understood. A failing or
crashing request is reported, never a reason to stop.

It prints understood / total per project and overall, and with ``--failures`` every
request that was not understood, grouped by why (not understood, nothing to do, wrong
edits, wrong field, ...). Usage:

    .venv/bin/python bench/understanding.py [--failures] [--project todo ...]

Projects whose AutoBe example is not on this machine (``../shared/autobe-examples``) are
listed as missing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.request_corpus import (  # noqa: E402 - the repository root is put on the path first
    PROJECTS,
    Entry,
    ProjectMissing,
    load_corpus,
    outcome,
    project_spec,
)

REASONS = ("NotUnderstood", "NothingToDo", "check:", "validate:", "migration:", "same_as:",
           "field:", "grants:", "revokes:", "field_role:", "adds_actor:", "marked beyond_rules")


def first_line(message: str, limit: int = 300) -> str:
    """The request, what the plan did (its summary) and why it failed, on one line."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if not lines:
        return ""
    plan = next((line for line in lines if line.startswith("plan:")), "")
    reason = next((line for line in lines if line.startswith(REASONS)), lines[-1])
    text = " -> ".join(part for part in (lines[0], plan, reason) if part)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--failures", action="store_true", help="list what was not understood")
    parser.add_argument("--project", action="append", choices=PROJECTS,
                        help="only these projects (repeatable)")
    args = parser.parse_args(argv)
    projects = args.project or list(PROJECTS)

    rows: list[tuple[str, int, int, int, float]] = []
    failures: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
    for project in projects:
        entries = [e for e in load_corpus() if e.project == project]
        started = time.perf_counter()
        try:
            project_spec(project)
        except ProjectMissing as exc:
            print(f"{project}: missing ({exc})")
            continue
        understood = 0
        beyond = 0
        for entry in entries:
            ok, kind, message = outcome(entry)
            understood += ok
            if kind == "beyond-rules":
                beyond += 1
            elif not ok:
                failures[kind].append((entry, message))
        rows.append((project, understood, len(entries), beyond, time.perf_counter() - started))

    header = ("project", "understood", "total", "rate", "beyond", "seconds")
    print("{:<12} {:>10} {:>6} {:>6} {:>7} {:>8}".format(*header))
    for project, understood, total, beyond, seconds in rows:
        rate = understood / total if total else 0.0
        print(f"{project:<12} {understood:>10} {total:>6} {rate:>6.0%} {beyond:>7} {seconds:>8.1f}")
    done = sum(r[1] for r in rows)
    total = sum(r[2] for r in rows)
    print(f"{'total':<12} {done:>10} {total:>6} {done / total if total else 0:>6.0%} "
          f"{sum(r[3] for r in rows):>7} {sum(r[4] for r in rows):>8.1f}")

    if args.failures:
        for kind in sorted(failures, key=lambda k: -len(failures[k])):
            print(f"\n== {kind} ({len(failures[kind])})")
            for entry, message in failures[kind]:
                print(f"  [{entry.project}] {first_line(message)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
