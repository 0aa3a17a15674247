"""Renderer of the generated suite's row factories, ``tests/factories/<model>.py``.

``make_<model>(session, **overrides)`` adds a row with valid, fresh values for every
column, making required parents through their own factories. The suite's fixed files
(``tests/helpers.py``, ``tests/conftest.py``) are real files under ``generate/static/tests/``
(:mod:`autobe_core.generate.fixed`); the package markers are planned in
:mod:`autobe_core.generate.kinds.test.generator`.

Layout (see ``docs/generated-backend.md``): ``tests`` is a package (``tests/__init__.py``),
so pytest's default import mode puts the workspace root on ``sys.path`` and every test
module imports ``app...`` and ``tests.factories...`` / ``tests.helpers`` absolutely; mypy
resolves the same names from the workspace root.
"""

from __future__ import annotations

import decimal
import math

from autobe_core.generate.emit import docstring, py_str
from autobe_core.generate.kinds.test.slices import FactoryField, FactorySlice


def factory_function(model: str) -> str:
    return f"make_{model}"


def render_factory(s: FactorySlice) -> str:
    helpers: set[str] = set()
    needs_datetime = False
    defaults: list[str] = [f"        {py_str(s.primary)}: uuid.uuid4(),"]
    parents: list[str] = []
    self_refs: list[str] = []
    parent_models: set[str] = set()
    for field in s.fields:
        if field.role == "foreign":
            if field.nullable:
                defaults.append(f"        {py_str(field.name)}: None,")
            elif field.target_model == s.model:
                self_refs.append(field.name)
            else:
                assert field.target_model is not None
                parent_models.add(field.target_model)
                parents.append(
                    f"    if {py_str(field.name)} not in overrides:\n"
                    f"        values[{py_str(field.name)}] = key_of("
                    f"{factory_function(field.target_model)}(session))\n"
                )
                helpers.add("key_of")
            continue
        expression, used = _value(field)
        helpers |= used
        needs_datetime = needs_datetime or expression == "now"
        defaults.append(f"        {py_str(field.name)}: {expression},")

    imports = ["import uuid"]
    if any(line.lstrip().split(": ", 1)[-1].startswith("decimal.") for line in defaults):
        imports.insert(0, "import decimal")
    if needs_datetime:
        imports.append("from datetime import UTC, datetime")
    imports.append("from typing import Any")
    third = ["from sqlalchemy.orm import Session"]
    local = [f"from app.models.{s.model} import {s.class_name} as Row"]
    local += [
        f"from tests.factories.{m} import {factory_function(m)}" for m in sorted(parent_models)
    ]
    if helpers:
        local.append(f"from tests.helpers import {', '.join(sorted(helpers))}")

    out = docstring(
        f"Factory of {s.model} rows: valid, fresh values for every column; required "
        "parents are made through their own factories unless given."
    )
    out += "\nfrom __future__ import annotations\n\n"
    out += "\n".join(imports) + "\n\n" + "\n".join(third) + "\n\n" + "\n".join(local) + "\n"
    out += f"\n\ndef {factory_function(s.model)}(session: Session, **overrides: Any) -> Row:\n"
    out += docstring(
        f"Add a {s.model} row to the session and flush it; overrides win over the defaults.",
        indent="    ",
    )
    if needs_datetime:
        out += "    now = datetime.now(UTC)\n"
    out += "    values: dict[str, Any] = {\n" + "\n".join(defaults) + "\n    }\n"
    out += "".join(parents)
    out += "    values.update(overrides)\n"
    for name in self_refs:
        out += (
            f"    if {py_str(name)} not in overrides:\n"
            f"        values[{py_str(name)}] = values[{py_str(s.primary)}]\n"
        )
    out += "    row = Row(**values)\n    session.add(row)\n    session.flush()\n    return row\n"
    return out


def int_default(minimum: float | None, maximum: float | None) -> int:
    value = 0
    if minimum is not None and value < minimum:
        value = math.ceil(minimum)
    if maximum is not None and value > maximum:
        value = math.floor(maximum)
    return value


def float_default(minimum: float | None, maximum: float | None) -> float:
    value = 0.0
    if minimum is not None and value < minimum:
        value = float(minimum)
    if maximum is not None and value > maximum:
        value = float(maximum)
    return value


def decimal_units(
    minimum: float | None, maximum: float | None, precision: int, scale: int
) -> tuple[int, int]:
    """The values a ``decimal(precision, scale)`` within the bounds may take, in units of
    its last digit (``10 ** -scale``)."""
    top = 10**precision - 1
    unit = decimal.Decimal(10) ** scale
    low = -top if minimum is None else max(
        -top, math.ceil(decimal.Decimal(str(minimum)) * unit))
    high = top if maximum is None else min(
        top, math.floor(decimal.Decimal(str(maximum)) * unit))
    return low, high


def decimal_text(units: int, scale: int) -> str:
    """The decimal ``units * 10 ** -scale`` written out (``150, 2`` -> ``1.50``)."""
    return str(decimal.Decimal(units).scaleb(-scale))


def decimal_default(
    minimum: float | None, maximum: float | None, precision: int | None, scale: int | None
) -> tuple[int, int, int]:
    """(units of the factory's value, lowest, highest) of a decimal field."""
    assert precision is not None and scale is not None
    low, high = decimal_units(minimum, maximum, precision, scale)
    return min(max(0, low), high), low, high


def _value(field: FactoryField) -> tuple[str, set[str]]:
    """The default of one non-foreign column: a Python expression and the helpers it uses."""
    if field.role == "auto":
        return ("None" if field.nullable else "now"), set()
    if field.role == "password":
        return "password_hash()", {"password_hash"}
    if field.nullable:
        return "None", set()
    if field.enum:
        if field.unique and len(field.enum) > 1:
            return f"unique_choice(({', '.join(py_str(v) for v in field.enum)},))", {
                "unique_choice"
            }
        return py_str(field.enum[0]), set()
    if field.type == "string":
        if field.format == "email":
            return f"unique_email({field.max_length!r})", {"unique_email"}
        return f"unique_text({field.min_length or 1}, {field.max_length!r})", {"unique_text"}
    if field.type == "uri":
        return "unique_uri()", {"unique_uri"}
    if field.type == "uuid":
        return "uuid.uuid4()", set()
    if field.type == "int":
        low = int_default(field.minimum, field.maximum)
        if field.unique:
            high = math.floor(field.maximum) if field.maximum is not None else low + 1_000_000
            return f"unique_int({low}, {high})", {"unique_int"}
        return str(low), set()
    if field.type == "double":
        low_f = float_default(field.minimum, field.maximum)
        if field.unique:
            high_f = float(field.maximum) if field.maximum is not None else low_f + 1_000_000.0
            return f"unique_float({low_f!r}, {high_f!r})", {"unique_float"}
        return repr(low_f), set()
    if field.type == "decimal":
        units, _, high = decimal_default(field.minimum, field.maximum, field.precision,
                                         field.scale)
        scale = field.scale or 0
        if field.unique:
            return (f"decimal.Decimal(unique_int({units}, {high})).scaleb({-scale})",
                    {"unique_int"})
        return f"decimal.Decimal({py_str(decimal_text(units, scale))})", set()
    if field.type == "boolean":
        return "False", set()
    return "now", set()  # datetime
