"""The packages whose ``__init__`` re-exports lazily (:mod:`autobe_core.lazy`) export what
their ``__all__`` says, each name being its module's object, whatever is imported first."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from types import ModuleType

import pytest

LAZY_PACKAGES = [
    "autobe_core.build",
    "autobe_core.graph",
    "autobe_core.schema",
    "autobe_core.service",
    "autobe_core.spec",
]


def table(package: ModuleType) -> dict[str, tuple[str, ...]]:
    lazy: dict[str, tuple[str, ...]] = package.LAZY
    return lazy


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_the_table_exports_exactly_all(name: str) -> None:
    package = importlib.import_module(name)
    names = [n for names in table(package).values() for n in names]
    assert len(names) == len(set(names)), "a name exported from two modules"
    assert sorted(names) == sorted(package.__all__)
    assert set(package.__all__) <= set(dir(package))


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_each_name_is_its_modules_object_after_every_submodule_is_imported(name: str) -> None:
    """Importing a submodule binds it on the package; a same-named export (the function
    ``graph.affected`` of the module ``graph.affected``) still wins."""
    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, f"{name}."):
        importlib.import_module(info.name)
    for module, names in table(package).items():
        source = importlib.import_module(f"{name}.{module}")
        for exported in names:
            assert getattr(package, exported) is getattr(source, exported), exported


def test_an_unknown_name_is_an_attribute_error() -> None:
    import autobe_core.service as service

    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        service.NoSuchThing  # noqa: B018
    with pytest.raises(ImportError):
        exec("from autobe_core.service import NoSuchThing", {})


def test_importing_the_service_facade_imports_no_use_case_it_does_not_run() -> None:
    """``from autobe_core.service import ProjectService`` (what every command does) leaves
    the generators, planners, LLM client and web framework unimported."""
    code = (
        "import sys\n"
        "from autobe_core.service import ProjectService, LogEntry, Status\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fastapi', 'openai', 'mypy', 'networkx') or m.startswith(('autobe_core.generate', "
        "'autobe_core.planning', 'autobe_core.realize', 'autobe_core.importer'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "[]"
