"""SQLAlchemy source text for schema values: column types, server defaults, checks, indexes.

The `model` kind (ORM classes) and the `migration` kind (Alembic scripts) both render
:mod:`autobe_core.schema` values, and both go through these functions, so a column's type,
its server default, an enum's CHECK and a trigram index are the same expression in the
models as in the migrations that build the database (which is what the ladder's
``compare_metadata`` check relies on).
"""

from __future__ import annotations

from autobe_core.generate.emit import py_str
from autobe_core.schema import Column, ColumnType, Index

SA_TYPES: dict[str, str] = {
    "uuid": "sa.Uuid()",
    "text": "sa.Text()",
    "int": "sa.Integer()",
    "double": "sa.Double()",
    "boolean": "sa.Boolean()",
    "datetime": "sa.DateTime(timezone=True)",
}

PY_TYPES: dict[str, str] = {
    "uuid": "uuid.UUID",
    "string": "str",
    "text": "str",
    "int": "int",
    "double": "float",
    "decimal": "decimal.Decimal",
    "boolean": "bool",
    "datetime": "datetime.datetime",
}
"""Column kind -> the Python type of its values (``Mapped[...]``)."""

PY_TYPE_IMPORTS: dict[str, str] = {
    "uuid": "import uuid",
    "decimal": "import decimal",
    "datetime": "import datetime",
}
"""Column kind -> the import its Python type needs."""


def sa_type(t: ColumnType) -> str:
    """``sa.String(200)``, ``sa.Numeric(18, 2)``, ``sa.Uuid()``, ..."""
    if t.kind == "string":
        return f"sa.String({t.length})"
    if t.kind == "decimal":
        return f"sa.Numeric({t.precision}, {t.scale})"
    return SA_TYPES[t.kind]


def python_type(c: Column) -> str:
    """The annotation of a column's values: a ``Literal`` of an enum's values, the kind's
    Python type otherwise; ``| None`` when nullable."""
    if c.enum:
        base = "Literal[" + ", ".join(py_str(v) for v in c.enum) + "]"
    else:
        base = PY_TYPES[c.type.kind]
    return f"{base} | None" if c.nullable else base


NOW = "now"
"""The default of a datetime column that means the time the row is written."""

CURRENT_TIME = "sa.func.now()"
"""``now()`` on PostgreSQL, ``CURRENT_TIMESTAMP`` on SQLite: evaluated per row (the SQL
literal ``'now'`` would be evaluated once, when the default is defined)."""


def default_expr(value: str | int | float | bool | None, kind: str | None = None) -> str:
    """A ``server_default`` argument for a column of ``kind``: a str is quoted as an SQL
    literal by SQLAlchemy, booleans are ``sa.true()`` / ``sa.false()`` (rendered per
    dialect), numbers SQL text, a datetime's ``now`` the current time."""
    if value is None:
        return "None"
    if kind == "datetime" and value == NOW:
        return CURRENT_TIME
    if isinstance(value, bool):
        return "sa.true()" if value else "sa.false()"
    if isinstance(value, str):
        return py_str(value)
    return f"sa.text({py_str(repr(value))})"


def python_value(value: str | int | float | bool) -> str:
    """A default as a Python literal (a DTO default)."""
    return py_str(value) if isinstance(value, str) else repr(value)


def value_expr(value: str | int | float | bool, kind: str) -> str:
    """A default as the value of an SQL UPDATE (a migration filling NULLs): a literal, or
    the current time for a datetime's ``now``."""
    if kind == "datetime" and value == NOW:
        return CURRENT_TIME
    return python_value(value)


def check_expr(column: str, values: tuple[str, ...]) -> str:
    """The condition of an enum's CHECK constraint: the column holds one of ``values``."""
    return f"sa.column({py_str(column)}).in_([{', '.join(py_str(v) for v in values)}])"


def index_kwargs(index: Index) -> list[str]:
    """Keyword arguments of a trigram index: GIN with ``gin_trgm_ops`` on PostgreSQL (other
    databases ignore them and make a plain index); none for a btree index."""
    if index.method != "gin":
        return []
    column = index.columns[0]
    return [f"postgresql_using={py_str('gin')}",
            f"postgresql_ops={{{py_str(column)}: {py_str('gin_trgm_ops')}}}"]
