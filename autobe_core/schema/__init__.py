"""The database a spec describes, and the steps between two revisions of it.

- :mod:`.model`: tables, columns, indexes and constraints as frozen values;
- :mod:`.names`: the naming convention (63 characters at most, stable hash suffix);
- :mod:`.derive`: spec -> schema, the one mapping of fields to columns;
- :mod:`.casts`: which type changes a migration may make, and how safe each is;
- :mod:`.steps`: migration steps with exact inverses and destructive flags;
- :mod:`.diff`: the ordered steps between two schemas given what survived;
- :mod:`.migration`: a change's steps from its typed edits (renames are renames).

Each name is imported from its module when first used (:mod:`autobe_core.lazy`): reading
recorded steps does not import the edit engine.
"""

from typing import TYPE_CHECKING

from autobe_core.lazy import lazy_exports

if TYPE_CHECKING:
    from autobe_core.schema.casts import CastKind, cast_kind
    from autobe_core.schema.derive import column_type, schema_of, table_of
    from autobe_core.schema.migration import MigrationPlan, plan_migration
    from autobe_core.schema.model import (
        INT32_MAX,
        INT32_MIN,
        Column,
        ColumnKind,
        ColumnType,
        ForeignKey,
        Index,
        Schema,
        Table,
    )
    from autobe_core.schema.names import MAX_IDENTIFIER, constraint_name, fit
    from autobe_core.schema.steps import Step, inverse_steps

LAZY: dict[str, tuple[str, ...]] = {
    "casts": ("CastKind", "cast_kind"),
    "derive": ("column_type", "schema_of", "table_of"),
    "migration": ("MigrationPlan", "plan_migration"),
    "model": (
        "INT32_MAX",
        "INT32_MIN",
        "Column",
        "ColumnKind",
        "ColumnType",
        "ForeignKey",
        "Index",
        "Schema",
        "Table",
    ),
    "names": ("MAX_IDENTIFIER", "constraint_name", "fit"),
    "steps": ("Step", "inverse_steps"),
}
"""Module (in this package) -> the names it re-exports, imported on first use."""

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, LAZY)

__all__ = [
    "INT32_MAX",
    "INT32_MIN",
    "MAX_IDENTIFIER",
    "CastKind",
    "Column",
    "ColumnKind",
    "ColumnType",
    "ForeignKey",
    "Index",
    "MigrationPlan",
    "Schema",
    "Step",
    "Table",
    "cast_kind",
    "column_type",
    "constraint_name",
    "fit",
    "inverse_steps",
    "plan_migration",
    "schema_of",
    "table_of",
]
