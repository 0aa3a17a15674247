"""Cross-account tests of owner-scoped operations, derived from the access model.

For every operation with an owner chain (:mod:`autobe_core.spec.access`, cut into the
slice by :mod:`.access_slice`, never read from the generated handler), account A
(``owner``) gets the rows along the chain and account B (``stranger``, same actor) calls
the operation with A's ids, through the operation's nested route:

- ``at``: 404; ``update`` / ``erase``: 404 when the path selects A's parent, else 403,
  and the row is still there;
- ``index``: 404 under A's parent, else 200 without A's row;
- ``create``: 404 under A's parent (or naming A's parent in the body); with no parent to
  check, the new row belongs to B (the owner key comes from the token); 404 when the body
  names A's row where it must name the caller's (a refund naming A's payment).

Every such test is named ``test_cross_account_*``: ``autobe check`` counts them.
"""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.test.crud import (
    error,
    grandparent_value,
    make_rows,
    owned_body_rows,
    owned_references,
    owned_row,
    refusal,
    request,
    row_url,
    status,
)
from autobe_core.generate.kinds.test.render import TestModule

PREFIX = "test_cross_account_"
"""The name every cross-account test starts with (``verify`` counts them by it)."""

LISTING = '{"page": 1, "limit": 100}'


def add_cross_account(m: TestModule) -> None:
    """Add the cross-account tests of ``m``'s operation, when it is owner-scoped."""
    s = m.s
    if s.caller is None or s.access is None or s.model is None:
        return
    adder = {"at": _at, "update": _update, "erase": _erase, "index": _index,
             "create": _create}.get(s.kind)
    if not s.params and s.kind in ("at", "update", "erase"):
        adder = _own_account
    if adder is not None:
        adder(m)


def _accounts(m: TestModule) -> list[str]:
    caller = m.s.caller
    assert caller is not None
    return [f"owner = {m.factory(caller.model)}(session)",
            f"stranger = {m.factory(caller.model)}(session)"]


def _auth(m: TestModule) -> str:
    return f"{m.helper('bearer')}(ACTOR, stranger)"


def _refused(code: int) -> list[str]:
    return error(code, "not_found" if code == 404 else "forbidden")


def _at(m: TestModule) -> None:
    m.add(f"{PREFIX}at_is_404",
          "Another account's row is not found (its owner chain leads to someone else).",
          [*_accounts(m), *make_rows(m, "owner"), "session.commit()",
           request(m, row_url(m, "row"), auth=_auth(m)), *_refused(404)])


def _own_account(m: TestModule) -> None:
    """``/me``-like operations (the row is the caller's account): each caller reaches
    only their own account, and another's stays as it was."""
    s = m.s
    assert s.model is not None
    key = py_str(s.model.primary)
    json = "{}" if s.kind == "update" else None
    call = request(m, m.url([]), json=json, auth=_auth(m))
    if s.kind == "erase":
        checks = [status(204)]
    else:
        checks = [status(200), f"assert response.json()[{key}] == str(stranger.{s.model.primary})"]
    m.add(f"{PREFIX}{s.kind}_reaches_only_the_callers_account",
          "The row is the caller's own account; another account is never reached.",
          [*_accounts(m), "row = owner", "session.commit()", call, *checks, *_still_there(m)])


def _still_there(m: TestModule) -> list[str]:
    s = m.s
    assert s.model is not None
    lines = [f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
             f"row.{s.model.primary})", "assert stored is not None"]
    if s.model.soft_delete:
        lines.append("assert stored.deleted_at is None")
    return lines


def _update(m: TestModule) -> None:
    code = refusal(m, "update")
    m.add(f"{PREFIX}update_is_{code}", "Another account's row cannot be changed.",
          [*_accounts(m), *make_rows(m, "owner"), "session.commit()",
           request(m, row_url(m, "row"), json="{}", auth=_auth(m)), *_refused(code),
           *_still_there(m)])


def _erase(m: TestModule) -> None:
    code = refusal(m, "erase")
    m.add(f"{PREFIX}erase_is_{code}", "Another account's row cannot be erased.",
          [*_accounts(m), *make_rows(m, "owner"), "session.commit()",
           request(m, row_url(m, "row"), auth=_auth(m)), *_refused(code), *_still_there(m)])


