"""The package layout stays as designed: public APIs between layers, small modules.

- Outside ``autobe_core/spec``, nothing imports ``autobe_core.spec.edits`` or
  ``autobe_core.spec.validation`` (internal packages; their API is re-exported by
  ``autobe_core.spec``), nor an underscore-prefixed name of a spec module.
- No ``.py`` file under ``autobe_core/`` or ``autobe_cli/`` is over 600 lines.
- No prefix-named module families remain (``spec/apply_*.py`` and the like): a family
  is a package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("autobe_core", "autobe_cli")
SPEC = ROOT / "autobe_core" / "spec"
INTERNAL = ("autobe_core.spec.edits", "autobe_core.spec.validation")
MAX_LINES = 600
PREFIX_FAMILIES = (
    "autobe_core/spec/apply_*.py",
    "autobe_core/spec/rules_*.py",
    "autobe_core/generate/testgen_*.py",
)


def python_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) for every import in ``path``; ``name`` None for ``import M``.
    Relative imports are resolved against the file's package."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                package = module_of(path).split(".")
                if path.name != "__init__.py":
                    package.pop()
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found += [(node.lineno, module, alias.name) for alias in node.names]
    return found


def spec_module_attributes(path: Path) -> list[tuple[int, str]]:
    """``alias._name`` uses, where ``alias`` is a spec module bound by an import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {
                a.asname or a.name
                for a in node.names
                if a.name.startswith("autobe_core.spec") and a.asname
            }
        elif isinstance(node, ast.ImportFrom) and node.module == "autobe_core.spec":
            aliases |= {a.asname or a.name for a in node.names if a.name.islower()}
    return [
        (node.lineno, f"{node.value.id}.{node.attr}")
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and node.attr.startswith("_")
    ]


def test_only_the_spec_layer_imports_its_internals() -> None:
    offenders: list[str] = []
    for path in python_files():
        if path.is_relative_to(SPEC):
            continue
        where = path.relative_to(ROOT)
        for line, module, name in imported(path):
            if any(module == p or module.startswith(p + ".") for p in INTERNAL):
                offenders.append(f"{where}:{line}: imports {module}")
            elif module.startswith("autobe_core.spec") and name and name.startswith("_"):
                offenders.append(f"{where}:{line}: imports {name} from {module}")
        offenders += [
            f"{where}:{line}: uses {attribute}" for line, attribute in spec_module_attributes(path)
        ]
    shown = list(dict.fromkeys(offenders))
    assert shown == [], "import from autobe_core.spec instead:\n" + "\n".join(shown)


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in python_files()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules (at most {MAX_LINES} lines each)"


@pytest.mark.parametrize("pattern", PREFIX_FAMILIES)
def test_no_prefix_named_families(pattern: str) -> None:
    assert sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern)) == []
