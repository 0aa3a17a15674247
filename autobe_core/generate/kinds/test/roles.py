"""Tests of field roles and numeric bounds, derived from the spec's meaning (issue 11).

For a create (and the public join of an actor), from :mod:`autobe_core.spec.roles`:

- ``test_server_field_<name>_is_refused``: the body with a client's value for a
  server-set field answers 422 (input DTOs forbid unknown fields) and creates nothing;
- ``test_create_sets_server_fields``: a valid create stores each server field's value
  from its source (the default, the first enum value, 0, false, null, now, a generated
  number, the parent row's price);
- ``test_create_below_minimum_is_422``: every numeric field with a lower bound (the
  spec's, or ``roles.default_minimum``: quantities >= 1, money and counts >= 0) refuses
  the value just below it.

For an update: the server fields its body refuses (422, the row unchanged) and the
bounds. Names start with ``test_server_field_`` / ``test_*_below_minimum`` so a report
can count them.
"""

from __future__ import annotations

import decimal

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.test.crud import (
    caller_setup,
    owned_body_rows,
    parent_setup,
    request,
    row_setup,
    row_url,
    status,
)
from autobe_core.generate.kinds.test.render import TestModule, orm_alias
from autobe_core.generate.kinds.test.role_facts import ServerFieldShape
from autobe_core.generate.kinds.test.slices import FieldShape
from autobe_core.schema import INT32_MIN


def client_value(m: TestModule, field: ServerFieldShape) -> str:
    """A value of the field's type a client might try to set (a Python expression)."""
    if field.enum:
        return py_str(field.enum[-1])
    if field.type == "uuid":
        return f"str({m.uuid()}.uuid4())"
    return {
        "string": py_str("client-value"), "uri": py_str("https://example.com/client"),
        "int": "7", "double": "7.5", "decimal": py_str("7.00"), "boolean": "True",
        "datetime": py_str("2030-01-02T03:04:05Z"),
    }[field.type]


def below_minimum(field: FieldShape) -> str | None:
    """A JSON value just below the field's lower bound; None when it has none."""
    low = field.minimum
    if low is None or field.type not in ("int", "double", "decimal"):
        return None
    if field.type == "int":
        below = int(decimal.Decimal(str(low)).to_integral_value(decimal.ROUND_CEILING)) - 1
        return None if below < INT32_MIN else str(below)
    if field.type == "double":
        return repr(float(low) - 1.0)
    return py_str(str(decimal.Decimal(str(low)) - 1))


def stored_check(m: TestModule, field: ServerFieldShape) -> list[str]:
    """Assertions that ``stored`` holds the server's value of ``field``."""
    attr = f"stored.{field.name}"
    kind = field.source
    if kind == "null":
        return [f"assert {attr} is None"]
    if kind == "false":
        return [f"assert {attr} is False"]
    if kind == "zero":
        return [f"assert {attr} == 0"]
    if kind in ("now", "generated"):
        return [f"assert {attr} is not None"]
    if kind == "bound":
        return []  # the token's account or the path's row: the access model's tests
    if kind == "copy" and field.parent_model and field.parent_class:
        alias = orm_alias(field.parent_model)
        m.module_imports.add(f"import app.models.{field.parent_model} as {alias}")
        m.ids.add(f"model:{field.parent_model}")
        return [f"parent = session.get({alias}.{field.parent_class}, stored.{field.parent})",
                "assert parent is not None",
                f"assert {attr} == parent.{field.parent_field}"]
    if kind in ("default", "first") and field.value is not None:
        if field.type == "datetime":
            return [f"assert {attr} is not None"]
        if field.type == "decimal" and not isinstance(field.value, bool | str):
            m.std.add("import decimal")
            return [f"assert {attr} == decimal.Decimal({py_str(str(field.value))})"]
        value = py_str(field.value) if isinstance(field.value, str) else repr(field.value)
        return [f"assert {attr} == {value}"]
    return []


