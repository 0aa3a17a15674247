"""Generated tests of declared domain behaviour (:mod:`..operation.behaviours`), from
what each behaviour means, against the database the API wrote:

- ``view_count``: a read raises the row's count by exactly one;
- ``child_count``: creating a child raises its parent's count by one, erasing it lowers it
  by one;
- ``child_total``: after a child's create, update (of the summed field) and erase, the
  parent's total equals the sum over its live children;
- ``snapshot``: an update writes exactly one snapshot row, holding the row's fields as the
  update left them;
- ``stock``: a create takes its quantity from the stock of the row it points at; with too
  few in stock it is refused (409) and the stock stays. (Creates racing for the stock are
  tested by autobe's own suite against PostgreSQL, tests/e2e/test_stock_locking.py: the
  generated harness runs each test in one connection.)
"""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation.behaviours import Kept
from autobe_core.generate.kinds.test.crud import (
    caller_setup,
    error,
    make_row,
    owned_body_rows,
    parent_setup,
    request,
    row_setup,
    row_url,
    status,
    valid_body_function,
)
from autobe_core.generate.kinds.test.render import TestModule, orm_alias, sample


def _orm(m: TestModule, table: str, class_name: str) -> str:
    m.module_imports.add(f"import app.models.{table} as {orm_alias(table)}")
    m.ids.add(f"model:{table}")
    return f"{orm_alias(table)}.{class_name}"


def _live_sum(m: TestModule, k: Kept, parent_key: str) -> str:
    """The expected total: the sum of the summed field over the parent's live children."""
    assert k.child_table is not None and k.child_class is not None
    C = _orm(m, k.child_table, k.child_class)
    live = f", {C}.deleted_at.is_(None)" if k.child_soft_delete else ""
    return (f"sum(c.{k.sum} for c in session.scalars("
            f"{m.use('sqlalchemy', 'select')}({C}).where({C}.{k.via} == {parent_key}{live})))")


def _total_checks(m: TestModule, k: Kept, parent: str) -> list[str]:
    expected = _live_sum(m, k, f"{parent}.{k.primary}")
    if k.sum_type == "int":
        return [f"assert {parent}.{k.field} == {expected}"]
    approx = m.use("pytest", "approx")
    return [f"assert float({parent}.{k.field}) == {approx}(float({expected}))"]


def _parent_checks(m: TestModule, k: Kept, parent: str, step: str) -> list[str]:
    if k.kind == "child_count":
        return [f"assert {parent}.{k.field} == before_{k.field} {step} 1"]
    return _total_checks(m, k, parent)


def _reload(m: TestModule, k: Kept, key: str, name: str = "parent") -> list[str]:
    P = _orm(m, k.table, k.class_name)
    return [f"{name} = {m.helper('reload')}(session, {P}, {key})", f"assert {name} is not None"]


def _add_view(m: TestModule, k: Kept) -> None:
    setup, auth = caller_setup(m)
    lines = [*setup, make_row(m, "account" if auth else None), "session.commit()",
             f"key = row.{k.primary}", f"before = row.{k.field}",
             request(m, row_url(m, "row"), auth=auth), status(200),
             *_reload(m, k, "key", "stored"), f"assert stored.{k.field} == before + 1"]
    m.add(f"test_at_counts_a_view_in_{k.field}",
          f"Each read raises {k.table}.{k.field} by one.", lines)


def _add_child_create(m: TestModule, k: Kept) -> None:
    s = m.s
    assert s.model is not None
    if not any(text.startswith("def valid_body(") for text in m.preamble):
        valid_body_function(m, s.body_fields)
    setup, auth = caller_setup(m)
    parents, args, _bound = parent_setup(m)
    P = _orm(m, k.table, k.class_name)
    select = m.use("sqlalchemy", "select")
    lines = [*setup, *parents, "body = valid_body(session)", *owned_body_rows(m),
             "session.commit()"]
    if k.kind == "child_count":
        lines.append(f"counts = {{p.{k.primary}: p.{k.field} for p in "
                     f"session.scalars({select}({P}))}}")
    lines += [request(m, m.url(args), json="body", auth=auth), status(201),
              f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
              f"{m.uuid()}.UUID(response.json()[{py_str(s.model.primary)}]))",
              "assert stored is not None", f"assert stored.{k.via} is not None",
              *_reload(m, k, f"stored.{k.via}")]
    if k.kind == "child_count":
        lines.append(f"assert parent.{k.field} == counts[parent.{k.primary}] + 1")
    else:
        lines += _total_checks(m, k, "parent")
    verb = "raises" if k.kind == "child_count" else "recomputes"
    m.add(f"test_create_keeps_{k.table}_{k.field}",
          f"A new {s.model.name} row {verb} its parent's {k.field} ({k.kind}).", lines)


