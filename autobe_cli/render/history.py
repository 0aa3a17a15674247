"""Presentation of the history: plans, outcomes, log, show, diff, blame.

Every text a user or a model wrote (requests, authors, explanations, paths, diffs) is
shown through :func:`~autobe_cli.render.console.plain` / ``safe``: escaped, never obeyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.syntax import Syntax
from rich.table import Table

from autobe_cli.render.console import err, out, plain, safe
from autobe_cli.render.project import ladder_result

if TYPE_CHECKING:  # what renders a value does not import what made it
    from autobe_core.history import Rejection
    from autobe_core.planning.base import NotUnderstood
    from autobe_core.schema import Step
    from autobe_core.service import (
        BlameEntry,
        ChangeOutcome,
        ChangePlan,
        LogEntry,
        Request,
        RevisionDiff,
    )
    from autobe_core.spec import AccessChange


def explanation(request: Request) -> None:
    """What the planner understood (nothing for typed edits)."""
    if not request.planned:
        return
    planner, tokens, tries = request.planner, request.tokens, request.tries
    cost = f" ({tokens} tokens, {tries} tries)" if planner == "llm" else ""
    out.print(plain(f"planner {planner}{cost}: {request.explanation}"))


def not_understood(exc: NotUnderstood) -> None:
    err.print("[bold red]error:[/]", end=" ")
    err.print(plain(exc.message))
    if exc.closest:
        err.print(plain("  closest: " + ", ".join(exc.closest[:8])))
    if exc.hint:
        err.print(plain(f"  hint: {exc.hint}"))
    err.print("nothing was changed")


def plan(p: ChangePlan) -> None:
    import yaml

    out.print(f"plan against revision {p.base}: {len(p.concrete.edits)} edit(s)")
    for edit in p.concrete.edits:
        data = edit.model_dump(mode="json", by_alias=True, exclude_none=True)
        out.print(plain("  " + yaml.safe_dump(data, default_flow_style=True, width=1000).strip()))
    out.print(f"modules: {p.affected.summary()}")
    for m in p.affected.touched:
        why = "; ".join(r.render() for r in m.reasons) or "-"
        out.print(plain(f"  {m.change:8} {m.path}  <- {why}"))
    database_steps(p.database.steps)


def database_steps(steps: Sequence[Step]) -> None:
    """The database steps of a change or a revision; what can lose data is flagged."""
    if not steps:
        out.print("database: unchanged")
        return
    out.print(f"database: {len(steps)} step(s)")
    for step in steps:
        out.print(plain(f"  {step.describe()}"))
    destructive = [s for s in steps if s.destructive]
    for step in destructive:
        err.print(plain(f"warning: {step.describe()}: data can be lost"), style="bold yellow")


def dry_run() -> None:
    out.print("dry run: nothing was written")


def change_outcome(o: ChangeOutcome, plan_shown: bool = True) -> None:
    """What a change or rollback recorded; the database steps (destructive ones flagged)
    when no plan showed them before (typed edits, rollbacks)."""
    for note in o.notes:
        err.print(plain(f"note: {note}"))
    if o.verification is not None and (o.rejected or not o.verification.ok):
        ladder_result(o.verification)
    if o.rejected:
        out.print(
            "[bold red]change rejected[/]: the backend did not pass check; head, "
            "workspace and your files are unchanged (see `autobe log --rejected`)"
        )
        return
    r = o.revision
    assert r is not None
    counts = (
        f"{len(o.regenerated)} regenerated, {int(r.delta.get('reused', 0))} reused, "
        f"{len(r.delta.get('removed', []))} removed"
    )
    verified = (
        "verified"
        if o.verification and o.verification.ok
        else "not verified"
        if o.verification is None
        else "FAILED"
    )
    label = f"rollback to r{r.rolled_back_to}" if r.rolled_back_to else "change"
    out.print(f"revision {r.number} ({label}): {counts}; {verified}")
    if o.plan is None or not plan_shown:
        from autobe_core.service.migrations import recorded_migration

        migration = recorded_migration(r)
        database_steps(migration.steps if migration is not None else ())
    if r.delta.get("migration"):
        out.print("next: `autobe db upgrade` brings a database to this revision")
    for path in o.kept:
        err.print(plain(f"  kept your version of {path}"))
    for path in o.saved:
        err.print(plain(f"  saved your version: {path}"))


def log_data(e: LogEntry) -> dict[str, Any]:
    r = e.revision
    return {
        "revision": r.number,
        "kind": r.kind,
        "date": r.timestamp,
        "author": r.author,
        "request": r.text,
        "planner": r.planner,
        "regenerated": e.regenerated,
        "reused": e.reused,
        "removed": e.removed,
        "verification": e.verification,
        "tokens": r.tokens,
        "tries": r.tries,
        "rolledBackTo": r.rolled_back_to,
        "tags": list(e.tags),
    }


def log(entries: list[LogEntry]) -> None:
    table = Table(title="history")
    table.add_column("rev", justify="right")
    table.add_column("date", no_wrap=True)
    table.add_column("author")
    table.add_column("request", ratio=1)
    table.add_column("regenerated / reused / removed", no_wrap=True)
    table.add_column("check")
    table.add_column("tokens", justify="right")
    for e in reversed(entries):
        r = e.revision
        request = r.text if r.kind == "change" else f"rollback to r{r.rolled_back_to}"
        if e.tags:
            request += f" [{', '.join(e.tags)}]"
        table.add_row(
            str(r.number),
            r.timestamp[:16].replace("T", " "),
            plain(r.author),
            plain(request),
            f"{e.regenerated} / {e.reused} / {e.removed}",
            e.verification,
            str(r.tokens),
        )
    out.print(table)


def rejections(items: list[Rejection]) -> None:
    if not items:
        out.print("no rejected changes")
        return
    table = Table(title="rejected changes")
    for column in ("date", "author", "request", "stage", "problems"):
        table.add_column(column)
    for item in items:
        table.add_row(
            item.timestamp[:19].replace("T", " "),
            plain(item.author),
            plain(item.text),
            item.stage,
            str(len(item.diagnostics)),
        )
    out.print(table)


def show(e: LogEntry) -> None:
    r = e.revision
    out.print(plain(f"revision {r.number} ({r.kind}) {r.timestamp}"))
    if r.rolled_back_to is not None:  # no request, no planner: the files of an older one
        what = f"author:  {r.author}\nrollback to revision {r.rolled_back_to}"
    else:
        what = (f"author:  {r.author}\nrequest: {r.text}\nplanner: {r.planner} "
                f"(tokens {r.tokens}, tries {r.tries})")
    out.print(plain(what))
    if e.tags:
        out.print(plain(f"tags:    {', '.join(e.tags)}"))
    out.print(plain(f"spec:    {r.spec_hash[:16]}  manifest: {r.manifest_hash[:16]}"))
    out.print(f"modules: {e.modules_summary()}; check: {e.verification}")
    if r.changeset.get("edits"):
        out.print("edits:")
        import yaml

        out.print(Syntax(safe(yaml.safe_dump(r.changeset, sort_keys=False)), "yaml"))
    for kind in ("added", "changed", "removed"):
        for item in r.delta.get(kind, []):
            why = "; ".join(" -> ".join(p[::2]) for p in item.get("reasons", [])) or "-"
            out.print(plain(f"  {kind:8} {item['path']}  <- {why}"))
    migration = e.migration
    if migration is not None:
        out.print(plain(f"migration: {migration.id} (after {migration.down or 'nothing'})"))
    database_steps(migration.steps if migration is not None else ())
    access(e.access, first=r.number == 1)


def access(changes: Sequence[AccessChange], first: bool = False) -> None:
    """Who may reach which rows, where a revision changed it (``autobe access``: all)."""
    if first:
        out.print(plain(f"access: {len(changes)} operations (`autobe access` shows each)"))
        return
    if changes:
        out.print("access:")
    for c in changes:
        if c.before is None:
            out.print(plain(f"  + {c.endpoint}: {c.after}"))
        elif c.after is None:
            out.print(plain(f"  - {c.endpoint}"))
        else:
            out.print(plain(f"  ~ {c.endpoint}: {c.before}\n      now: {c.after}"))


def diff(d: RevisionDiff, spec_only: bool = False) -> None:
    out.print(f"r{d.a} -> r{d.b}: {len(d.elements)} spec element(s), {len(d.files)} file(s)")
    for element, change in d.elements.items():
        out.print(plain(f"  {change:8} {element}"))
    if d.spec:
        out.print(Syntax(safe(d.spec), "diff"))
    if spec_only:
        return
    for f in d.files:
        out.print(Syntax(safe(f.unified), "diff") if f.unified else plain(f"{f.change} {f.path}"))


def blame(entries: list[BlameEntry]) -> None:
    table = Table(title="blame")
    for column in ("file", "rev", "date", "author", "request"):
        table.add_column(column)
    for b in entries:
        table.add_row(
            plain(b.path),
            str(b.revision),
            b.timestamp[:19].replace("T", " "),
            plain(b.author),
            plain(b.request),
        )
    out.print(table)
