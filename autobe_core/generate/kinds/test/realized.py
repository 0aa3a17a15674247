"""Tests of an LLM-realized custom operation (``Operation.realized``, current).

The realize loop (:mod:`autobe_core.realize`) runs these on every candidate, so they
hold the code to what the spec says of the operation: the contract of a user-owned
operation (:func:`.custom.add_user_custom`: 401 without a token, 403 for another actor,
422 for a malformed body or uuid) and, when a path parameter selects a row (its
``binds`` names a field) and the operation takes no body, 404 with the error shape when
that row does not exist. 501 is no longer asserted. The slice wraps the operation's
:class:`OperationTestSlice`, so the other operations' keys do not change.
"""

from __future__ import annotations

from autobe_core.generate.kinds.realized import current_realized
from autobe_core.generate.kinds.test.crud import caller_setup, error, request
from autobe_core.generate.kinds.test.custom import add_user_custom
from autobe_core.generate.kinds.test.render import TestModule
from autobe_core.generate.kinds.test.slices import Frozen, OperationTestSlice
from autobe_core.spec.model import Operation, ProjectSpec

__all__ = ["RealizedTestSlice", "add_realized", "realized_test_slice"]


class RealizedTestSlice(Frozen):
    base: OperationTestSlice
    body: bool = False
    """The operation declares a request body."""
    selects_row: bool = False
    """A path parameter binds a field: a missing row answers 404."""


def realized_test_slice(spec: ProjectSpec, op: Operation, base: OperationTestSlice
                        ) -> RealizedTestSlice | None:
    """The slice of a realized operation's tests; None unless ``op`` has current
    realized code."""
    if current_realized(spec, op) is None:
        return None
    return RealizedTestSlice(
        base=base, body=op.request_body is not None,
        selects_row=any(p.binds for p in op.parameters))


def add_realized(m: TestModule, s: RealizedTestSlice) -> None:
    add_user_custom(m, s.body)
    if s.selects_row and not s.body:
        setup, auth = caller_setup(m)
        url = m.url([m.missing_value(p) for p in m.s.params])
        m.add("test_realized_missing_row_is_404",
              "A path naming no row answers 404 with the error shape.",
              [*setup, "session.commit()", request(m, url, auth=auth),
               *error(404, "not_found")])
