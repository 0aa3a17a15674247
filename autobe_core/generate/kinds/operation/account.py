"""The account operations' handlers: join, login, refresh, and the logout route.

What they do (docs/security.md, tokens):

- join: the identity (an e-mail) is stored lowercased and compared case-insensitively (a
  case variant of a taken one conflicts, 409); the account gets a refresh token id and
  tokens at its token version. The join of a privileged actor needs a principal of a
  privileged actor (``require_privileged``): staff are never made by a public request;
- login: the identity is compared lowercased; an unknown identity is verified against a
  dummy hash, so it costs the same as a wrong password; a successful login rotates the
  account's refresh token id;
- refresh: the token's account must exist (not deleted), be at the token's version, and
  hold the token's id as its current refresh token id; a refresh token used again (its id
  replaced) revokes every token of the account (the version is raised) and is refused;
- logout (``POST <login path's parent>/logout``, served by the login module of each actor
  that logs in): the caller's token version is raised and its refresh token id cleared,
  so every token issued before is refused (401).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.operation.responses import responses_argument, route_statuses
from autobe_core.spec.naming import pascal

if TYPE_CHECKING:
    from autobe_core.generate.kinds.operation.generator import OperationSlice



@dataclass
class Needs:
    """The names an account handler imports, by where they come from."""

    fastapi: set[str] = field(default_factory=set)
    db: set[str] = field(default_factory=set)
    sa: set[str] = field(default_factory=set)
    errors: set[str] = field(default_factory=set)
    dtos: set[str] = field(default_factory=set)
    collectors: set[str] = field(default_factory=set)
    transformers: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)


def principal(actor: str) -> str:
    return f"{pascal(actor)}Principal"


def needs(s: OperationSlice) -> Needs:
    """What the join / login / refresh module of slice ``s`` imports."""
    m, account = s.model, s.account
    assert m is not None
    out = Needs(db={"commit"}, sa={"select"}, transformers={"to_authorized"})
    out.lines.append(f"from app.models.{m.name} import {m.class_name}")
    security = {"issue_tokens", "new_token_id"}
    lower = account is not None and account.lowercase and account.identity is not None
    if s.kind == "join":
        out.dtos |= {m.dto("join"), m.dto("authorized")}
        out.collectors.add("collect_join")
        if account is not None and account.identity is not None:
            out.errors.add("ConflictError")
            if lower:
                out.sa.add("func")
        if account is not None and account.privileged:
            out.fastapi.add("Depends")
            out.lines.append("from app.auth.actors import require_privileged")
    else:
        out.dtos |= {m.dto(s.kind), m.dto("authorized")}
        out.errors.add("UnauthorizedError")
        if s.kind == "login":
            security |= {"verify_password", "dummy_hash"}
            if lower:
                out.sa.add("func")
            if account is not None and account.logout is not None:
                out.fastapi |= {"Depends", "Response"}
                out.lines.append(f"from app.auth.actors import {principal(account.actor)}, "
                                 f"require_{account.actor}")
        else:
            security.add("decode_token")
    out.lines.append(f"from app.auth.security import {', '.join(sorted(security))}")
    return out


def dependencies(s: OperationSlice) -> list[str]:
    """Route decorator arguments: a privileged actor's join needs a privileged principal."""
    if s.kind == "join" and s.account is not None and s.account.privileged:
        return ["dependencies=[Depends(require_privileged)]"]
    return []


def sign_in(primary: str, actor: str) -> str:
    """Lines giving ``row`` a new refresh token id, committing, returning its tokens
    (``actor``: the actor name as a Python literal; ``primary``: the row's key field)."""
    return ("    refresh_id = new_token_id()\n"
            "    row.refresh_token_id = refresh_id\n"
            "    commit(session)\n"
            "    session.refresh(row)\n"
            f"    tokens = issue_tokens({actor}, row.{primary}, row.token_version, "
            "refresh_id)\n"
            "    return to_authorized(row, tokens)\n")


def body(s: OperationSlice) -> str:
    """The handler body of a join / login / refresh operation."""
    assert s.model is not None
    account = s.account
    if account is None:
        raise ValueError(f"{s.operation_id}: no actor authenticates against {s.model.name}")
    actor = py_str(account.actor)
    if s.kind == "join":
        return _join(s, actor)
    if s.kind == "login":
        return _login(s, actor)
    return _refresh(s, actor)


def _identity_match(s: OperationSlice, value: str) -> str:
    assert s.model is not None and s.account is not None and s.account.identity is not None
    column = f"{s.model.class_name}.{s.account.identity}"
    if s.account.lowercase:
        return f"func.lower({column}) == {value}"
    return f"{column} == {value}"


