"""Rules on the values a field stores: its default, and a decimal's precision and scale.

A default is a column's server default (rows that exist when the field is added get it)
and the create DTO's default, so it must be a value of the field's type that the field's
own constraints accept: in its enum, within its range or length. Datetime fields take only
``"now"`` (the time the row is written); uuid fields take none.
"""

from __future__ import annotations

import math

from autobe_core.spec.model import Model, PlainField, ProjectSpec
from autobe_core.spec.naming import printable_problem
from autobe_core.spec.validation.common import Path, Report

NOW = "now"
"""The one default a datetime field may have: the moment the row is written."""

MAX_PRECISION = 38
"""The most digits a PostgreSQL NUMERIC column keeps in this generator's mapping."""

EXPECTED: dict[str, str] = {
    "string": "a string",
    "uri": "a string",
    "int": "an integer",
    "double": "a number",
    "decimal": "a number",
    "boolean": "true or false",
    "datetime": f"{NOW!r} (the time the row is written)",
    "uuid": "no default (uuid fields take none)",
}


def check_values(spec: ProjectSpec, report: Report) -> None:
    for i, model in enumerate(spec.models):
        for j, f in enumerate(model.plain_fields):
            path: Path = ["models", i, "plainFields", j]
            _check_decimal(model, f, path, report)
            if f.default is not None:
                _check_default(model, f, [*path, "default"], report)


def _check_decimal(model: Model, f: PlainField, path: Path, report: Report) -> None:
    owner = f"field {model.name}.{f.name}"
    for key, value in (("precision", f.precision), ("scale", f.scale)):
        if value is not None and f.type != "decimal":
            report.error([*path, key], "field.decimal-type",
                         f"{owner} has {key} but type {f.type!r}", ("decimal",))
    if f.type != "decimal":
        return
    precision = 18 if f.precision is None else f.precision
    scale = 2 if f.scale is None else f.scale
    if not 1 <= precision <= MAX_PRECISION:
        report.error([*path, "precision"], "field.decimal-precision",
                     f"precision of {owner} is {precision}",
                     (f"an integer from 1 to {MAX_PRECISION}",))
    elif not 0 <= scale <= precision:
        report.error([*path, "scale"], "field.decimal-precision",
                     f"scale of {owner} is {scale}, outside 0..{precision} (its precision)",
                     (f"an integer from 0 to {precision}",))


def _type_matches(f: PlainField) -> bool:
    value = f.default
    match f.type:
        case "string" | "uri":
            return isinstance(value, str)
        case "int":
            return isinstance(value, int) and not isinstance(value, bool)
        case "double" | "decimal":
            return (isinstance(value, int | float) and not isinstance(value, bool)
                    and math.isfinite(value))
        case "boolean":
            return isinstance(value, bool)
        case "datetime":
            return value == NOW
        case _:
            return False


def _check_default(model: Model, f: PlainField, path: Path, report: Report) -> None:
    owner = f"field {model.name}.{f.name}"
    value = f.default
    if not _type_matches(f):
        report.error(path, "field.default-type",
                     f"default {value!r} of {owner} is not a value of type {f.type!r}",
                     (EXPECTED[f.type],))
        return
    if isinstance(value, str) and f.type != "datetime":
        problem = printable_problem(value) if value else None
        if problem:
            report.error(path, "field.default-text", f"default of {owner}: {problem}",
                         ("printable text on one line",))
        elif f.enum is not None and value not in f.enum:
            report.error(path, "field.default-enum",
                         f"default {value!r} of {owner} is not one of its values",
                         tuple(f.enum))
        elif not _length_ok(f, len(value)):
            report.error(path, "field.default-range",
                         f"default {value!r} of {owner} has {len(value)} characters",
                         (f"from {f.min_length or 0} to {f.max_length or 'any'} characters",))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        low, high = f.minimum, f.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            report.error(path, "field.default-range",
                         f"default {value!r} of {owner} is outside its range",
                         (f"a number from {low} to {high}",))


def _length_ok(f: PlainField, length: int) -> bool:
    return (f.min_length is None or length >= f.min_length) and (
        f.max_length is None or length <= f.max_length)
