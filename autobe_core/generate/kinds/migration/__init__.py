"""The `migration` kind: one Alembic script per revision that changed the database.

:mod:`.generator` plans the modules from the chain of recorded migrations; :mod:`.render`
writes a script from its steps (``upgrade()``) and their inverses (``downgrade()``).
"""

from autobe_core.generate.kinds.migration.generator import plan
from autobe_core.generate.kinds.migration.slices import (
    GENERATOR_VERSION,
    MigrationSlice,
    initial_chain,
    migration_id,
    next_chain,
)

__all__ = [
    "GENERATOR_VERSION",
    "MigrationSlice",
    "initial_chain",
    "migration_id",
    "next_chain",
    "plan",
]
