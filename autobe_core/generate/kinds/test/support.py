"""Renderers of the generated suite's shared files: the package markers, ``tests/helpers.py``,
``tests/conftest.py`` and the factories ``tests/factories/<model>.py``.

Layout (see ``docs/generated-backend.md``): ``tests`` is a package (``tests/__init__.py``),
so pytest's default import mode puts the workspace root on ``sys.path`` and every test
module imports ``app...`` and ``tests.factories...`` / ``tests.helpers`` absolutely; mypy
resolves the same names from the workspace root.
"""

from __future__ import annotations

import math

from autobe_core.generate.emit import docstring, py_str
from autobe_core.generate.kinds.test.slices import FactoryField, FactorySlice

PACKAGE_INIT = '"""The generated backend\'s tests (a package: modules import ``tests.*``)."""\n'

FACTORIES_INIT = (
    '"""Row factories: ``make_<model>(session, **overrides)`` in ``tests.factories.<model>``."""\n'
)

HELPERS = '''"""Helpers of the generated tests: unique values, the accounts' password, tokens."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from functools import cache
from typing import TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.auth.security import hash_password, issue_tokens

T = TypeVar("T")

DEFAULT_PASSWORD = "correct-horse-battery-staple"
"""The password of every account a factory makes."""

_counter = itertools.count(1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def unique_text(min_length: int = 1, max_length: int | None = None) -> str:
    """A fresh string whose length lies within the bounds."""
    text = "t" + uuid.uuid4().hex
    if max_length is not None:
        text = text[: max(max_length, 0)]
    if len(text) < min_length:
        text += "x" * (min_length - len(text))
    return text


def unique_email(max_length: int | None = None) -> str:
    """A fresh, valid e-mail address, at most ``max_length`` long when it can be."""
    room = 16 if max_length is None else max(1, min(16, max_length - 13))
    return "u" + uuid.uuid4().hex[:room] + "@example.com"


def unique_uri() -> str:
    return f"https://example.com/{uuid.uuid4().hex}"


def unique_int(minimum: int, maximum: int) -> int:
    """Consecutive calls cycle through the range, so rows differ where they can."""
    return minimum + next(_counter) % (maximum - minimum + 1)


def unique_float(minimum: float, maximum: float) -> float:
    return minimum + (next(_counter) % 1000) / 1000 * (maximum - minimum)


def unique_choice(values: tuple[str, ...]) -> str:
    return values[next(_counter) % len(values)]


@cache
def password_hash() -> str:
    """The stored hash of DEFAULT_PASSWORD (computed once: the KDF is slow on purpose)."""
    return hash_password(DEFAULT_PASSWORD)


def key_of(row: object) -> uuid.UUID:
    """The primary key of a flushed ORM row."""
    identity = inspect(row).identity
    assert identity is not None, "flush the row first"
    value = identity[0]
    assert isinstance(value, uuid.UUID)
    return value


def bearer(actor: str, account: object) -> dict[str, str]:
    """Headers authenticating as ``account`` (a flushed row) in the role ``actor``."""
    token = issue_tokens(actor, key_of(account)).access
    return {"Authorization": f"Bearer {token}"}


def reload(session: Session, cls: type[T], key: object) -> T | None:
    """The row as the database holds it now (after the API changed it), or None."""
    session.expire_all()
    return session.get(cls, key)
'''

CONFTEST = '''"""Fixtures of the generated tests: an empty in-memory database and a client per test.

One in-memory SQLite database and one app serve the whole run (creating every table and
every route once, not once per test, keeps large backends' suites fast); after each test
every table is emptied, so each test starts from an empty database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

# The app must never touch a file database while the tests run.
os.environ.setdefault("AUTOBE_DATABASE_URL", "sqlite://")

import app.models  # noqa: E402, F401  (registers every table on Base.metadata)
from app.db import Base, get_session  # noqa: E402
from app.main import create_app  # noqa: E402


def _enable_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@pytest.fixture(scope="session")
def database() -> Iterator[Engine]:
    """The in-memory SQLite database of the run, holding every table. One connection
    serves every session (StaticPool), so rows a test commits are what the app reads."""
    db_engine = create_engine(
        "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
    )
    event.listen(db_engine, "connect", _enable_foreign_keys)
    Base.metadata.create_all(db_engine)
    yield db_engine
    db_engine.dispose()


@pytest.fixture()
def engine(database: Engine) -> Iterator[Engine]:
    """The test's database, empty; every row the test leaves is deleted after it
    (foreign keys checked at commit, when no row is left to violate one)."""
    yield database
    with database.begin() as connection:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in Base.metadata.tables.values():
            connection.execute(table.delete())


@pytest.fixture()
def session(engine: Engine) -> Iterator[Session]:
    """The test's own session: factories add rows to it; commit before calling the API."""
    with Session(engine, expire_on_commit=False) as db:
        yield db


@pytest.fixture(scope="session")
def application(database: Engine) -> Iterator[TestClient]:
    """A client over the app whose requests each get a session on the test database
    (committed when the request succeeds, rolled back when it raises)."""
    make_session = sessionmaker(database, expire_on_commit=False)

    def test_session() -> Iterator[Session]:
        with make_session() as db:
            try:
                yield db
                db.commit()
            except Exception:
                db.rollback()
                raise

    app_instance = create_app()
    app_instance.dependency_overrides[get_session] = test_session
    with TestClient(app_instance) as test_client:
        yield test_client


@pytest.fixture()
def client(application: TestClient, engine: Engine) -> TestClient:
    """The client, for a test whose database starts empty."""
    del engine
    return application
'''