def _join(s: OperationSlice, actor: str) -> str:
    assert s.model is not None and s.account is not None
    C, identity = s.model.class_name, s.account.identity
    out = ""
    if identity is not None:
        value = f"body.{identity}"
        if s.account.lowercase:
            value += ".lower()"
            if s.account.identity_optional:
                value = f"None if body.{identity} is None else {value}"
        out += f"    identity = {value}\n"
        check = (f"    taken = select({C}.{s.primary}).where({_identity_match(s, 'identity')})\n"
                 "    if session.scalars(taken).first() is not None:\n"
                 f"        raise ConflictError({py_str(f'this {identity} is already taken')})\n")
        if s.account.identity_optional:
            check = "    if identity is not None:\n" + "".join(
                f"    {line}\n" for line in check.splitlines())
        out += check
    out += "    row = collect_join(body)\n"
    if identity is not None and s.account.lowercase:
        out += f"    row.{identity} = identity\n"
    return out + "    session.add(row)\n" + sign_in(s.primary, actor)


def _login(s: OperationSlice, actor: str) -> str:
    assert s.model is not None and s.account is not None
    C = s.model.class_name
    identity, password = s.account.identity, s.account.password
    if identity is None or password is None:
        raise ValueError(f"{s.operation_id}: actor {s.account.actor} cannot log in")
    value = f"body.{identity}.lower()" if s.account.lowercase else f"body.{identity}"
    live = f", {C}.deleted_at.is_(None)" if s.soft_delete else ""
    return (f"    identity = {value}\n"
            "    row = session.scalars(\n"
            f"        select({C}).where({_identity_match(s, 'identity')}{live})\n"
            "    ).first()\n"
            f"    stored = row.{password} if row is not None else None\n"
            "    # an unknown identity costs the same as a wrong password: a dummy hash\n"
            "    matches = verify_password(body.password, "
            "stored if stored is not None else dummy_hash())\n"
            "    if row is None or stored is None or not matches:\n"
            "        raise UnauthorizedError('wrong identity or password')\n"
            + sign_in(s.primary, actor))


def _refresh(s: OperationSlice, actor: str) -> str:
    assert s.model is not None
    C = s.model.class_name
    live = f", {C}.deleted_at.is_(None)" if s.soft_delete else ""
    return ("    claims = decode_token(body.refresh_token, 'refresh')\n"
            f"    if claims.actor != {actor}:\n"
            "        raise UnauthorizedError('the token belongs to another actor')\n"
            "    row = session.scalars(\n"
            f"        select({C}).where({C}.{s.primary} == claims.subject{live})\n"
            "    ).first()\n"
            "    if row is None:\n"
            "        raise UnauthorizedError('the account does not exist')\n"
            "    if row.token_version != claims.version or "
            "row.refresh_token_id != claims.token_id:\n"
            "        # used before (or signed out): whoever holds it, every token of the\n"
            "        # account stops working\n"
            "        row.token_version += 1\n"
            "        row.refresh_token_id = None\n"
            "        commit(session)\n"
            "        raise UnauthorizedError('the refresh token was already used or revoked: "
            "sign in again')\n"
            + sign_in(s.primary, actor))


def logout_route(s: OperationSlice) -> str:
    """The logout route a login module also serves (empty when it serves none)."""
    account = s.account
    if s.kind != "login" or account is None or account.logout is None or s.model is None:
        return ""
    actor = account.actor
    handler = account.logout_id or f"logout_{actor}"
    C = s.model.class_name
    return (
        f"\n\n@router.post(\n    {py_str(account.logout)},\n    status_code=204,\n"
        "    response_class=Response,\n"
        f"    operation_id={py_str(handler)},\n"
        f"    {responses_argument(route_statuses(principal=True))},\n"
        f"    summary={py_str(f'Sign the calling {actor} out everywhere.')},\n)\n"
        f"def {handler}(\n"
        f"    principal: Annotated[{principal(actor)}, Depends(require_{actor})],\n"
        "    session: Annotated[Session, Depends(get_session)],\n"
        ") -> Response:\n"
        f'    """Every token of the calling {actor} issued so far stops working (its token\n'
        '    version is raised; its refresh token is forgotten)."""\n'
        f"    row = session.get({C}, principal.id)\n"
        "    if row is not None:\n"
        "        row.token_version += 1\n"
        "        row.refresh_token_id = None\n"
        "        commit(session)\n"
        "    return Response(status_code=204)\n"
    )
