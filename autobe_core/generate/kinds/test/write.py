"""Tests of the operations that change one row: update and erase."""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.test.crud import (
    auth_error_tests,
    caller_setup,
    compare_row,
    error,
    foreign_row_test,
    grandparent_test,
    make_row,
    malformed_url,
    missing_url,
    request,
    row_args,
    row_setup,
    row_url,
    status,
)
from autobe_core.generate.kinds.test.render import (
    WRONG_TYPE,
    TestModule,
    changeable,
    db_comparable,
    sample,
)
from autobe_core.generate.kinds.test.slices import FieldShape

# --------------------------------------------------------------------------- update


def _change_field(fields: tuple[FieldShape, ...]) -> FieldShape | None:
    order = ["text", "email", "uri", "int", "double", "boolean", "enum", "other"]

    def rank(f: FieldShape) -> int:
        if f.enum:
            return order.index("enum")
        if f.type == "string":
            return order.index("email" if f.format == "email" else "text")
        return order.index(f.type) if f.type in order else order.index("other")

    candidates = [f for f in fields if changeable(f)]
    return min(candidates, key=rank) if candidates else None


def add_update(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    setup, auth = row_setup(m)
    url = row_url(m, "row")
    key = py_str(s.model.primary)
    change = _change_field(s.body_fields)
    read_names = {f.name for f in s.read_fields}
    if change is not None:
        new = sample(change, 2)
        lines = [*setup, f"body = {{{py_str(change.name)}: {new}}}",
                 request(m, url, json="body", auth=auth), status(200), "data = response.json()",
                 f"assert data[{key}] == str(row.{s.model.primary})"]
        if change.name in read_names:
            lines.append(f"assert data[{py_str(change.name)}] == body[{py_str(change.name)}]")
        if db_comparable(change):
            lines += [f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
                      f"row.{s.model.primary})", "assert stored is not None",
                      f"assert stored.{change.source} == body[{py_str(change.name)}]"]
        m.add("test_update_changes_the_row", "The fields in the body change; 200 with the row.",
              lines)
    m.add("test_update_empty_body_keeps_the_row", "An empty body changes nothing.",
          [*setup, request(m, url, json="{}", auth=auth), status(200), "data = response.json()",
           *compare_row(m, "row")])
    if not s.params:  # the caller's own account: no other row can be addressed
        auth_error_tests(m, "update", setup[:-1], url, "{}")
        return
    m.add("test_update_unknown_row_is_404", "An id that selects nothing is not found.",
          [*setup, request(m, missing_url(m), json="{}", auth=auth), *error(404, "not_found")])
    if s.body_fields:
        first = s.body_fields[0]
        m.add("test_update_wrong_type_is_422", "A value of the wrong type is rejected.",
              [*setup, request(m, url, json=f"{{{py_str(first.name)}: {WRONG_TYPE}}}",
                               auth=auth), status(422)])
    auth_error_tests(m, "update", setup[:-1], url, "{}")
    grandparent_test(m, "update", setup[:-1], row_args(m, "row"), "{}", auth)
    if change is not None:
        call = request(m, url, json=f"{{{py_str(change.name)}: {sample(change, 2)}}}", auth=auth)
        if db_comparable(change):
            foreign_row_test(m, "update", call, [f"assert stored.{change.source} == before"],
                              f"before = row.{change.source}")
        else:
            foreign_row_test(m, "update", call, [], None)
    else:
        foreign_row_test(m, "update", request(m, url, json="{}", auth=auth), [], None)


# --------------------------------------------------------------------------- erase


def add_erase(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    setup, auth = caller_setup(m)
    account = "account" if auth else None
    setup = [*setup, make_row(m, account), "session.commit()",
             f"key = row.{s.model.primary}"]
    url = row_url(m, "row")
    reload = f"stored = {m.helper('reload')}(session, {m.orm_class()}, key)"
    if s.model.soft_delete:
        gone = [reload, "assert stored is not None", "assert stored.deleted_at is not None"]
        doc = "The row is soft deleted: it stays, with deleted_at set."
    else:
        gone = [reload, "assert stored is None"]
        doc = "The row is deleted."
    m.add("test_erase_returns_204", doc,
          [*setup, request(m, url, auth=auth), status(204), *gone])
    if account is not None and make_row(m, account) == f"row = {account}":
        # the row is the caller's own account: once erased, its token is refused
        m.add("test_erase_twice_is_401", "An erased account's token is refused.",
              [*setup, request(m, url, auth=auth), status(204), request(m, url, auth=auth),
               *error(401, "unauthorized")])
    else:
        m.add("test_erase_twice_is_404", "An erased row is no longer found.",
              [*setup, request(m, url, auth=auth), status(204), request(m, url, auth=auth),
               *error(404, "not_found")])
    if not s.params:  # the caller's own account: no other row can be addressed
        auth_error_tests(m, "erase", setup[:-2], url, None)
        return
    m.add("test_erase_unknown_row_is_404", "An id that selects nothing is not found.",
          [*setup, request(m, missing_url(m), auth=auth), *error(404, "not_found")])
    malformed = malformed_url(m, "row")
    if malformed:
        m.add("test_erase_malformed_id_is_422", "A malformed id is rejected.",
              [*setup, request(m, malformed, auth=auth), status(422)])
    auth_error_tests(m, "erase", setup[:-2], url, None)
    grandparent_test(m, "erase", setup[:-1], row_args(m, "row"), None, auth)
    checks = ["assert stored.deleted_at is None"] if s.model.soft_delete else []
    foreign_row_test(m, "erase", request(m, url, auth=auth), checks, None)
