"""Storage URLs are read without SQLAlchemy (autobe_core.store.url) exactly as SQLAlchemy's
``make_url`` reads them: property tests against SQLAlchemy itself. The oracle,
:func:`sqlalchemy_parse`, is the configuration's parser as it was on ``make_url``: for
every URL it accepts, today's parser gives the same configuration, and for every URL it
rejects, the same message."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import ArgumentError

from autobe_core.store import StorageConfig, StorageConfigError, parse_storage_url
from autobe_core.store.config import SCHEMA_NAME
from autobe_core.store.url import BadURL, parse_url, render

BASE = Path("/srv/projects/demo")


def sqlalchemy_parse(url: str, base: Path) -> StorageConfig:
    """``parse_storage_url`` as it was, on ``sqlalchemy.make_url`` (a ValueError is a
    port that is not a number: the old parser let it through as a traceback)."""
    try:
        parsed = sa.make_url(url)
    except ArgumentError:
        raise StorageConfigError(f"not a storage URL: {url!r}") from None
    driver = parsed.drivername
    if driver in ("sqlite", "sqlite+pysqlite"):
        database = parsed.database or ""
        if not database or database == ":memory:" or "mode=memory" in database \
                or parsed.query:
            raise StorageConfigError(
                f"the SQLite store must be a file path, not {parsed.render_as_string()!r}")
        path = Path(database).expanduser()
        if not path.is_absolute():
            path = base / path
        return StorageConfig("sqlite", path.resolve().as_posix())
    if driver in ("postgresql", "postgres", "postgresql+psycopg"):
        query = dict(parsed.query)
        schema = query.pop("schema", None)
        if query:
            raise StorageConfigError(
                f"unsupported PostgreSQL URL parameters: {', '.join(sorted(query))}")
        if isinstance(schema, tuple):
            raise StorageConfigError("give the schema parameter once")
        if schema is not None and not SCHEMA_NAME.fullmatch(schema):
            raise StorageConfigError(f"invalid schema name {schema!r}")
        if not parsed.database or not parsed.host:
            raise StorageConfigError(
                "a PostgreSQL URL needs a host and a database: "
                f"{parsed.render_as_string()!r}")
        return StorageConfig(
            "postgresql", parsed.database, host=parsed.host, port=parsed.port or 5432,
            user=parsed.username or "", password=parsed.password or "", schema=schema,
        )
    raise StorageConfigError(f"unsupported storage {driver!r} in {url!r}")


def outcome(parse: object, url: str) -> tuple[str, object]:
    """("ok", config) or ("error", the message without its hint); ("value-error", ...)
    for the old parser's traceback on a port that is not a number."""
    try:
        return "ok", parse(url, BASE)  # type: ignore[operator]
    except StorageConfigError as exc:
        return "error", exc.message
    except ValueError:
        return "value-error", None


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
PIECE = st.one_of(
    TEXT,
    TEXT.map(lambda t: quote(t, safe="")),  # percent-encoded
    st.sampled_from(["", "ann", "p%40ss", "a:b", "x@y", "a/b", "%zz", "sp ace", "+plus"]),
)


@st.composite
def storage_urls(draw: st.DrawFn) -> str:
    """URLs around the accepted forms: drivers, user, password, host, port, database
    and query parts, each present or not, encoded or not, well-formed or not."""
    driver = draw(st.sampled_from([
        "sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg",
        "mysql", "SQLite", "postgresql+asyncpg"]))
    text = f"{driver}://"
    if draw(st.booleans()):
        text += draw(PIECE)
        if draw(st.booleans()):
            text += ":" + draw(PIECE)
        text += "@"
    if draw(st.booleans()):
        text += draw(st.sampled_from(["db.local", "127.0.0.1", "[::1]", "h", "", "x y"]))
    if draw(st.booleans()):
        text += ":" + draw(st.sampled_from(["5432", "6543", "", "0", "99999", "x", " 5"]))
    if draw(st.booleans()):
        text += "/" + draw(st.one_of(PIECE, st.sampled_from(
            ["proj", "state/x.db", "/abs/x.db", ":memory:", "file:a?mode=memory", "~/x.db"])))
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(
            st.sampled_from(["schema", "sslmode", "mode", "a", ""]),
            st.one_of(PIECE, st.sampled_from(["team_a", "Bad-Name", "ro", "_x1"])),
        ), max_size=3))
        text += "?" + "&".join(f"{k}={v}" for k, v in pairs)
    return text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(storage_urls(), TEXT))
@example("postgresql://ann:p%40ss@db.local:6543/proj?schema=team_a")
@example("sqlite:///x.db?")
@example("sqlite:///x.db?a=")
@example("postgresql://u:p@h/d?schema=a&schema=b")
@example("postgresql://u:p@h:/d")
@example("postgresql://u:p@[::1]:5/d")
@example("sqlite:///x.db\n?mode=ro")
def test_parsing_equals_sqlalchemys(url: str) -> None:
    old, new = outcome(sqlalchemy_parse, url), outcome(parse_storage_url, url)
    if old[0] == "value-error":  # once a traceback, now one message
        assert new[0] == "error" and str(new[1]).startswith("not a storage URL")
    else:
        assert new == old


@settings(max_examples=400, deadline=None)
@given(st.one_of(storage_urls(), TEXT))
def test_url_parts_and_rendering_equal_sqlalchemys(url: str) -> None:
    try:
        theirs = sa.make_url(url)
    except (ArgumentError, ValueError):
        with pytest.raises(BadURL):
            parse_url(url)
        return
    ours = parse_url(url)
    assert (ours.drivername, ours.username, ours.password, ours.host, ours.port,
            ours.database, ours.query) == (
        theirs.drivername, theirs.username, theirs.password, theirs.host, theirs.port,
        theirs.database, dict(theirs.query))
    assert render(ours) == theirs.render_as_string()


def test_sqlalchemy_url_of_a_config_is_the_same_database() -> None:
    config = parse_storage_url("postgresql://ann:p%40ss@db.local:6543/proj?schema=team_a")
    url = config.sqlalchemy_url()
    assert sa.make_url(url.render_as_string(hide_password=False)) == url
    assert (url.drivername, url.username, url.password, url.host, url.port, url.database) \
        == ("postgresql+psycopg", "ann", "p@ss", "db.local", 6543, "proj")
