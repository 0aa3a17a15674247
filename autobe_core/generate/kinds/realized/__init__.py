"""The `realized` kind: ``app/realized/<operation_id>.py``, the module an LLM wrote for a
``custom`` operation (recorded in the spec as ``Operation.realized``), and the key of the
slice it is written against (:mod:`.context`)."""

from autobe_core.generate.kinds.realized.context import (
    ContextModules,
    context_modules,
    current_realized,
    realize_key,
    realize_keys,
)
from autobe_core.generate.kinds.realized.generator import plan

__all__ = [
    "ContextModules",
    "context_modules",
    "current_realized",
    "plan",
    "realize_key",
    "realize_keys",
]
