"""Planner and generator for ``app/main.py`` (kind `app`): the FastAPI application.

``create_app()`` installs the error handlers and includes every operation's router and
``GET /health`` (:mod:`app.health`); ``app`` is one instance of it. Its lifespan refuses to
serve from a database that is not at the backend's head migration (``app.db.
prepare_database``: the message says what to run); an in-memory SQLite database gets its
tables from the models instead. Routers are included with static path segments before
parameters at each position, so ``/items/search`` is matched before ``/items/{itemId}``.
The slice holds the project's title and description and the ordered operation ids; it
reads the project and every operation (their paths decide the order).
"""

from __future__ import annotations

from pydantic import BaseModel

from autobe_core.generate.common import Slice, import_block, operation_el, safe_docstring
from autobe_core.generate.emit import py_str
from autobe_core.generate.plan import BACKEND_PACKAGE, PlannedModule
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import operation_id

GENERATOR_VERSION = "3"
"""2: the database is checked before serving (``prepare_database``); ``GET /health``.
3: no start without a token signing secret (``prepare_auth``)."""


class MainSlice(Slice):
    module: str = "main"
    title: str = ""
    description: str = ""
    operations: tuple[str, ...] = ()
    """Operation ids in router order."""


def route_order(op: Operation) -> tuple[tuple[tuple[int, str], ...], str]:
    segments = [s for s in op.path.strip("/").split("/") if s]
    return (tuple((1, "") if s.startswith("{") else (0, s) for s in segments), op.method)


def cut(spec: ProjectSpec) -> MainSlice:
    ordered = sorted(spec.operations, key=route_order)
    return MainSlice(
        title=spec.title or spec.name,
        description=spec.description,
        operations=tuple(operation_id(op) for op in ordered),
    )


def plan(spec: ProjectSpec) -> list[PlannedModule]:
    slice_ = cut(spec)
    return [PlannedModule(
        id="app:main",
        kind="app",
        path=f"{BACKEND_PACKAGE}/main.py",
        slice=slice_,
        render=_render,
        generator_version=GENERATOR_VERSION,
        reads=frozenset({"project"} | {operation_el(op) for op in spec.operations}),
        imports=frozenset({"app:db", "app:errors", "app:health", "app:models", "auth:security"}
                          | {f"operation:{o}" for o in slice_.operations}),
    )]


def _render(slice_: BaseModel) -> str:
    assert isinstance(slice_, MainSlice)
    return render(slice_)


def render(s: MainSlice) -> str:
    imports = [
        "from collections.abc import AsyncIterator",
        "from contextlib import asynccontextmanager",
        "from fastapi import APIRouter, FastAPI",
        "from app import models  # noqa: F401  (registers every ORM class)",
        "from app.auth.security import prepare_auth",
        "from app.db import prepare_database",
        "from app.errors import install_error_handlers",
        "from app.health import router as health_router",
    ]
    ops = sorted(s.operations)
    if ops:
        imports.append("from app.operations import (\n"
                       + "".join(f"    {o},\n" for o in ops) + ")")
    out = safe_docstring(f"{s.title}: the FastAPI application.")
    out += "\nfrom __future__ import annotations\n\n" + import_block(imports)
    out += f"\nTITLE = {py_str(s.title)}\nDESCRIPTION = {py_str(s.description)}\n"
    out += "\nROUTERS: list[APIRouter] = [\n"
    out += "".join(f"    {o}.router,\n" for o in s.operations)
    out += "]\n"
    out += '''

@asynccontextmanager
async def lifespan(application: FastAPI) -> AsyncIterator[None]:
    """Before serving, check that ``AUTOBE_JWT_SECRET`` is set (``SettingsError`` says what
    to set) and that the database is at this backend's head migration:
    ``DatabaseNotReady`` (what to run) stops the start-up otherwise. An in-memory SQLite
    database gets every table from the models instead."""
    prepare_auth()
    prepare_database()
    yield


def create_app() -> FastAPI:
    """A new application with every operation's router, ``GET /health`` and the error
    handlers."""
    application = FastAPI(title=TITLE, description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(application)
    for router in ROUTERS:
        application.include_router(router)
    application.include_router(health_router)
    return application


app = create_app()
'''
    return out
