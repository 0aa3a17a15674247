"""One exception root: every exception class defined in autobe_core derives from AutobeError,
which carries a message and a hint."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import autobe_core
from autobe_core.errors import AutobeError

NOT_MODULES = ("autobe_core.generate.static",)
"""Files of the generated backend that autobe_core copies, not modules of autobe_core."""


def module_names() -> list[str]:
    """Every module and package of autobe_core, but those under :data:`NOT_MODULES`
    (found like ``pkgutil.walk_packages``, without importing anything to find them)."""
    names = ["autobe_core"]

    def walk(directory: Path, prefix: str) -> None:
        for info in pkgutil.iter_modules([str(directory)], prefix):
            if info.name.startswith(NOT_MODULES):
                continue
            names.append(info.name)
            if info.ispkg:
                walk(directory / info.name.rpartition(".")[2], info.name + ".")

    for root in autobe_core.__path__:
        walk(Path(root), "autobe_core.")
    return sorted(names)


def exception_classes(module: ModuleType) -> list[type[BaseException]]:
    """The exception classes ``module`` defines (not those it imports)."""
    return [
        cls for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == module.__name__
    ]


MODULES = module_names()


def test_the_walk_finds_the_packages() -> None:
    for name in ("autobe_core.build.errors", "autobe_core.spec.diagnostics",
                 "autobe_core.history.errors", "autobe_core.importer.operations"):
        assert name in MODULES
    assert not any(name.startswith(NOT_MODULES) for name in MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_every_exception_class_derives_from_autobe_error(name: str) -> None:
    module = importlib.import_module(name)
    strays = [cls.__qualname__ for cls in exception_classes(module)
              if not issubclass(cls, AutobeError)]
    assert strays == [], f"{name} defines exceptions outside AutobeError: {strays}"


def test_there_are_exception_classes_to_check() -> None:
    found = {f"{cls.__module__}.{cls.__qualname__}"
             for name in MODULES for cls in exception_classes(importlib.import_module(name))}
    for expected in ("autobe_core.build.errors.ManifestError",
                     "autobe_core.spec.diagnostics.DiagnosticError",
                     "autobe_core.spec.edits.support.EditProblem",
                     "autobe_core.importer.operations.Unrealized",
                     "autobe_core.store.errors.StoreError"):
        assert expected in found


def test_message_and_hint() -> None:
    plain = AutobeError("it broke")
    assert (plain.message, plain.hint, str(plain)) == ("it broke", None, "it broke")
    hinted = AutobeError("it broke", "do this")
    assert hinted.message == "it broke" and str(hinted) == "it broke\n  hint: do this"


def test_a_dataclass_error_gets_its_str_as_message() -> None:
    from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError

    error = DiagnosticError([Diagnostic("$.models[0].name", "name.bad", "a bad name")])
    assert error.message == str(error) and "a bad name" in error.message
    assert error.hint is None
