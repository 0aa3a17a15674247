"""The builder every operation test module is rendered with: imports, constants, helpers.

A :class:`TestModule` collects test functions and the names they use; it emits only the
imports that are used, grouped and sorted, so the text is deterministic. Every value
literal goes through :func:`~autobe_core.generate.emit.py_str` (or ``repr`` of a number);
every free text through :func:`~autobe_core.generate.emit.docstring`.
"""

from __future__ import annotations

import keyword

from autobe_core.generate.emit import docstring, py_str
from autobe_core.generate.kinds.test.factories import (
    decimal_default,
    decimal_text,
    factory_function,
    float_default,
    int_default,
)
from autobe_core.generate.kinds.test.slices import FieldShape, OperationTestSlice, ParamShape
from autobe_core.spec.naming import snake

SECURITY_MODULE_ID = "auth:security"
HELPERS_MODULE_ID = "test:helpers"
CONFTEST_MODULE_ID = "test:conftest"

SAMPLE_PASSWORD = "sample-password-1"
WRONG_TYPE = '{"unexpected": "object"}'
"""A JSON value no scalar DTO field accepts."""


def orm_alias(model: str) -> str:
    return f"{model}_orm"


class TestModule:
    """One ``tests/test_<operation_id>.py`` under construction."""

    def __init__(self, s: OperationTestSlice) -> None:
        self.s = s
        self.std: set[str] = set()
        self.from_imports: dict[str, set[str]] = {}
        self.module_imports: set[str] = set()
        self.ids: set[str] = {CONFTEST_MODULE_ID}
        self.functions: list[str] = []
        self.preamble: list[str] = []
        self.arg_names = _arg_names(s.params)

    # -- names the tests use (each records its import)

    def use(self, module: str, name: str, module_id: str | None = None) -> str:
        self.from_imports.setdefault(module, set()).add(name)
        if module_id:
            self.ids.add(module_id)
        return name

    def helper(self, name: str) -> str:
        return self.use("tests.helpers", name, HELPERS_MODULE_ID)

    def security(self, name: str) -> str:
        return self.use("app.auth.security", name, SECURITY_MODULE_ID)

    def factory(self, model: str) -> str:
        return self.use(f"tests.factories.{model}", factory_function(model),
                        f"test:factory:{model}")

    def uuid(self) -> str:
        self.std.add("import uuid")
        return "uuid"

    def orm_class(self) -> str:
        model = self.s.model
        assert model is not None
        self.module_imports.add(f"import app.models.{model.name} as {orm_alias(model.name)}")
        self.ids.add(f"model:{model.name}")
        return f"{orm_alias(model.name)}.{model.class_name}"

    # -- tests

    def add(self, name: str, doc: str, lines: list[str]) -> None:
        self.use("fastapi.testclient", "TestClient")
        self.use("sqlalchemy.orm", "Session")
        body = "".join(f"    {line}\n" if line else "\n" for line in lines)
        self.functions.append(
            f"def {name}(client: TestClient, session: Session) -> None:\n"
            + docstring(doc, indent="    ") + body
        )

    def add_function(self, text: str) -> None:
        self.preamble.append(text)

    # -- urls

    def url(self, args: list[str]) -> str:
        return f"url({', '.join(args)})"

    def url_function(self) -> str:
        params = self.s.params
        if not params:
            return "def url() -> str:\n    return PATH\n"
        signature = ", ".join(f"{a}: object" for a in self.arg_names)
        mapping = ", ".join(f"{py_str(p.name)}: {a}" for p, a in zip(params, self.arg_names,
                                                                      strict=True))
        return f"def url({signature}) -> str:\n    return PATH.format_map({{{mapping}}})\n"

    def missing_value(self, param: ParamShape) -> str:
        """A value of the parameter's type that selects nothing."""
        if param.type == "uuid":
            return f"{self.uuid()}.uuid4()"
        if param.type == "int":
            return "987654321"
        return py_str("missing")

    # -- output

    def render(self, constants: list[tuple[str, str]]) -> str:
        s = self.s
        text = f"Tests of {s.method.upper()} {s.path} ({s.operation_id})."
        if s.summary:
            text += " " + s.summary
        out = docstring(text) + "\nfrom __future__ import annotations\n\n"
        groups: list[list[str]] = [sorted(self.std), [], []]
        for module, names in sorted(self.from_imports.items()):
            line = f"from {module} import {', '.join(sorted(names))}"
            if module.split(".")[0] in ("app", "tests"):
                groups[2].append(line)
            elif module == "typing":
                groups[0].append(line)
            else:
                groups[1].append(line)
        groups[2] += sorted(self.module_imports)
        groups[0].sort(key=_import_key)
        groups[2].sort(key=_import_key)
        out += "\n\n".join("\n".join(g) for g in groups if g) + "\n\n"
        out += "".join(f"{name} = {value}\n" for name, value in constants)
        for text_ in [self.url_function(), *self.preamble, *self.functions]:
            out += "\n\n" + text_
        return out

    def module_ids(self) -> frozenset[str]:
        return frozenset(self.ids)


