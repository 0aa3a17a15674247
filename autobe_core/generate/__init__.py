"""Backend generation: a validated spec -> the modules of its backend, each with its text.

The public API of the layer (other packages import only these names):

- :func:`plan_modules`: every module of a spec, with its slice, ``reads``, ``imports`` and
  key (the module graph and incremental builds are made of these);
- :func:`generate_files`: a clean generation, path -> file text;
- :class:`PlannedModule`, :data:`ModuleKind`, :data:`MODULE_KINDS`, :data:`BACKEND_PACKAGE`;
- :class:`MigrationSlice`, :func:`migration_id`: a recorded migration (the history keeps
  the chain; :func:`plan_modules` takes it beside the spec); :func:`next_chain` extends a
  chain with a revision's migration plan, :func:`initial_chain` is a new spec's chain;
- :func:`user_files`: the users' files planned modules call for (the implementations of
  user-owned custom operations, created once by the build); :func:`orphaned_user_files`:
  those no operation has any more; :func:`current_realized`: an operation's LLM-written code
  when it is still generated (its key is the operation's slice today).

Inside: :mod:`.plan` (the module plan and its keys), :mod:`.kinds` (one package per module
kind, holding all of that kind's code), :mod:`.common` (what several kinds share),
:mod:`.emit` (safe literals and docstrings) and :mod:`.fixed` (the generated backend's fixed
files, real Python files under ``static/``).
"""

from autobe_core.generate.kinds.migration import (
    MigrationSlice,
    initial_chain,
    migration_id,
    next_chain,
)
from autobe_core.generate.kinds.operation.custom import orphaned_user_files, user_files
from autobe_core.generate.kinds.realized import current_realized
from autobe_core.generate.plan import (
    BACKEND_PACKAGE,
    MODULE_KINDS,
    ModuleKind,
    PlannedModule,
    generate_files,
    plan_modules,
)

__all__ = [
    "BACKEND_PACKAGE",
    "MODULE_KINDS",
    "MigrationSlice",
    "ModuleKind",
    "PlannedModule",
    "current_realized",
    "generate_files",
    "initial_chain",
    "migration_id",
    "next_chain",
    "orphaned_user_files",
    "plan_modules",
    "user_files",
]
