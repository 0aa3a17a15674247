"""The generated backend's fixed files (``autobe_core/generate/static/``).

They are real Python files, emitted byte for byte: every one is used by the plan, none is
a module of ``autobe_core`` (no ``__init__.py`` under ``static/``), and, since autobe's own
mypy run excludes them (they import the generated ``app`` package), they are type-checked
here as part of a generated todo backend with ``mypy --strict``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autobe_core.generate import generate_files
from autobe_core.generate.fixed import fixed_paths, fixed_text
from autobe_core.spec.io import load_spec

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "autobe_core" / "generate" / "static"
HEADS = {"app/auth/actors.py"}
"""Fixed files the plan extends (the actors module appends one class per actor)."""


def test_every_fixed_file_is_emitted_as_stored() -> None:
    files = generate_files(load_spec(ROOT / "fixtures" / "todo.yaml"))
    paths = fixed_paths()
    assert paths == sorted(
        p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*.py")
        if "__pycache__" not in p.parts
    )
    assert {"app/db.py", "app/errors.py", "tests/conftest.py"} <= set(paths)
    for path in paths:
        stored = (STATIC / path).read_bytes().decode("utf-8")
        assert fixed_text(path) == stored
        if path in HEADS:
            assert files[path].startswith(stored) and files[path] != stored, path
        else:
            assert files[path] == stored, path


def test_static_holds_no_package() -> None:
    assert not list(STATIC.rglob("__init__.py"))


def test_fixed_files_type_check_in_a_generated_backend(tmp_path: Path) -> None:
    for path, text in generate_files(load_spec(ROOT / "fixtures" / "todo.yaml")).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    env = {**os.environ, "MYPY_CACHE_DIR": str(tmp_path / ".mypy_cache")}
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "app", "tests"],
        cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
