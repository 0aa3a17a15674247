"""Where a project keeps its state and its generated backend on disk.

``<root>/.autobe/`` holds autobe's own state (config, the SQLite store by default, caches,
the write lock); ``<root>/backend/``
is the generated workspace the user runs and may edit. A project is found from any
directory inside it, the way git finds a repository.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from autobe_core.errors import AutobeError, ProjectNotFound

STATE_DIR = ".autobe"
WORKSPACE_DIR = "backend"
STORE_URL_ENV = "AUTOBE_STORE_URL"


class ProjectConfigError(AutobeError):
    """The project's ``.autobe/config.json`` cannot be read or is not what autobe wrote."""


@dataclass(frozen=True)
class ProjectLayout:
    root: Path

    @property
    def state(self) -> Path:
        return self.root / STATE_DIR

    @property
    def workspace(self) -> Path:
        return self.root / WORKSPACE_DIR

    @property
    def mypy_cache(self) -> Path:
        return self.state / "mypy_cache"

    @property
    def module_tables(self) -> Path:
        """The module tables of recorded revisions (:mod:`autobe_core.graph.table`)."""
        return self.state / "modules"

    @property
    def last_check(self) -> Path:
        return self.state / "last-check.json"

    @property
    def config_file(self) -> Path:
        return self.state / "config.json"

    @property
    def lock_file(self) -> Path:
        return self.state / "lock"

    @property
    def saved_dir(self) -> Path:
        """Where ``--force`` saves the user's versions of files it overwrites."""
        return self.state / "saved"

    @property
    def default_store(self) -> Path:
        """The SQLite database of a project whose config names no store."""
        return self.state / "autobe.db"

    def exists(self) -> bool:
        """Whether a project is here: its config, or (the config lost) its default store,
        which ``init`` creates only after the config; so a lost config.json never makes
        a stuck project (no project to ``status``, an existing one to ``init``)."""
        return self.config_file.is_file() or self.default_store.is_file()

    def store_url(self) -> str:
        """The storage URL: ``AUTOBE_STORE_URL``, else the project's config, else SQLite
        under ``.autobe/``."""
        env = os.environ.get(STORE_URL_ENV)
        if env:
            return env
        url = self.config().get("store") if self.config_file.is_file() else None
        return url or f"sqlite:///{self.default_store}"

    def config(self) -> dict[str, str]:
        """The project's configuration: ``{}`` or ``{"store": URL}``
        (:class:`ProjectConfigError` when the file is not that)."""
        path = self.config_file
        hint = (
            f"fix {path}: it holds {{}} (SQLite under .autobe/) or {{\"store\": \"URL\"}}; "
            "or restore it from a backup"
        )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ProjectConfigError(f"cannot read {path}: {exc.strerror or exc}", hint) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProjectConfigError(f"{path} is not valid JSON ({exc})", hint) from None
        if not isinstance(data, dict):
            raise ProjectConfigError(
                f"{path} is not valid JSON for autobe: a JSON object, not "
                f"{type(data).__name__}", hint,
            )
        store = data.get("store")
        if store is not None and (not isinstance(store, str) or not store):
            raise ProjectConfigError(f"{path}: \"store\" must be a storage URL", hint)
        return {"store": store} if store else {}

    @classmethod
    def find(cls, start: Path) -> ProjectLayout:
        """The project containing ``start`` (itself or a parent directory)."""
        start = start.resolve()
        for candidate in (start, *start.parents):
            layout = cls(candidate)
            if layout.exists():
                return layout
        raise ProjectNotFound(
            f"no autobe project at {start} or any parent directory",
            "create one with `autobe init DIR --from SPEC.yaml`, or pass -C DIR",
        )
