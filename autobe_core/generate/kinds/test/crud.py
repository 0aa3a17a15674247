"""Tests of the row operations create, at and index, and the helpers every row test uses.

Each ``add_<kind>`` adds the normal case, an edge case and the error cases that apply to
a :class:`~autobe_core.generate.kinds.test.render.TestModule` (see the tests section of
``docs/generated-backend.md``).
"""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.test.access_slice import ChainHop
from autobe_core.generate.kinds.test.render import (
    TestModule,
    db_comparable,
    default_json,
    row_value,
    sample,
)
from autobe_core.generate.kinds.test.slices import FieldShape, ParamShape

OK = "assert response.status_code == {status}, response.text"


def status(code: int) -> str:
    return OK.format(status=code)


def error(code: int, name: str) -> list[str]:
    lines = [status(code), f'assert response.json()["code"] == {py_str(name)}']
    if code == 401:
        lines.append('assert response.headers["www-authenticate"] == "Bearer"')
    return lines


def request(m: TestModule, url: str, *, json: str | None = None, auth: str | None = None) -> str:
    args = ["METHOD", url]
    if json is not None:
        args.append(f"json={json}")
    if auth is not None:
        args.append(f"headers={auth}")
    return f"response = client.request({', '.join(args)})"


# --------------------------------------------------------------------------- callers


def caller_setup(m: TestModule) -> tuple[list[str], str | None]:
    """Lines making the caller's account, and the headers expression (None: public)."""
    caller = m.s.caller
    if caller is None:
        return [], None
    return ([f"account = {m.factory(caller.model)}(session)"],
            f"{m.helper('bearer')}(ACTOR, account)")


def row_setup(m: TestModule) -> tuple[list[str], str | None]:
    """Lines making the caller's account and one ``row`` of the model it may reach
    (committed), and the headers expression (None: public)."""
    setup, auth = caller_setup(m)
    return [*setup, make_row(m, "account" if auth else None), "session.commit()"], auth


def auth_error_tests(m: TestModule, kind: str, setup: list[str], url: str,
                     json: str | None) -> None:
    """401 without a token; 403 with another actor's token."""
    s = m.s
    if s.caller is None:
        return
    m.add(f"test_{kind}_without_token_is_401", "Without a bearer token the call is refused.",
          [*setup, "session.commit()", request(m, url, json=json), *error(401, "unauthorized")])
    if s.other is not None:
        lines = [*setup, f"stranger = {m.factory(s.other.model)}(session)", "session.commit()",
                 request(m, url, json=json, auth=f"{m.helper('bearer')}(OTHER_ACTOR, stranger)"),
                 *error(403, "forbidden")]
        m.add(f"test_{kind}_with_other_actor_token_is_403",
              "A token of another actor is refused.", lines)


def owner_override(m: TestModule, account: str) -> str:
    """``, owner=key_of(account)`` when the model records its owner in a foreign key."""
    s = m.s
    assert s.model is not None
    if s.owner_field and s.owner_field != s.model.primary:
        return f", {s.owner_field}={m.helper('key_of')}({account})"
    return ""


def owned_row(m: TestModule, model: str, chain: tuple[ChainHop, ...], account: str,
              name: str, overrides: str = "") -> list[str]:
    """Lines making a row of ``model`` that belongs to ``account`` through ``chain`` (the
    access model's owner chain): each parent up the chain is made first, the topmost
    one holding the account's key."""
    if not chain:
        return [f"{name} = {account}"]
    lines: list[str] = []
    above = f"{m.helper('key_of')}({account})"
    for index in range(len(chain) - 1, 0, -1):
        var = f"{name}_up{index}"
        lines.append(f"{var} = {m.factory(chain[index - 1].target_model)}"
                     f"(session, {chain[index].field}={above})")
        above = f"{m.helper('key_of')}({var})"
    lines.append(f"{name} = {m.factory(model)}(session, {chain[0].field}={above}{overrides})")
    return lines


def make_row(m: TestModule, account: str | None, name: str = "row") -> str:
    """:func:`make_rows` as one test-body line (its statements joined at the body's
    indentation)."""
    return "\n    ".join(make_rows(m, account, name))


