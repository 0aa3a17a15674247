"""A small hand-written backend workspace for the recompile ladder's tests (the cold
ladder's in tests/unit/test_verify.py, warm against cold in tests/unit/test_warm_verifier.py):
an app with one table and one route, and a passing test of it."""

from __future__ import annotations

import textwrap
from pathlib import Path

DB = """
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
"""

MAIN = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict[str, str]:
    return {"pong": "ok"}
"""

PASSING_TEST = """
from fastapi.testclient import TestClient

from app.main import app


def test_ping() -> None:
    assert TestClient(app).get("/ping").json() == {"pong": "ok"}
"""


def make_workspace(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root
