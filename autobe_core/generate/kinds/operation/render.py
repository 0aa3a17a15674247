"""Text of one operation module (``app/operations/<operation_id>.py``) from its slice.

The handler of each kind follows the behaviour table of docs/generated-backend.md; see
:mod:`autobe_core.generate.kinds.operation.generator` for the slice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from autobe_core.generate.common import import_block, safe_docstring
from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation import account, behaviours
from autobe_core.generate.kinds.operation.access import (
    body_parent_check,
    guard_lines,
    index_filter,
    reference_checks,
    row_check,
    row_condition,
    scope_imports,
)
from autobe_core.generate.kinds.operation.chains import (
    chain_checks,
    chain_classes,
    chain_conditions,
)
from autobe_core.generate.kinds.operation.responses import error_statuses, responses_argument
from autobe_core.spec.naming import pascal

if TYPE_CHECKING:
    from autobe_core.generate.kinds.operation.generator import OperationSlice

STATUS = {"create": 201, "join": 201, "erase": 204}

APP_MODULES = {
    "app.db": "app:db",
    "app.errors": "app:errors",
    "app.models": "app:models",
    "app.dtos.common": "app:dtos_common",
    "app.settings": "app:settings",
    "app.health": "app:health",
    "app.auth.security": "auth:security",
    "app.auth.actors": "auth:actors",
    "app.auth.one_time": "auth:one_time",
}
APP_PACKAGES = {
    "app.models": "model",
    "app.dtos": "dto",
    "app.collectors": "collector",
    "app.transformers": "transformer",
    "app.operations": "operation",
}


def imported_module_ids(lines: Iterable[str]) -> frozenset[str]:
    """The backend module ids that ``import`` / ``from ... import`` lines name."""
    ids: set[str] = set()
    for line in lines:
        words = line.replace(",", " ").split()
        if len(words) < 2 or not words[1].startswith("app."):
            continue
        module = words[1]
        if module in APP_MODULES:
            ids.add(APP_MODULES[module])
        elif module.rpartition(".")[0] in APP_PACKAGES:
            package, _, name = module.rpartition(".")
            ids.add(f"{APP_PACKAGES[package]}:{name}")
        elif words[0] == "from" and module in APP_PACKAGES and "import" in words:
            names = words[words.index("import") + 1:]
            ids.update(f"{APP_PACKAGES[module]}:{n}" for n in names if n != "as")
    return frozenset(ids)


def _uses_principal(s: OperationSlice) -> bool:
    return s.actor is not None and (s.owner is not None or s.scope is not None
                                    or s.caller_row)


def _import_lines(s: OperationSlice) -> list[str]:
    lines = ["from fastapi import APIRouter"]
    fastapi = {"APIRouter"}
    typing = set()
    if s.actor is not None:
        fastapi.add("Depends")
        lines.append(f"from app.auth.actors import {_principal(s.actor)}, require_{s.actor}"
                     if _uses_principal(s) else f"from app.auth.actors import require_{s.actor}")
    if any(p.type == "uuid.UUID" for p in s.params) or s.kind in ("create", "index"):
        lines.append("import uuid")
    if any(p.type == "decimal.Decimal" for p in s.params):
        lines.append("import decimal")
    common = {p.type for p in s.params if p.type in ("Text", "Timestamp")}
    if s.params:
        fastapi.add("Path")
        typing.add("Annotated")
    m = s.model
    if s.kind != "custom" and m is not None:
        fastapi.add("Depends")
        typing.add("Annotated")
        lines.append("from sqlalchemy.orm import Session")
        db = {"get_session"}
        errors: set[str] = {"error_responses"}
        dtos: set[str] = set()
        transformers: set[str] = set()
        collectors: set[str] = set()
        sa = {"select"}
        chained = chain_classes(s.params)
        lines += [f"from app.models.{table} import {name}" for table, name in chained.items()
                  if table != m.name]
        if s.kind == "create":
            db.add("commit")
            dtos |= {m.dto("create"), m.dto("read")}
            collectors.add("collect_create")
            transformers.add("to_read")
            if s.parents or any(p.chain for p in s.params):
                errors.add("NotFoundError")
                lines += [f"from app.models.{p.table} import {p.class_name}" for p in s.parents
                          if p.table not in chained]
            sa.clear()
            if any(p.chain for p in s.params):
                sa.add("select")
        elif s.kind in ("at", "update", "erase"):
            errors.add("NotFoundError")
            lines.append(f"from app.models.{m.name} import {m.class_name}")
            if s.owner is not None:
                errors.add("ForbiddenError")
            if s.kind == "at":
                dtos.add(m.dto("read"))
                transformers.add("to_read")
            elif s.kind == "update":
                db.add("commit")
                dtos |= {m.dto("update"), m.dto("read")}
                collectors.add("collect_update")
                transformers.add("to_read")
            else:
                db.add("commit")
                fastapi.add("Response")
                if s.soft_delete:
                    db.add("utcnow")
        elif s.kind == "index":
            sa.add("func")
            dtos |= {m.dto("request"), m.dto("page")}
            collectors.add("collect_query")
            transformers.add("to_summary")
            common.add("make_pagination")
            if any((p.field and not p.key) or p.chain for p in s.params):
                lines.append(f"from app.models.{m.name} import {m.class_name}")
        else:
            needs = account.needs(s)
            fastapi |= needs.fastapi
            db |= needs.db
            sa |= needs.sa
            errors |= needs.errors
            dtos |= needs.dtos
            collectors |= needs.collectors
            transformers |= needs.transformers
            lines += needs.lines
        kept_lines, kept_db, kept_sa, kept_errors = behaviours.needs(s.kind, s.kept)
        lines += [line for line in kept_lines if line not in lines]
        db |= kept_db
        sa |= kept_sa
        errors |= kept_errors
        scope_lines, scope_sa, scope_errors = scope_imports(s.scope, s.kind, m.name,
                                                            m.class_name)
        lines += scope_lines
        sa |= scope_sa
        errors |= scope_errors
        lines.append(f"from app.db import {', '.join(sorted(db))}")
        if sa:
            lines.append(f"from sqlalchemy import {', '.join(sorted(sa))}")
        for module, names in (("errors", errors), (f"dtos.{m.name}", dtos),
                              (f"collectors.{m.name}", collectors),
                              (f"transformers.{m.name}", transformers)):
            if names:
                lines.append(f"from app.{module} import {', '.join(sorted(names))}")
    else:
        lines.append("from app.errors import NotImplementedOperation, error_responses")
    lines[0] = f"from fastapi import {', '.join(sorted(fastapi))}"
    if common:
        lines.append(f"from app.dtos.common import {', '.join(sorted(common))}")
    if typing:
        lines.append(f"from typing import {', '.join(sorted(typing))}")
    return lines


def imports_of(s: OperationSlice) -> frozenset[str]:
    return imported_module_ids(_import_lines(s))


def _principal(actor: str) -> str:
    return f"{pascal(actor)}Principal"


# --------------------------------------------------------------------------- handler


def _decorator(s: OperationSlice) -> str:
    args = [py_str(s.path)]
    status = STATUS.get(s.kind)
    if status is not None:
        args.append(f"status_code={status}")
    if s.kind == "erase":
        args.append("response_class=Response")
    args.append(f"operation_id={py_str(s.operation_id)}")
    args.append(responses_argument(error_statuses(s)))
    if s.summary.strip():
        args.append(f"summary={py_str(s.summary)}")
    if s.description.strip():
        args.append(f"description={py_str(s.description)}")
    if s.actor is not None and not _uses_principal(s):
        args.append(f"dependencies=[Depends(require_{s.actor})]")
    args += account.dependencies(s)
    return f"@router.{s.method}(\n" + "".join(f"    {a},\n" for a in args) + ")\n"


def _signature(s: OperationSlice) -> str:
    m = s.model
    args: list[str] = []
    body = {"create": "create", "update": "update", "index": "request", "join": "join",
            "login": "login", "refresh": "refresh"}.get(s.kind)
    if m is not None and body is not None and s.kind != "index":
        args.append(f"body: {m.dto(body)}")
    if _uses_principal(s) and s.actor is not None:
        args.append(f"principal: Annotated[{_principal(s.actor)}, "
                    f"Depends(require_{s.actor})]")
    if s.kind != "custom":
        args.append("session: Annotated[Session, Depends(get_session)]")
    args += [f"{p.arg}: Annotated[{p.type}, Path(alias={py_str(p.name)})]" for p in s.params]
    if m is not None and s.kind == "index":
        args.append(f"body: {m.dto('request')} | None = None")
    returns = "None"
    if m is not None:
        returns = {"create": m.dto("read"), "at": m.dto("read"), "update": m.dto("read"),
                   "erase": "Response", "index": m.dto("page"), "join": m.dto("authorized"),
                   "login": m.dto("authorized"),
                   "refresh": m.dto("authorized")}.get(s.kind, "None")
    inner = "".join(f"    {a},\n" for a in args)
    return f"def {s.handler}(\n{inner}) -> {returns}:\n" if args else \
        f"def {s.handler}() -> {returns}:\n"


def _fetch_row(s: OperationSlice) -> str:
    assert s.model is not None
    C = s.model.class_name
    conditions = [f"{C}.{p.field} == {p.arg}" for p in s.params if p.field]
    conditions += chain_conditions(s.params, C, "            ")
    if s.caller_row:
        conditions.append(f"{C}.{s.primary} == principal.id")
    if s.soft_delete:
        conditions.append(f"{C}.deleted_at.is_(None)")
    owned = row_condition(s.scope, C, s.primary) if s.kind == "at" else None
    if owned is not None:
        conditions.append(owned)
    query = f"select({C})"
    if conditions:
        query += ".where(\n" + "".join(f"            {c},\n" for c in conditions) + "        )"
    return (f"    row = session.scalars(\n        {query}\n    ).first()\n"
            "    if row is None:\n"
            f"        raise NotFoundError({py_str(f'{s.model.name} not found')})\n")


def _owner_check(s: OperationSlice) -> str:
    if s.owner is None or s.model is None:
        return ""
    return (f"    if row.{s.owner} != principal.id:\n"
            f"        raise ForbiddenError("
            f"{py_str(f'this {s.model.name} row belongs to another account')})\n")


def _body(s: OperationSlice) -> str:
    m = s.model
    if m is None or s.kind == "custom":
        return (f"    raise NotImplementedOperation("
                f"{py_str(f'{s.method.upper()} {s.path} is not implemented yet')})\n")
    guards = guard_lines(s.scope)
    if s.kind == "create":
        out = guards
        for p in s.parents:
            if p.soft_delete:
                var = f"{p.field}_row"
                out += (f"    {var} = session.get({p.class_name}, {p.arg})\n"
                        f"    if {var} is None or {var}.deleted_at is not None:\n")
            else:
                out += f"    if session.get({p.class_name}, {p.arg}) is None:\n"
            out += f"        raise NotFoundError({py_str(f'{p.table} not found')})\n"
        bound = [f"{py_str(p.field)}: {p.arg}" for p in s.params if p.field and p.key
                 and p.field != s.primary]
        if s.owner is not None:
            bound.append(f"{py_str(s.owner)}: principal.id")
        out += f"    bound: dict[str, uuid.UUID] = {{{', '.join(bound)}}}\n"
        return out + ("    row = collect_create(body, bound)\n" + chain_checks(s.params)
                      + body_parent_check(s.scope)
                      + reference_checks(s.scope) + behaviours.before_add(s.kept)
                      + "    session.add(row)\n" + behaviours.after_create(s.kept)
                      + "    commit(session)\n    session.refresh(row)\n    return to_read(row)\n")
    checks = guards + _fetch_row(s) + _owner_check(s)
    if s.kind in ("update", "erase"):
        checks += row_check(s.scope, m.class_name, s.primary, m.name)
    if s.kind in ("update", "erase"):
        checks += behaviours.before_change(s.kind, s.kept)
    if s.kind == "at":
        return checks + behaviours.after_read(s.kept) + "    return to_read(row)\n"
    if s.kind == "update":
        return (checks + "    collect_update(row, body)\n" + reference_checks(s.scope, update=True)
                + behaviours.after_update(s.kept)
                + "    commit(session)\n    session.refresh(row)\n    return to_read(row)\n")
    if s.kind == "erase":
        remove = ("    row.deleted_at = utcnow()\n" if s.soft_delete
                  else "    session.delete(row)\n")
        return (checks + behaviours.before_remove(s.kept) + remove
                + behaviours.after_remove(s.kept) + "    commit(session)\n"
                "    return Response(status_code=204)\n")
    if s.kind == "index":
        return guards + _index_body(s)
    return account.body(s)


def _index_body(s: OperationSlice) -> str:
    assert s.model is not None
    C = s.model.class_name
    bound = [f"{py_str(p.field)}: {p.arg}" for p in s.params if p.field and p.key]
    if s.owner is not None:
        bound.append(f"{py_str(s.owner)}: principal.id")
    out = (f"    if body is None:\n        body = {s.model.dto('request')}()\n"
           f"    bound: dict[str, uuid.UUID] = {{{', '.join(bound)}}}\n"
           "    stmt = collect_query(body, bound)\n") + index_filter(s.scope, C, s.primary)
    for condition in chain_conditions(s.params, C, "    "):
        out += f"    stmt = stmt.where({condition})\n"
    for p in s.params:
        if p.field and not p.key:
            out += f"    stmt = stmt.where({C}.{p.field} == {p.arg})\n"
    return out + (
        "    total = session.scalar(\n"
        "        select(func.count()).select_from(stmt.order_by(None).subquery())\n"
        "    ) or 0\n"
        "    rows = session.scalars(stmt.offset((body.page - 1) * body.limit)"
        ".limit(body.limit)).all()\n"
        f"    return {s.model.dto('page')}(\n"
        "        pagination=make_pagination(body.page, body.limit, total),\n"
        "        data=[to_summary(row) for row in rows],\n"
        "    )\n"
    )


def purpose(s: OperationSlice) -> str:
    """What the handler does, in words (its docstring when the spec gives none)."""
    table = s.model.name if s.model is not None else ""
    actor = s.account.actor if s.account is not None else "an"
    return {
        "create": f"Create a {table} row.",
        "at": f"Read one {table} row.",
        "index": f"List {table} rows: filters, search text, sort order and paging.",
        "update": f"Update a {table} row with the fields the body sends.",
        "erase": f"Erase a {table} row" + (" (soft delete)." if s.soft_delete else "."),
        "join": f"Register a {actor} account and sign it in.",
        "login": f"Sign a {actor} in with identity and password.",
        "refresh": "Exchange a refresh token for new tokens.",
    }.get(s.kind, "Not implemented yet: answers 501.")


def render(s: OperationSlice) -> str:
    head = f"{s.method.upper()} {s.path}: {s.summary.strip() or purpose(s)}"
    out = safe_docstring(head)
    out += "\nfrom __future__ import annotations\n\n" + import_block(_import_lines(s))
    out += "\nrouter = APIRouter()\n\n\n" + _decorator(s) + _signature(s)
    out += safe_docstring(s.description or purpose(s), "    ") + _body(s)
    return out + account.logout_route(s)