# --------------------------------------------------------------------------- factories


def factory_function(model: str) -> str:
    return f"make_{model}"


def render_factory(s: FactorySlice) -> str:
    helpers: set[str] = set()
    needs_datetime = False
    defaults: list[str] = [f"        {py_str(s.primary)}: uuid.uuid4(),"]
    parents: list[str] = []
    self_refs: list[str] = []
    parent_models: set[str] = set()
    for field in s.fields:
        if field.role == "foreign":
            if field.nullable:
                defaults.append(f"        {py_str(field.name)}: None,")
            elif field.target_model == s.model:
                self_refs.append(field.name)
            else:
                assert field.target_model is not None
                parent_models.add(field.target_model)
                parents.append(
                    f"    if {py_str(field.name)} not in overrides:\n"
                    f"        values[{py_str(field.name)}] = key_of("
                    f"{factory_function(field.target_model)}(session))\n"
                )
                helpers.add("key_of")
            continue
        expression, used = _value(field)
        helpers |= used
        needs_datetime = needs_datetime or expression == "now"
        defaults.append(f"        {py_str(field.name)}: {expression},")

    imports = ["import uuid"]
    if needs_datetime:
        imports.append("from datetime import UTC, datetime")
    imports.append("from typing import Any")
    third = ["from sqlalchemy.orm import Session"]
    local = [f"from app.models.{s.model} import {s.class_name} as Row"]
    local += [
        f"from tests.factories.{m} import {factory_function(m)}" for m in sorted(parent_models)
    ]
    if helpers:
        local.append(f"from tests.helpers import {', '.join(sorted(helpers))}")

    out = docstring(
        f"Factory of {s.model} rows: valid, fresh values for every column; required "
        "parents are made through their own factories unless given."
    )
    out += "\nfrom __future__ import annotations\n\n"
    out += "\n".join(imports) + "\n\n" + "\n".join(third) + "\n\n" + "\n".join(local) + "\n"
    out += f"\n\ndef {factory_function(s.model)}(session: Session, **overrides: Any) -> Row:\n"
    out += docstring(
        f"Add a {s.model} row to the session and flush it; overrides win over the defaults.",
        indent="    ",
    )
    if needs_datetime:
        out += "    now = datetime.now(UTC)\n"
    out += "    values: dict[str, Any] = {\n" + "\n".join(defaults) + "\n    }\n"
    out += "".join(parents)
    out += "    values.update(overrides)\n"
    for name in self_refs:
        out += (
            f"    if {py_str(name)} not in overrides:\n"
            f"        values[{py_str(name)}] = values[{py_str(s.primary)}]\n"
        )
    out += "    row = Row(**values)\n    session.add(row)\n    session.flush()\n    return row\n"
    return out


def int_default(minimum: float | None, maximum: float | None) -> int:
    value = 0
    if minimum is not None and value < minimum:
        value = math.ceil(minimum)
    if maximum is not None and value > maximum:
        value = math.floor(maximum)
    return value


def float_default(minimum: float | None, maximum: float | None) -> float:
    value = 0.0
    if minimum is not None and value < minimum:
        value = float(minimum)
    if maximum is not None and value > maximum:
        value = float(maximum)
    return value


def _value(field: FactoryField) -> tuple[str, set[str]]:
    """The default of one non-foreign column: a Python expression and the helpers it uses."""
    if field.role == "auto":
        return ("None" if field.nullable else "now"), set()
    if field.role == "password":
        return "password_hash()", {"password_hash"}
    if field.nullable:
        return "None", set()
    if field.enum:
        if field.unique and len(field.enum) > 1:
            return f"unique_choice(({', '.join(py_str(v) for v in field.enum)},))", {
                "unique_choice"
            }
        return py_str(field.enum[0]), set()
    if field.type == "string":
        if field.format == "email":
            return f"unique_email({field.max_length!r})", {"unique_email"}
        return f"unique_text({field.min_length or 1}, {field.max_length!r})", {"unique_text"}
    if field.type == "uri":
        return "unique_uri()", {"unique_uri"}
    if field.type == "uuid":
        return "uuid.uuid4()", set()
    if field.type == "int":
        low = int_default(field.minimum, field.maximum)
        if field.unique:
            high = math.floor(field.maximum) if field.maximum is not None else low + 1_000_000
            return f"unique_int({low}, {high})", {"unique_int"}
        return str(low), set()
    if field.type == "double":
        low_f = float_default(field.minimum, field.maximum)
        if field.unique:
            high_f = float(field.maximum) if field.maximum is not None else low_f + 1_000_000.0
            return f"unique_float({low_f!r}, {high_f!r})", {"unique_float"}
        return repr(low_f), set()
    if field.type == "boolean":
        return "False", set()
    return "now", set()  # datetime