def _import_key(line: str) -> tuple[int, str]:
    """isort's default order: ``import x`` lines first, then ``from x import``."""
    words = line.split()
    return (0 if words[0] == "import" else 1, words[1])


def _arg_names(params: tuple[ParamShape, ...]) -> list[str]:
    names: list[str] = []
    for param in params:
        name = snake(param.name) or "value"
        if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in ("url", "uuid"):
            name += "_"
        while name in names:
            name += "_"
        names.append(name)
    return names


# --------------------------------------------------------------------------- values


def fit(text: str, min_length: int | None, max_length: int | None) -> str:
    if max_length is not None:
        text = text[: max(max_length, 0)]
    if min_length is not None and len(text) < min_length:
        text += "x" * (min_length - len(text))
    return text


def sample(field: FieldShape, variant: int = 1) -> str:
    """A Python expression for a valid JSON value of ``field``; ``variant`` 2 differs from
    variant 1 and from what the field's factory writes, wherever the constraints allow."""
    if field.enum:
        return py_str(field.enum[0] if variant == 1 else field.enum[-1])
    if field.role == "password":
        return py_str(fit(f"sample-password-{variant}", field.min_length, field.max_length))
    if field.type == "string":
        if field.format == "email":
            return py_str(f"sample{variant}@example.com")
        return py_str(fit(f"s{variant}-{field.name}", field.min_length, field.max_length))
    if field.type == "uri":
        return py_str(f"https://example.com/sample-{variant}")
    if field.type == "uuid":
        return py_str(f"00000000-0000-4000-8000-{variant:012d}")
    if field.type == "int":
        base = int_default(field.minimum, field.maximum)
        if variant == 1:
            return str(base)
        if field.maximum is None or base + 1 <= field.maximum:
            return str(base + 1)
        return str(base - 1)
    if field.type == "double":
        base_f = float_default(field.minimum, field.maximum)
        if variant == 1:
            return repr(base_f)
        if field.maximum is None or base_f + 1.5 <= field.maximum:
            return repr(base_f + 1.5)
        if field.minimum is None or base_f - 1.5 >= field.minimum:
            return repr(base_f - 1.5)
        return repr((float(field.minimum) + float(field.maximum)) / 2)
    if field.type == "decimal":
        units, low, high = decimal_default(field.minimum, field.maximum, field.precision,
                                           field.scale)
        if variant == 2:
            units = units + 1 if units + 1 <= high else max(low, units - 1)
        return py_str(decimal_text(units, field.scale or 0))
    if field.type == "boolean":
        return "True"
    return py_str("2030-01-02T03:04:05Z" if variant == 1 else "2031-02-03T04:05:06Z")


def default_json(field: FieldShape) -> str:
    """The JSON value a response holds for a field left to its default, as an expression."""
    value = field.default
    assert value is not None
    return py_str(value) if isinstance(value, str) else repr(value)


def changeable(field: FieldShape) -> bool:
    """Whether :func:`sample` variant 2 differs from the factory's value."""
    if field.enum:
        return len(field.enum) > 1
    if field.type in ("int", "double", "decimal"):
        return field.minimum is None or field.maximum is None or field.maximum > field.minimum
    return True


def db_comparable(field: FieldShape) -> bool:
    """Whether the ORM attribute holds the JSON value itself (strings, numbers, booleans)."""
    return field.role in ("plain", "primary") and field.type in (
        "string", "int", "boolean", "uri", "double"
    )


def row_value(field: FieldShape, row: str) -> str:
    """The JSON value a response holds for ``field`` of an ORM row, as an expression."""
    attr = f"{row}.{field.source}"
    if field.type == "uuid":
        if field.nullable:
            return f"(None if {attr} is None else str({attr}))"
        return f"str({attr})"
    return attr