def make_rows(m: TestModule, account: str | None, name: str = "row") -> list[str]:
    """Lines making a row of the operation's model owned by ``account`` (through its
    owner chain when the operation is owner-scoped), under parents its path selects."""
    s = m.s
    assert s.model is not None
    access = s.access if account is not None else None
    if account is not None and (s.owner_field == s.model.primary
                                or (access is not None and not access.chain)):
        return [f"{name} = {account}"]
    lines: list[str] = []
    override = owner_override(m, account) if account is not None and access is None else ""
    chained = access.chain[0].field if access is not None and access.chain else None
    guards = {g.param: g for g in access.guards} if access is not None else {}
    # a parent the path selects is made explicitly: a nullable foreign key would
    # otherwise stay None and the row could not be addressed by its path
    for index, param in enumerate(s.params):
        if not (param.field and param.target_model and param.field != s.model.primary):
            continue
        if param.field == chained or (access is None and account is not None
                                      and param.field == s.owner_field):
            continue
        guard = guards.get(param.name)
        if guard is not None and account is not None:
            parent = f"{name}_parent_{index}"
            lines += owned_row(m, param.target_model, guard.chain, account, parent)
        else:
            parent = f"{m.factory(param.target_model)}(session)"
        override += f", {param.field}={m.helper('key_of')}({parent})"
    if access is not None and account is not None:
        return lines + owned_row(m, s.model.name, access.chain, account, name, override)
    return [*lines, f"{name} = {m.factory(s.model.name)}(session{override})"]


def path_value(m: TestModule, row: str, param: ParamShape) -> str:
    """The value of a path parameter that selects ``row``."""
    if param.hops:
        path = ", ".join(py_str(a) for a in param.reach_from_row())
        return f"{m.helper('reach')}({row}, {path})"
    return f"{row}.{param.field}" if param.field else m.missing_value(param)


def row_url(m: TestModule, row: str) -> str:
    return m.url([path_value(m, row, p) for p in m.s.params])


def grandparent_test(m: TestModule, kind: str, setup: list[str], args: list[str],
                     json: str | None, auth: str | None) -> None:
    """A path naming a grandparent the row does not belong to (another product's option)
    selects nothing: 404, or an empty listing for an index."""
    chained = [i for i, p in enumerate(m.s.params) if p.hops]
    if not chained:
        return
    wrong = list(args)
    for index in chained:
        wrong[index] = m.missing_value(m.s.params[index])
    call = request(m, m.url(wrong), json=json, auth=auth)
    if kind == "index":
        m.add("test_index_under_another_grandparent_is_empty",
              "Rows under a parent of another grandparent are not listed.",
              [*setup, "session.commit()", call, status(200),
               'assert response.json()["data"] == []'])
        return
    m.add(f"test_{kind}_under_another_grandparent_is_404",
          "The path's parent must belong to the grandparent the path names.",
          [*setup, "session.commit()", call, *error(404, "not_found")])


def row_args(m: TestModule, row: str) -> list[str]:
    return [path_value(m, row, p) for p in m.s.params]


def missing_url(m: TestModule) -> str:
    return m.url([m.missing_value(p) for p in m.s.params])


def malformed_url(m: TestModule, row: str) -> str | None:
    """The row's url with its last uuid parameter malformed; None without one."""
    params = m.s.params
    index = next((i for i in reversed(range(len(params))) if params[i].type == "uuid"), None)
    if index is None:
        return None
    args = [path_value(m, row, p) for p in params]
    args[index] = py_str("not-a-uuid")
    return m.url(args)


def parent_setup(m: TestModule) -> tuple[list[str], list[str], dict[str, str]]:
    """For create / index: lines making the parents path parameters select, the url
    arguments, and field -> expression of the keys the rows must hold."""
    lines: list[str] = []
    args: list[str] = []
    bound: dict[str, str] = {}
    rows: dict[str, str] = {}
    access = m.s.access if m.s.caller is not None else None
    guards = {g.param: g for g in access.guards} if access is not None else {}
    for index, param in enumerate(m.s.params):
        guard = guards.get(param.name)
        if guard is not None and param.field and param.target_model:
            lines += owned_row(m, param.target_model, guard.chain, "account", f"parent_{index}")
            rows[param.field] = f"parent_{index}"
        elif param.field and param.field == m.s.owner_field and m.s.caller is not None:
            rows[param.field] = "account"
        elif param.field and param.target_model:
            lines.append(f"parent_{index} = {m.factory(param.target_model)}(session)")
            rows[param.field] = f"parent_{index}"
        else:
            args.append(m.missing_value(param))
            continue
        value = f"{m.helper('key_of')}({rows[param.field]})"
        args.append(value)
        bound[param.field] = value
    for index, param in enumerate(m.s.params):
        if param.hops:
            args[index] = grandparent_value(m, param, index, lines, bound, rows)
    return lines, args, bound


