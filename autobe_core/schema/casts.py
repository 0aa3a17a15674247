"""Which column type changes a migration may make, and how safe each is.

``same``: nothing to do. ``widening``: every stored value fits the new type (int ->
double, string(100) -> string(200) or text, ...): cast. ``narrowing``: allowed but flagged
destructive (a shorter string, fewer decimal digits; values that do not fit fail the
migration on PostgreSQL rather than being cut silently). ``refused``: no safe cast (text ->
int, datetime -> boolean, ...): the change is refused with what is allowed instead.
"""

from __future__ import annotations

from typing import Literal

from autobe_core.schema.model import ColumnType

CastKind = Literal["same", "widening", "narrowing", "refused"]

WIDER: dict[str, frozenset[str]] = {
    "int": frozenset({"double", "decimal", "string", "text"}),
    "double": frozenset({"decimal", "string", "text"}),
    "decimal": frozenset({"double", "string", "text"}),
    "uuid": frozenset({"string", "text"}),
    "boolean": frozenset({"string", "text"}),
    "datetime": frozenset({"string", "text"}),
    "string": frozenset({"text"}),
    "text": frozenset(),
}
"""Kind -> kinds every value of it converts to (through its text form for strings)."""

MIN_TEXT_LENGTH = {"int": 11, "double": 24, "decimal": 40, "uuid": 36, "boolean": 5,
                   "datetime": 32}
"""The string length a value of each kind needs at most, to cast it into string(n)."""

INT_DIGITS = 10
"""Whole digits of the largest int (2**31 - 1)."""


def cast_kind(before: ColumnType, after: ColumnType) -> CastKind:
    if before == after:
        return "same"
    if before.kind == after.kind == "string":
        assert before.length is not None and after.length is not None
        return "widening" if after.length >= before.length else "narrowing"
    if before.kind == after.kind == "decimal":
        assert before.precision is not None and after.precision is not None
        assert before.scale is not None and after.scale is not None
        whole_before, whole_after = before.precision - before.scale, after.precision - after.scale
        fits = whole_after >= whole_before and after.scale >= before.scale
        return "widening" if fits else "narrowing"
    if before.kind == "text" and after.kind == "string":
        return "narrowing"
    if after.kind == "decimal" and before.kind in ("int", "double"):
        assert after.precision is not None and after.scale is not None
        # a double can exceed any precision; an int32 needs 10 whole digits
        fits = before.kind == "int" and after.precision - after.scale >= INT_DIGITS
        return "widening" if fits else "narrowing"
    if after.kind not in WIDER[before.kind]:
        return "refused"
    if after.kind == "string":
        assert after.length is not None
        needed = MIN_TEXT_LENGTH.get(before.kind, 0)
        return "widening" if after.length >= needed else "narrowing"
    return "widening"


def allowed_from(before: ColumnType) -> tuple[str, ...]:
    """What a column of ``before`` may become, for the refusal message."""
    kinds = sorted(WIDER[before.kind] | {before.kind})
    return tuple(kinds)
