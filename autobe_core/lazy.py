"""Lazy public names for a package's ``__init__`` (PEP 562).

A package whose ``__init__`` re-exports its modules' names imports every one of them
first; a CLI command needing one name pays for all (``autobe log`` does not need FastAPI,
openai or the generators). With :func:`lazy_exports` the ``__init__`` lists, per module,
the names it re-exports; each module is imported when one of its names is first used::

    if TYPE_CHECKING:
        from mypackage.models import Model

    LAZY = {"models": ("Model",)}
    if not TYPE_CHECKING:  # a type checker sees the names above, and no __getattr__
        __getattr__, __dir__ = lazy_exports(__name__, LAZY)

A test checks each package's table against its ``__all__`` and its imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


class LazyPackage(ModuleType):
    """A package module whose exported names win over its same-named submodules.

    Importing a submodule binds it on its package (``autobe_core.graph.affected``, the
    module); an eager ``from .affected import affected`` then bound the function over it.
    Here the export is bound instead, whichever is imported first."""

    def __setattr__(self, name: str, value: Any) -> None:
        exports: Mapping[str, str] = self.__dict__.get("_lazy_exports", {})
        if (isinstance(value, ModuleType) and exports.get(name) == name
                and value.__name__ == f"{self.__name__}.{name}"):
            value = getattr(value, name)
        super().__setattr__(name, value)


def lazy_exports(
    package: str, modules: Mapping[str, tuple[str, ...]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for package ``package`` re-exporting, from each of its
    ``modules`` (names relative to the package), those names."""
    where = {name: module for module, names in modules.items() for name in names}
    this = sys.modules[package]
    this._lazy_exports = where  # type: ignore[attr-defined]
    this.__class__ = LazyPackage

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = importlib.import_module(f"{package}.{module}")
        for exported in modules[module]:  # found directly next time
            setattr(this, exported, getattr(loaded, exported))
        return getattr(loaded, name)

    def __dir__() -> list[str]:
        return sorted({*vars(this), *where})

    return __getattr__, __dir__
