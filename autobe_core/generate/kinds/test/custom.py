"""Tests of a user-owned custom operation (``Operation.implementation == "user"``).

The behaviour is the user's (``app/custom/<operation_id>.py``), so the generated tests
hold it to the contract autobe still enforces around it: 401 without a token and 403 with
another actor's (the role check runs before the implementation), 422 for a body that is no
JSON object and for a malformed uuid path parameter. 501 is no longer asserted; 404 and
the answers themselves are the user's to test (``tests/custom/``, run by ``autobe check``).
The test module's slice wraps the operation's :class:`OperationTestSlice` with what only
these tests need, so the other operations' keys do not change.
"""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.generate.kinds.test.crud import auth_error_tests, caller_setup, request, status
from autobe_core.generate.kinds.test.render import TestModule
from autobe_core.generate.kinds.test.slices import Frozen, OperationTestSlice
from autobe_core.spec.model import Operation

__all__ = ["UserTestSlice", "add_user_custom", "user_test_slice"]


class UserTestSlice(Frozen):
    base: OperationTestSlice
    body: bool = False
    """The operation declares a request body."""


def user_test_slice(op: Operation, base: OperationTestSlice) -> UserTestSlice | None:
    """The slice of a user-owned operation's tests; None for any other operation."""
    if op.kind != "custom" or op.implementation != "user":
        return None
    return UserTestSlice(base=base, body=op.request_body is not None)


def add_user_custom(m: TestModule, body: bool) -> None:
    setup, auth = caller_setup(m)
    params = m.s.params
    url = m.url([m.missing_value(p) for p in params])
    auth_error_tests(m, "custom", setup, url, None)
    if body:
        m.add("test_custom_body_not_an_object_is_422",
              "A body that is not a JSON object is rejected before the implementation runs.",
              [*setup, "session.commit()", request(m, url, json="[1, 2]", auth=auth),
               status(422)])
    if any(p.type == "uuid" for p in params):
        bad = m.url([py_str("not-a-uuid") if p.type == "uuid" else m.missing_value(p)
                     for p in params])
        m.add("test_custom_malformed_id_is_422",
              "A path parameter that is no uuid is rejected before the implementation runs.",
              [*setup, "session.commit()", request(m, bad, json="{}" if body else None,
                                                   auth=auth), status(422)])
