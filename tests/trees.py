"""Workspace trees as values, for comparing a rollback with the revision it returns to.

A rollback reproduces revision k's backend exactly except its migrations: the chain of
migrations only grows (the rollback's own migration goes forward to k's schema), so
:func:`app_part` drops ``migrations/versions/`` and their manifest entries.
"""

from __future__ import annotations

import json
from pathlib import Path

CACHES = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
MIGRATIONS = "migrations/versions/"
MANIFEST = ".autobe-manifest.json"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones included, tool caches not) -> its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not CACHES & set(p.relative_to(root).parts)
    }


def migration_files(files: dict[str, bytes]) -> list[str]:
    """The migration scripts of a tree, oldest first."""
    return sorted(path for path in files if path.startswith(MIGRATIONS))


def app_part(files: dict[str, bytes]) -> dict[str, bytes]:
    """``files`` without the migration scripts (and without them in the manifest)."""
    kept = {path: data for path, data in files.items() if not path.startswith(MIGRATIONS)}
    if MANIFEST in kept:
        manifest = json.loads(kept[MANIFEST])
        manifest["entries"] = [
            e for e in manifest["entries"] if not e["path"].startswith(MIGRATIONS)
        ]
        kept[MANIFEST] = json.dumps(manifest, sort_keys=True).encode()
    return kept
