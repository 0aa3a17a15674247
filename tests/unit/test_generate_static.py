"""The generated backend's fixed files (``autobe_core/generate/static/``).

They are real files (Python modules, and ``alembic.ini``), emitted byte for byte: every one
is used by the plan, none is a module of ``autobe_core`` (no ``__init__.py`` under
``static/``), each module's key follows its text (the slice holds its digest), and, since
autobe's own mypy run excludes them (they import the generated ``app`` package), they are
type-checked here as part of a generated todo backend with ``mypy --strict``, migrations
included.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

from autobe_core.generate import generate_files, plan_modules
from autobe_core.generate.fixed import FixedSlice, fixed_paths, fixed_text
from autobe_core.generate.kinds.auth.generator import ActorsSlice
from autobe_core.generate.kinds.migration import MigrationSlice, migration_id
from autobe_core.schema import plan_migration
from autobe_core.spec import ProjectSpec, creation
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import sha256_text

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "autobe_core" / "generate" / "static"
HEADS = {"app/auth/actors.py"}
"""Fixed files the plan extends (the actors module imports each actor's model and appends
one class and dependency per actor): every line of the head is emitted, in order."""


def _extends(head: str, text: str) -> bool:
    """Whether ``text`` holds every line of ``head`` in order, and more."""
    lines = iter(text.splitlines())
    return text != head and all(any(line == got for got in lines) for line in head.splitlines())


def test_every_fixed_file_is_emitted_as_stored() -> None:
    files = generate_files(load_spec(ROOT / "fixtures" / "todo.yaml"))
    paths = fixed_paths()
    assert paths == sorted(
        p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    assert {"app/db.py", "app/errors.py", "app/settings.py", "app/health.py",
            "tests/conftest.py", "alembic.ini", "migrations/env.py"} <= set(paths)
    for path in paths:
        stored = (STATIC / path).read_bytes().decode("utf-8")
        assert fixed_text(path) == stored
        if path in HEADS:
            assert _extends(stored, files[path]), path
        else:
            assert files[path] == stored, path


def test_a_fixed_modules_key_follows_its_text() -> None:
    """Editing a static file changes its module's key: existing projects get the new text."""
    modules = plan_modules(load_spec(ROOT / "fixtures" / "todo.yaml"))
    fixed = [m for m in modules if isinstance(m.slice, FixedSlice)]
    assert {m.path for m in fixed} == set(fixed_paths()) - HEADS
    for module in fixed:
        assert isinstance(module.slice, FixedSlice)
        assert module.slice.digest == sha256_text(module.generate()), module.id
        edited = module.slice.model_copy(update={"digest": sha256_text("edited")})
        assert dataclasses.replace(module, slice=edited).key != module.key, module.id
    actors = next(m for m in modules if m.id == "auth:actors")
    assert isinstance(actors.slice, ActorsSlice)
    assert actors.slice.head == sha256_text(fixed_text("app/auth/actors.py"))


def test_static_holds_no_package() -> None:
    assert not list(STATIC.rglob("__init__.py"))


def test_fixed_files_type_check_in_a_generated_backend(tmp_path: Path) -> None:
    spec = load_spec(ROOT / "fixtures" / "todo.yaml")
    steps = plan_migration(ProjectSpec(name=spec.name), creation(spec)).steps
    first = MigrationSlice(revision=1, id=migration_id(1), down=None, title="create todo",
                           steps=steps)
    for path, text in generate_files(spec, [first]).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / ".mypy_cache")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "app", "tests", "migrations"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