def _index(m: TestModule) -> None:
    s = m.s
    access = s.access
    assert s.model is not None and access is not None
    setup = [*_accounts(m), *make_rows(m, "owner"), "session.commit()",
             request(m, row_url(m, "row"), json=LISTING, auth=_auth(m))]
    if access.guards:
        m.add(f"{PREFIX}index_under_their_parent_is_404",
              "Listing under another account's parent is refused as if it did not exist.",
              [*setup, *_refused(404)])
        return
    key = py_str(s.model.primary)
    m.add(f"{PREFIX}index_hides_their_rows", "Another account's rows are never listed.",
          [*setup, status(200),
           f'assert str(row.{s.model.primary}) not in '
           f'{{item[{key}] for item in response.json()["data"]}}'])


def _parents(m: TestModule, account: str) -> tuple[list[str], list[str]]:
    """Lines making the parents the path selects (a guarded one ``account``'s, up its
    chain; any other one anyone's) and the url arguments."""
    access = m.s.access
    assert access is not None
    guards = {g.param: g for g in access.guards}
    lines: list[str] = []
    args: list[str] = []
    rows: dict[str, str] = {}
    for index, param in enumerate(m.s.params):
        guard = guards.get(param.name)
        if guard is not None and param.target_model:
            lines += owned_row(m, param.target_model, guard.chain, account, f"parent_{index}")
        elif param.field and param.target_model:
            lines.append(f"parent_{index} = {m.factory(param.target_model)}(session)")
        else:
            args.append(m.missing_value(param))
            continue
        if param.field:
            rows[param.field] = f"parent_{index}"
        args.append(f"{m.helper('key_of')}(parent_{index})")
    for index, param in enumerate(m.s.params):
        if param.hops:
            args[index] = grandparent_value(m, param, index, lines, {}, rows)
    return lines, args


def _create(m: TestModule) -> None:
    s = m.s
    access = s.access
    assert s.model is not None and access is not None
    guards = {g.param: g for g in access.guards}
    parents, args = _parents(m, "owner")
    lines = [*_accounts(m), *parents, "body = valid_body(session)",
             *owned_references(m, "stranger")]
    first = access.chain[0] if access.chain else None
    in_body = first is not None and not access.through_path and not access.direct \
        and first.field in {f.name for f in s.body_fields}
    if first is not None and in_body:
        lines += owned_row(m, first.target_model, access.chain[1:], "owner", "their_parent")
        lines.append(f"body[{py_str(first.field)}] = str({m.helper('key_of')}(their_parent))")
    call = request(m, m.url(args), json="body", auth=_auth(m))
    _create_references(m)
    if guards or in_body:
        m.add(f"{PREFIX}create_under_their_parent_is_404",
              "Nothing is created under a parent another account owns.",
              [*lines, "session.commit()", call, *_refused(404)])
        return
    if first is None or not access.direct:
        return
    key = py_str(s.model.primary)
    m.add(f"{PREFIX}create_belongs_to_the_caller",
          "The owner key comes from the token: the new row is the caller's, never another's.",
          [*lines, "session.commit()", call, status(201),
           f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
           f"{m.uuid()}.UUID(response.json()[{key}]))", "assert stored is not None",
           f"assert stored.{first.field} == {m.helper('key_of')}(stranger)"])


def _create_references(m: TestModule) -> None:
    """For each row the body names that must be the caller's (a refund's payment): B,
    whose parents and other references are B's own, names A's row: 404."""
    s = m.s
    access = s.access
    assert access is not None
    in_body = {f.name for f in s.body_fields}
    for ref in (r for r in access.references if r.field in in_body):
        parents, args = _parents(m, "stranger")
        lines = [*_accounts(m), *parents, "body = valid_body(session)",
                  *owned_body_rows(m, "stranger", frozenset({ref.field})),
                  *owned_row(m, ref.target_model, ref.chain, "owner", "their_row"),
                  f"body[{py_str(ref.field)}] = str({m.helper('key_of')}(their_row))",
                  "session.commit()"]
        m.add(f"{PREFIX}create_naming_their_{ref.field}_is_404",
              f"The body cannot name another account's {ref.target_model} row.",
              [*lines, request(m, m.url(args), json="body", auth=_auth(m)), *_refused(404)])