def _add_child_erase(m: TestModule, k: Kept) -> None:
    s = m.s
    assert s.model is not None
    setup, auth = caller_setup(m)
    account = "account" if auth else None
    row = make_row(m, account)
    if row == f"row = {account}" or k.via_nullable:
        return
    lines = [*setup, row, "session.commit()", f"parent_key = row.{k.via}",
             "assert parent_key is not None",
             *([*_reload(m, k, "parent_key", "before_parent"),
                f"before_{k.field} = before_parent.{k.field}"] if k.kind == "child_count" else []),
             request(m, row_url(m, "row"), auth=auth), status(204),
             *_reload(m, k, "parent_key"), *_parent_checks(m, k, "parent", "-")]
    verb = "lowers" if k.kind == "child_count" else "recomputes"
    m.add(f"test_erase_keeps_{k.table}_{k.field}",
          f"Erasing a {s.model.name} row {verb} its parent's {k.field} ({k.kind}).", lines)


def _add_child_update(m: TestModule, k: Kept) -> None:
    s = m.s
    summed = next((f for f in s.body_fields if f.source == k.sum), None)
    if k.kind != "child_total" or summed is None or k.via_nullable:
        return
    setup, auth = row_setup(m)
    lines = [*setup, f"parent_key = row.{k.via}",
             f"body = {{{py_str(summed.name)}: {sample(summed, 2)}}}",
             request(m, row_url(m, "row"), json="body", auth=auth), status(200),
             *_reload(m, k, "parent_key"), *_total_checks(m, k, "parent")]
    m.add(f"test_update_keeps_{k.table}_{k.field}",
          f"Changing {summed.name} recomputes the parent's {k.field} (child_total).", lines)


def _add_snapshot(m: TestModule, k: Kept) -> None:
    assert k.child_table is not None and k.child_class is not None
    S = _orm(m, k.child_table, k.child_class)
    select = m.use("sqlalchemy", "select")
    setup, auth = row_setup(m)
    listing = f"session.scalars({select}({S}).where({S}.{k.via} == key)).all()"
    lines = [*setup, f"key = row.{k.primary}",
             f"old = {{x.{k.child_primary} for x in {listing}}}",
             request(m, row_url(m, "row"), json="{}", auth=auth), status(200),
             *_reload(m, k, "key", "stored"),
             f"new = [x for x in {listing} if x.{k.child_primary} not in old]",
             "assert len(new) == 1"]
    lines += [f"assert new[0].{f} == stored.{f}" for f in k.copied]
    m.add(f"test_update_writes_a_{k.child_table}_row",
          f"An update writes one {k.child_table} row holding the row's fields as updated.",
          lines)


def _add_stock(m: TestModule, k: Kept) -> None:
    s = m.s
    assert s.model is not None
    quantity = next((f for f in s.body_fields if f.source == k.sum), None) if k.sum else None
    if k.sum and quantity is None:
        return
    if not any(text.startswith("def valid_body(") for text in m.preamble):
        valid_body_function(m, s.body_fields)
    setup, auth = caller_setup(m)
    parents, args, _bound = parent_setup(m)
    P = _orm(m, k.table, k.class_name)
    every = f"session.scalars({m.use('sqlalchemy', 'select')}({P}))"
    taken = f"int(body[{py_str(quantity.name)}])" if quantity is not None else "1"
    base = [*setup, *parents, "body = valid_body(session)", *owned_body_rows(m)]
    call = request(m, m.url(args), json="body", auth=auth)
    m.add(f"test_create_takes_{k.table}_{k.field}",
          f"A new {s.model.name} row takes its quantity from {k.table}.{k.field}.",
          [*base, f"for p in {every}:\n        p.{k.field} = {taken} + 5", "session.commit()",
           call, status(201),
           f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
           f"{m.uuid()}.UUID(response.json()[{py_str(s.model.primary)}]))",
           "assert stored is not None", f"assert stored.{k.via} is not None",
           *_reload(m, k, f"stored.{k.via}"), f"assert parent.{k.field} == 5"])
    m.add(f"test_create_beyond_{k.table}_{k.field}_is_409",
          f"With too few in {k.table}.{k.field} the create is refused and the stock stays.",
          [*base, f"for p in {every}:\n        p.{k.field} = {taken} - 1", "session.commit()",
           call, *error(409, "conflict"), "session.expire_all()",
           f"assert all(p.{k.field} == {taken} - 1 for p in {every})"])


def add_behaviour_tests(m: TestModule) -> None:
    """The tests of the behaviours the operation carries out (none when it has none)."""
    s = m.s
    if s.model is None:
        return
    for k in s.kept:
        if k.kind == "view_count" and s.kind == "at":
            _add_view(m, k)
        elif k.kind == "snapshot" and s.kind == "update":
            _add_snapshot(m, k)
        elif k.kind == "stock" and s.kind == "create":
            _add_stock(m, k)
        elif s.kind == "create":
            _add_child_create(m, k)
        elif s.kind == "erase":
            _add_child_erase(m, k)
        elif s.kind == "update":
            _add_child_update(m, k)
