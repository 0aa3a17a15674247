"""``autobe access``: who may call each operation and which rows it checks.

One line per operation, from the access model (:mod:`autobe_core.spec.access`): the
callers (anyone, or the principals of an actor), the owner chain the rows are checked
through (or why there is none: public, privileged, no chain, an override), and the path
parameters whose parent rows must be the caller's, and the body fields naming rows that
must be the caller's too. ``--format json`` gives the same as data.
"""

from __future__ import annotations

import json

import click

from autobe_cli.context import Context, pass_context
from autobe_cli.render.console import out, plain
from autobe_core.spec import OperationAccess, ProjectSpec, operation_access


def _parents(access: OperationAccess) -> list[dict[str, str]]:
    return [{"param": p.param, "parent": p.target,
             "check": p.chain.describe() if p.chain is not None else "exists"}
            for p in access.parents]


def access_rows(spec: ProjectSpec) -> list[dict[str, object]]:
    """Every operation's access, as plain data (what ``--format json`` prints)."""
    rows: list[dict[str, object]] = []
    for op in spec.operations:
        access = operation_access(spec, op)
        rows.append({
            "endpoint": op.endpoint, "kind": op.kind,
            "callers": "anyone" if access.callers.public else list(access.callers.actors),
            "chain": access.chain.describe() if access.chain is not None else None,
            "reason": access.reason, "parents": _parents(access),
            "references": [{"field": r.field, "row": r.target, "check": r.chain.describe()}
                           for r in access.references],
        })
    return rows


@click.command("access")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("-r", "--revision", default="head", help="A revision number or tag.")
@pass_context
def access(ctx: Context, fmt: str, revision: str) -> None:
    """Who may call each operation, the owner chain it checks, the parents it guards."""
    spec = ctx.service().spec(revision)
    if fmt == "json":
        out.file.write(json.dumps(access_rows(spec), indent=2, ensure_ascii=False) + "\n")
        return
    for op in spec.operations:
        found = operation_access(spec, op)
        out.print(plain(f"{op.endpoint} ({op.kind})", "bold"))
        out.print(plain(f"  callers: {found.callers.describe()}"))
        if found.chain is not None:
            out.print(plain(f"  rows:    {found.chain.describe()}"))
        else:
            out.print(plain(f"  rows:    not owner-scoped: {found.reason}"))
        for p in found.parents:
            check = (f"the caller's ({p.chain.describe()})" if p.chain is not None
                     else "must exist")
            out.print(plain(f"  {p.param}: {p.target} {check}"))
        for r in found.references:
            out.print(plain(f"  body {r.field}: {r.target} the caller's "
                            f"({r.chain.describe()})"))