def add_role_tests(m: TestModule) -> None:
    """Field-role and bound cases of a create, public join or update module."""
    s = m.s
    if s.model is None:
        return
    if s.kind == "create":
        setup, auth = caller_setup(m)
        parents, args, _ = parent_setup(m)
        # the body as the create tests make it (a parent it names is the caller's)
        body = ["body = valid_body(session)", *owned_body_rows(m)]
        _create_cases(m, [*setup, *parents], body, m.url(args), auth, "create", 201)
    elif s.kind == "join" and s.staff is None:
        # a public join (a privileged one needs a staff token: the token tests' setup)
        _create_cases(m, [], ["body = valid_body(session)"], "url()", None, "join", 201)
    elif s.kind == "update":
        _update_cases(m)


def _create_cases(m: TestModule, setup: list[str], body: list[str], url: str,
                  auth: str | None, kind: str, created: int) -> None:
    s = m.s
    assert s.model is not None
    call = request(m, url, json="body", auth=auth)
    count = (f"session.scalar({m.use('sqlalchemy', 'select')}({m.use('sqlalchemy', 'func')}"
             f".count()).select_from({m.orm_class()}))")
    for field in s.server_fields:
        m.add(f"test_server_field_{field.name}_is_refused",
              f"{field.name} is set by the server: a body carrying it is refused, nothing "
              "is created.",
              [*setup, *body, "session.commit()",
               f"before = {count}",
               f"body[{py_str(field.name)}] = {client_value(m, field)}",
               call, status(422), f"assert {count} == before"])
    checks: list[str] = []
    for field in s.server_fields:
        checks += stored_check(m, field)
    if checks:
        key = py_str("id" if kind == "join" else s.model.primary)  # join: IAuthorized
        m.add(f"test_{kind}_sets_server_fields",
              "Server-set fields hold the server's value, never a client's.",
              [*setup, *body, "session.commit()", call,
               status(created), "data = response.json()",
               f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
               f"{m.uuid()}.UUID(data[{key}]))", "assert stored is not None", *checks])
    _bounds_case(m, setup, [*body, "body[name] = value"], call, kind)


def _bounds_case(m: TestModule, before: list[str], each: list[str], call: str,
                 kind: str) -> None:
    """One test trying, for every bounded numeric field, the value just below its bound."""
    cases = [(f.name, value) for f in m.s.body_fields
             if (value := below_minimum(f)) is not None]
    if not cases:
        return
    m.use("typing", "Any")
    pairs = "".join(f"    ({py_str(name)}, {value}),\n" for name, value in cases)
    m.add_function(f"BELOW_MINIMUM: list[tuple[str, Any]] = [\n{pairs}]\n"
                   '"""(field, a value just below its lower bound)."""\n')
    lines = [*before, "for name, value in BELOW_MINIMUM:"]
    lines += [f"    {line}" for line in [*each, "session.commit()", call]]
    lines.append("    assert response.status_code == 422, (name, response.text)")
    m.add(f"test_{kind}_below_minimum_is_422",
          "A quantity under 1, a negative price, amount or count (or any value under the "
          "field's lower bound) is refused.", lines)


def _update_cases(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    setup, auth = row_setup(m)
    url = row_url(m, "row")
    for field in s.server_fields:
        value = client_value(m, field)
        reload = (f"{m.helper('reload')}(session, {m.orm_class()}, "
                  f"row.{s.model.primary})")
        # both values read back from the database (SQLite drops the timezone)
        lines = [*setup, f"before = {reload}", "assert before is not None",
                 f"value = before.{field.name}",
                 request(m, url, json=f"{{{py_str(field.name)}: {value}}}", auth=auth),
                 status(422), f"stored = {reload}", "assert stored is not None",
                 f"assert stored.{field.name} == value"]
        m.add(f"test_server_field_{field.name}_is_refused",
              f"{field.name} is set by the server: an update carrying it is refused and the "
              "row keeps its value.", lines)
    _bounds_case(m, setup, ["body = {name: value}"], request(m, url, json="body", auth=auth),
                 "update")