def grandparent_value(m: TestModule, param: ParamShape, index: int, lines: list[str],
                       bound: dict[str, str], rows: dict[str, str]) -> str:
    """A grandparent's key for create / index: read from the parent the row points at
    (the one another path parameter selects, or one made here and bound)."""
    field, _, target = param.hops[0]
    parent = rows.get(field)
    if parent is None:
        parent = rows[field] = f"parent_{index}"
        lines.append(f"{parent} = {m.factory(target)}(session)")
        bound[field] = f"{m.helper('key_of')}({parent})"
    rest = ", ".join(py_str(a) for a in (*(h[1] for h in param.hops[1:-1]), param.hops[-1][0]))
    return f"{m.helper('reach')}({parent}, {rest})"


def owned_body_rows(m: TestModule, account: str = "account",
                    skip: frozenset[str] = frozenset()) -> list[str]:
    """create: lines making the rows the body names that must be ``account``'s and
    putting them in ``body``: the parent the row belongs through when the body names it
    (the owner chain's first link, not bound by the path), and each reference of the
    access model (a refund's payment)."""
    access = m.s.access if m.s.caller is not None else None
    if access is None:
        return []
    in_body = {f.name for f in m.s.body_fields}
    lines: list[str] = []
    first = access.chain[0] if access.chain else None
    if first is not None and not access.direct and not access.through_path \
            and first.field in in_body:
        lines += [*owned_row(m, first.target_model, access.chain[1:], account, "owned_parent"),
                  f"body[{py_str(first.field)}] = str({m.helper('key_of')}(owned_parent))"]
    return lines + owned_references(m, account, skip)


def owned_references(m: TestModule, account: str,
                     skip: frozenset[str] = frozenset()) -> list[str]:
    """Lines making each row the body names by a reference of the access model (a
    refund's payment) ``account``'s, and putting it in ``body`` (fields in ``skip``
    left to the caller)."""
    access = m.s.access if m.s.caller is not None else None
    in_body = {f.name for f in m.s.body_fields} - skip
    refs = [r for r in access.references if r.field in in_body] if access is not None else []
    lines: list[str] = []
    for index, ref in enumerate(refs):
        lines += [*owned_row(m, ref.target_model, ref.chain, account, f"owned_ref_{index}"),
                  f"body[{py_str(ref.field)}] = str({m.helper('key_of')}(owned_ref_{index}))"]
    return lines


def compare_row(m: TestModule, row: str) -> list[str]:
    # a read counts itself in the fields its view_count behaviours keep
    viewed = {k.field for k in m.s.kept if k.kind == "view_count"} if m.s.kind == "at" else set()
    return [f"assert data[{py_str(f.name)}] == {row_value(f, row)}"
            + (" + 1" if f.source in viewed else "") for f in m.s.read_fields]


# --------------------------------------------------------------------------- create


def valid_body_function(m: TestModule, fields: tuple[FieldShape, ...]) -> None:
    m.use("typing", "Any")
    m.use("sqlalchemy.orm", "Session")
    items: list[str] = []
    for field in fields:
        if field.role == "foreign" and field.target_model:
            value = f"str({m.helper('key_of')}({m.factory(field.target_model)}(session)))"
        else:
            value = sample(field)
        items.append(f"        {py_str(field.name)}: {value},\n")
    m.add_function(
        "def valid_body(session: Session) -> dict[str, Any]:\n"
        '    """A body every constraint accepts; the parents it names are made in the session."""\n'
        "    return {\n" + "".join(items) + "    }\n"
    )


