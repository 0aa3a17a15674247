"""The generated backend's fixed files: real files under ``generate/static/``.

A fixed file is one whose text no spec element shapes. It lives under ``static/`` at the
path it has in the generated workspace (``static/app/db.py`` is the backend's ``app/db.py``,
``static/tests/conftest.py`` its ``tests/conftest.py``, ``static/alembic.ini`` its
``alembic.ini``) and is emitted byte for byte: :func:`fixed_text` reads it with
:mod:`importlib.resources`, so it works from a wheel too (``pyproject.toml`` ships
``static/**`` as package data of ``autobe_core.generate``).

A fixed module's slice (:class:`FixedSlice`, planned by :func:`plan_fixed`) holds the
digest of its text: editing a static file changes the module's key, so existing projects
get the new text on their next build instead of keeping the old one.
One file is a head rather than a whole module: ``static/app/auth/actors.py`` is the actors
module of a project without actors, to which the `auth` kind appends a principal and a
dependency per actor.

Being real files, they are checked like the rest of autobe:

- ``ruff check autobe_core`` lints them (``pyproject.toml`` names ``app`` a first-party
  package for isort, and lists the two per-file ignores their bytes need);
- they import the generated ``app`` package, which exists only in a generated workspace,
  so autobe's own mypy run excludes ``static/``; they are type-checked (``mypy --strict``)
  as part of a generated backend by ``tests/test_generate_static.py``.

``static/`` holds no ``__init__.py`` at any level: its files are data, not modules of
``autobe_core``. What stays generated in code, and why:

- package markers (``tests/__init__.py``, ``app/dtos/__init__.py``, ...): a one-line
  docstring each, and an ``__init__.py`` here would make ``static/`` a package;
- the workspace ``pyproject.toml`` (:mod:`autobe_core.generate.kinds.app.support`): a
  template (the project's name), not Python, so nothing would lint it, and a
  ``pyproject.toml`` inside autobe's source tree would be taken for a project root by
  tools that search upwards for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from pydantic import BaseModel

from autobe_core.generate.common import Slice
from autobe_core.generate.plan import ModuleKind, PlannedModule
from autobe_core.spec.model import sha256_text

STATIC_DIR = "static"
SKIPPED = ("__pycache__",)
"""Directories under ``static/`` that are not part of the backend."""


def _static_root() -> Traversable:
    return resources.files("autobe_core.generate").joinpath(STATIC_DIR)


@cache
def fixed_text(path: str) -> str:
    """The text of the fixed file at workspace-relative POSIX ``path`` (e.g. ``app/db.py``),
    exactly as stored (no newline translation)."""
    resource = _static_root()
    for part in path.split("/"):
        resource = resource.joinpath(part)
    if not resource.is_file():
        raise FileNotFoundError(f"no fixed file {path!r} under autobe_core/generate/static")
    return resource.read_bytes().decode("utf-8")


def fixed_paths() -> list[str]:
    """Workspace-relative paths of every fixed file, sorted."""
    found: list[str] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir():
                if child.name not in SKIPPED:
                    walk(child, f"{prefix}{child.name}/")
            elif not child.name.endswith(".pyc"):
                found.append(prefix + child.name)

    walk(_static_root(), "")
    return sorted(found)


@cache
def fixed_digest(path: str) -> str:
    """The sha256 of a fixed file's text: part of its module's key."""
    return sha256_text(fixed_text(path))


class FixedSlice(Slice):
    """A fixed file: which one, and a digest of its text (so its key follows the text)."""

    path: str
    digest: str

    @classmethod
    def of(cls, path: str) -> FixedSlice:
        return cls(path=path, digest=fixed_digest(path))


def render_fixed(slice_: BaseModel) -> str:
    assert isinstance(slice_, FixedSlice)
    return fixed_text(slice_.path)


def plan_fixed(
    module_id: str, kind: ModuleKind, path: str, generator_version: str,
    imports: Iterable[str] = (),
) -> PlannedModule:
    """The module of the fixed file at workspace path ``path`` (it reads no spec element)."""
    return PlannedModule(
        id=module_id, kind=kind, path=path, slice=FixedSlice.of(path), render=render_fixed,
        generator_version=generator_version, reads=frozenset(), imports=frozenset(imports),
    )
