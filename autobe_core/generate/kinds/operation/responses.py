"""The error responses an operation declares in the OpenAPI document.

Every operation declares the statuses it can answer besides its success, each with the one
error schema (``app.errors.ErrorBody``, whose shape every error answer has):

- 401 when it needs a principal (an actor's bearer token) or checks credentials (login,
  refresh);
- 403 when an actor's role is checked (a token of another actor, a row of another account);
- 404 when it has path parameters (the row, or a parent the path names, may not exist), when
  the row is the caller's account (erased since the token was issued) or
  its body names a row the caller must own (a create's parent, a refund's payment);
- 409 on writes that can break a unique constraint or a foreign key
  (:func:`can_conflict`);
- 422 always (a malformed body, path or query; it replaces FastAPI's ``HTTPValidationError``);
- 501 when it is not realized yet (a custom operation: its handler answers 501).

:func:`route_statuses` is the rule for any route (the logout route a login module
serves too); :func:`error_statuses` applies it to an operation's slice;
:func:`responses_argument` renders the route decorator's ``responses=`` argument.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autobe_core.spec.model import Model, ProjectSpec

if TYPE_CHECKING:
    from autobe_core.generate.kinds.operation.generator import OperationSlice

CREDENTIAL_KINDS = frozenset({"login", "refresh"})
"""Operations that answer 401 for wrong credentials without needing a principal."""
WRITE_KINDS = frozenset({"create", "update", "join"})


def can_conflict(spec: ProjectSpec, model: Model | None, kind: str,
                 soft_delete: bool = False) -> bool:
    """Whether a ``kind`` operation on ``model`` can hit a unique constraint or a foreign
    key: a create / update / join of a model with a unique index, a unique or any foreign
    field; a hard erase of a row other models refer to."""
    if model is None:
        return False
    if kind in WRITE_KINDS:
        return bool(model.unique_indexes or model.foreign_fields)
    if kind == "erase" and not soft_delete:
        return any(f.relation.target_model == model.name
                   for other in spec.models for f in other.foreign_fields)
    return False


def route_statuses(*, principal: bool, credentials: bool = False, params: bool = False,
                   conflicts: bool = False, unrealized: bool = False) -> tuple[int, ...]:
    """The error statuses of a route, ascending: 401 when it needs a principal or checks
    credentials, 403 when it needs a principal (its role is checked), 404 with path
    parameters, 409 when it can conflict, 501 while unrealized, 422 always."""
    statuses = {422}
    if principal or credentials:
        statuses.add(401)
    if principal:
        statuses.add(403)
    if params:
        statuses.add(404)
    if conflicts:
        statuses.add(409)
    if unrealized:
        statuses.add(501)
    return tuple(sorted(statuses))


def error_statuses(s: OperationSlice) -> tuple[int, ...]:
    """The error statuses the operation of slice ``s`` declares, ascending."""
    guarded = s.account is not None and s.account.privileged  # a privileged actor's join
    identity_join = (s.account is not None and s.account.identity is not None
                     and s.kind == "join")
    return route_statuses(principal=s.actor is not None or guarded,
                          credentials=s.kind in CREDENTIAL_KINDS,
                          params=bool(s.params) or s.caller_row or _body_names_owned_rows(s),
                          conflicts=s.conflicts or identity_join,
                          unrealized=s.kind == "custom")


def _body_names_owned_rows(s: OperationSlice) -> bool:
    """The handler answers 404 for a row its body names (not the caller's)."""
    scope = s.scope
    if scope is None or s.kind not in ("create", "update"):
        return False
    parent = s.kind == "create" and not scope.direct and not scope.through_path
    return parent or bool(scope.references)


def responses_argument(statuses: tuple[int, ...]) -> str:
    """The route decorator's ``responses=...`` argument (``app.errors.error_responses``)."""
    return f"responses=error_responses({', '.join(str(c) for c in statuses)})"