def add_create(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    fields = s.body_fields
    valid_body_function(m, fields)
    setup, auth = caller_setup(m)
    parents, args, bound = parent_setup(m)
    setup = setup + parents + ["body = valid_body(session)"] + owned_body_rows(m)
    url = m.url(args)
    read_names = {f.name for f in s.read_fields}
    key = py_str(s.model.primary)

    echo = [f"assert data[{py_str(f.name)}] == body[{py_str(f.name)}]"
            for f in fields if f.name in read_names and f.role != "password"]
    echo += [f"assert data[{py_str(name)}] == str({value})" for name, value in bound.items()
             if name in read_names]
    owner = s.owner_field
    if owner and owner != s.model.primary and owner not in bound and owner in read_names:
        echo.append(f"assert data[{py_str(owner)}] == str({m.helper('key_of')}(account))")
    stored = [f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
              f"{m.uuid()}.UUID(data[{key}]))", "assert stored is not None"]
    stored += [f"assert stored.{f.source} == body[{py_str(f.name)}]"
               for f in fields if db_comparable(f)]
    call = request(m, url, json="body", auth=auth)
    m.add("test_create_returns_201_and_the_row", "A valid body creates a row and returns it.",
          [*setup, "session.commit()", call, status(201), "data = response.json()", *echo,
           *stored])

    optional = [f for f in fields if not f.required]
    if optional:
        lines = [*setup, *[f"del body[{py_str(f.name)}]" for f in optional], "session.commit()",
                 call, status(201), "data = response.json()"]
        lines += [f"assert data[{py_str(f.name)}] is None" for f in optional
                  if f.nullable and f.default is None and f.name in read_names]
        lines += [f"assert data[{py_str(f.name)}] "
                  f"{'is' if isinstance(f.default, bool) else '=='} {default_json(f)}"
                  for f in optional
                  if f.default is not None and f.type != "decimal" and f.name in read_names]
        m.add("test_create_without_optional_fields",
              "Optional fields may be left out (fields with a default get it).", lines)
    longest = [f for f in fields if f.type == "string" and f.max_length and not f.enum
               and not f.format and f.role == "plain"]
    if longest:
        lines = [*setup, *[f"body[{py_str(f.name)}] = {py_str('x')} * {f.max_length}"
                           for f in longest], "session.commit()", call, status(201),
                 "data = response.json()"]
        lines += [f"assert data[{py_str(f.name)}] == body[{py_str(f.name)}]" for f in longest
                  if f.name in read_names]
        m.add("test_create_accepts_max_length_strings", "Strings of the maximum length fit.",
              lines)
    if not optional and not longest and not s.unique_sets:
        m.add("test_create_twice_makes_two_rows", "The same body twice makes two rows.",
              [*setup, "session.commit()", call, status(201), "first = response.json()",
               call, status(201), f"assert response.json()[{key}] != first[{key}]"])

    required = [f for f in fields if f.required]
    if required:
        broken, json = [f"del body[{py_str(required[0].name)}]"], "body"
        doc = "A body without a required field is rejected."
    else:
        broken, json = [], "[body]"
        doc = "A body that is not an object is rejected."
    m.add("test_create_invalid_body_is_422", doc,
          [*setup, *broken, "session.commit()", request(m, url, json=json, auth=auth),
           status(422)])
    auth_error_tests(m, "create", setup, url, "body")
    grandparent_test(m, "create", setup, args, "body", auth)

    nested = [i for i, p in enumerate(s.params)
              if p.field and p.target_model and not (p.field == owner and s.caller)]
    if nested:
        missing_args = list(args)
        for index in nested:
            missing_args[index] = m.missing_value(s.params[index])
        m.add("test_create_under_unknown_parent_is_404", "The parent in the path must exist.",
              [*setup, "session.commit()",
               request(m, m.url(missing_args), json="body", auth=auth), *error(404, "not_found")])
    if s.unique_sets:
        fields_text = ", ".join("/".join(u) for u in s.unique_sets)
        m.add("test_create_duplicate_is_409", f"A second row with the same {fields_text} "
              "conflicts.",
              [*setup, "session.commit()", call, status(201), call, *error(409, "conflict")])


LISTING = '{"page": 1, "limit": 100}'


# --------------------------------------------------------------------------- at


def add_at(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    setup, auth = caller_setup(m)
    account = "account" if auth else None
    key = py_str(s.model.primary)
    m.add("test_at_returns_the_row", "An existing row is returned with its fields.",
          [*setup, make_row(m, account), "session.commit()",
           request(m, row_url(m, "row"), auth=auth), status(200), "data = response.json()",
           *compare_row(m, "row")])
    if not s.params:  # the caller's own account: no other row can be addressed
        auth_error_tests(m, "at", [*setup, make_row(m, account)], row_url(m, "row"), None)
        return
    if s.model.soft_delete:
        # never soft-delete the caller's own account: its token would stop working
        owner = None if s.owner_field == s.model.primary else account
        m.add("test_at_soft_deleted_row_is_404", "A soft-deleted row is invisible.",
              [*setup, make_row(m, owner), f"row.deleted_at = {m.helper('utc_now')}()",
               "session.commit()", request(m, row_url(m, "row"), auth=auth),
               *error(404, "not_found")])
    else:
        m.add("test_at_returns_the_addressed_row", "Of two rows, the addressed one is returned.",
              [*setup, make_row(m, None, "first"), make_row(m, account), "session.commit()",
               request(m, row_url(m, "row"), auth=auth), status(200),
               f"assert response.json()[{key}] == str(row.{s.model.primary})"])
    m.add("test_at_unknown_row_is_404", "An id that selects nothing is not found.",
          [*setup, "session.commit()", request(m, missing_url(m), auth=auth),
           *error(404, "not_found")])
    malformed = malformed_url(m, "row")
    if malformed:
        m.add("test_at_malformed_id_is_422", "A malformed id is rejected.",
              [*setup, make_row(m, account), "session.commit()",
               request(m, malformed, auth=auth), status(422)])
    auth_setup = [*setup, make_row(m, account)]
    grandparent_test(m, "at", auth_setup, row_args(m, "row"), None, auth)
    auth_error_tests(m, "at", auth_setup, row_url(m, "row"), None)
    foreign_row_test(m, "at", request(m, row_url(m, "row"), auth=auth), [], None)


# --------------------------------------------------------------------------- index


def add_index(m: TestModule) -> None:
    s = m.s
    assert s.model is not None
    setup, auth = caller_setup(m)
    parents, args, bound = parent_setup(m)
    overrides = "".join(f", {name}={value}" for name, value in bound.items())
    access = s.access if auth else None
    # the caller lists only their rows: the rows the test lists hold the caller's key, or
    # belong to a parent the caller owns (a chain of several links)
    filtered = access is not None and bool(access.chain) and not access.through_path \
        and access.chain[0].field not in bound
    if access is not None and filtered and not access.direct:
        chain = access.chain
        parents += owned_row(m, chain[0].target_model, chain[1:], "account", "owned_parent")
        overrides += f", {chain[0].field}={m.helper('key_of')}(owned_parent)"
    elif access is not None and filtered:
        overrides += f", {access.chain[0].field}={m.helper('key_of')}(account)"
    elif access is None and auth and s.owner_field and s.owner_field != s.model.primary \
            and s.owner_field not in bound:
        overrides += owner_override(m, "account")
    make = f"{m.factory(s.model.name)}(session{overrides})"
    caller = s.caller
    # a unique index over the path-bound and owner keys: one listable row at most; the
    # caller's own account when the model is the caller's accounts
    own_accounts = access is not None and not access.chain
    single = bool(s.unique_sets) or own_accounts
    if own_accounts:
        rows = "rows = [account]"
    elif single:
        rows = f"rows = [{make}]"
    elif caller is not None and caller.model == s.model.name and not bound:
        rows = f"rows = [account, {make}, {make}]"
    else:
        rows = f"rows = [{make} for _ in range(3)]"
    listing = '{"page": 1, "limit": 1}'
    before = (
        ["session.commit()", request(m, m.url(args), json=listing, auth=auth),
         'baseline = response.json()["pagination"]["records"]']
        if s.baseline else []
    )
    setup = setup + parents + before + [rows]
    if bound:
        # a row under other parents is not listed
        extra = owner_override(m, "account") if auth and s.owner_field not in bound else ""
        setup.append(f"{m.factory(s.model.name)}(session{extra})")
    if filtered or own_accounts:
        # nor is a row another account owns (the caller lists only their own rows)
        others = "".join(f", {name}={value}" for name, value in bound.items())
        setup.append(f"{m.factory(s.model.name)}(session{others})")
    url = m.url(args)
    key = py_str(s.model.primary)
    ids = f"{{str(row.{s.model.primary}) for row in rows}}"

    def page(number: int, limit: int) -> str:
        return request(m, url, json=f'{{"page": {number}, "limit": {limit}}}', auth=auth)

    if s.baseline:
        # rows made as parents of the caller or of the path's parents may be listed too
        m.add("test_index_pages_through_rows",
              "Three more rows than listed before, two per page.",
              [*setup, "session.commit()", page(1, 2), status(200), "data = response.json()",
               f"total = baseline + {1 if single else 3}",
               'assert data["pagination"] == '
               '{"current": 1, "limit": 2, "records": total, "pages": (total + 1) // 2}',
               'assert len(data["data"]) == min(2, total)',
               "seen: set[str] = set()",
               "for number in range(1, (total + 1) // 2 + 1):",
               f'    response = client.request(METHOD, {m.url(args)}, '
               f'json={{"page": number, "limit": 2}}'
               + (f", headers={auth})" if auth else ")"),
               "    " + status(200),
               f'    seen |= {{item[{key}] for item in response.json()["data"]}}',
               f"assert {ids} <= seen"])
    elif single:
        m.add("test_index_lists_the_row", "The one row the caller can have here is listed.",
              [*setup, "session.commit()", page(1, 2), status(200), "data = response.json()",
               'assert data["pagination"] == '
               '{"current": 1, "limit": 2, "records": 1, "pages": 1}',
               f'assert {{item[{key}] for item in data["data"]}} == {ids}'])
    else:
        m.add("test_index_pages_through_rows", "Three rows, two per page: two pages.",
              [*setup, "session.commit()", page(1, 2), status(200), "data = response.json()",
               'assert data["pagination"] == '
               '{"current": 1, "limit": 2, "records": 3, "pages": 2}',
               'assert len(data["data"]) == 2',
               f'seen = {{item[{key}] for item in data["data"]}}',
               page(2, 2), status(200), "data = response.json()",
               'assert len(data["data"]) == 1',
               f'seen |= {{item[{key}] for item in data["data"]}}',
               f"assert seen == {ids}"])
    records = 1 if single else 3
    if s.baseline:
        past = request(m, m.url(args), json=f'{{"page": baseline + {records + 1}, "limit": 1}}',
                       auth=auth)
        m.add("test_index_page_past_the_end_is_empty",
              "A page after the last one holds no rows.",
              [*setup, "session.commit()", past, status(200), "data = response.json()",
               'assert data["data"] == []',
               f'assert data["pagination"]["records"] == baseline + {records}'])
    else:
        m.add("test_index_page_past_the_end_is_empty",
              "A page after the last one holds no rows.",
              [*setup, "session.commit()", page(records + 1, 1 if single else 2), status(200),
               "data = response.json()", 'assert data["data"] == []',
               f'assert data["pagination"]["records"] == {records}'])
    m.add("test_index_limit_zero_is_422", "The page size must be positive.",
          [*setup, "session.commit()", page(1, 0), status(422)])
    m.add("test_index_without_body_lists_the_first_page",
          "Without a body: the first page, no filters.",
          [*setup, "session.commit()", request(m, url, auth=auth), status(200),
           'assert response.json()["pagination"]["current"] == 1'])
    grandparent_test(m, "index", setup, args, LISTING, auth)
    auth_error_tests(m, "index", setup, url, '{"page": 1, "limit": 2}')


# --------------------------------------------------------------------------- ownership


def refusal(m: TestModule, kind: str) -> int:
    """What the access model answers a caller reaching another account's row: 404 on
    reads and whenever the path names a parent the caller must own (a guard, checked
    before the row: the owner chain's first hop, or a parent the caller cannot read), 403
    on writing the row itself."""
    access = m.s.access
    if kind in ("at", "index", "create") or (access is not None and access.guards):
        return 404
    return 403


def foreign_row_test(m: TestModule, kind: str, call: str, checks: list[str],
                      capture: str | None) -> None:
    """A row another account of the same actor owns is refused (owner-scoped
    operations: the access model's owner chain)."""
    s = m.s
    assert s.model is not None
    if s.caller is None or s.access is None:
        return
    lines = [f"account = {m.factory(s.caller.model)}(session)",
             f"owner = {m.factory(s.caller.model)}(session)", *make_rows(m, "owner"),
             "session.commit()"]
    if capture:
        lines.append(capture)
    code = refusal(m, kind)
    lines += [call, *error(code, "not_found" if code == 404 else "forbidden"),
              f"stored = {m.helper('reload')}(session, {m.orm_class()}, "
              f"row.{s.model.primary})", "assert stored is not None", *checks]
    m.add(f"test_{kind}_other_accounts_row_is_{code}", "A row another account owns is refused.",
          lines)
