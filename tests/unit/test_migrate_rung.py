"""The ladder's migrate rung on a real generated backend (todo), with real Alembic on
SQLite (and on PostgreSQL when ``AUTOBE_TEST_POSTGRES_URL`` names a server): green as
generated; red, saying what differs and where, when a migration or a model is edited so
that they no longer agree, when a migration raises, and when a downgrade leaves a table.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from autobe_core.service import MemoryStorage, ProjectService
from autobe_core.verify import RUNGS, run_ladder
from autobe_core.verify.result import RungResult
from tests.conftest import POSTGRES_URL, requires_postgres

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
PHASES = ["upgrade", "compare", "downgrade", "upgrade again", "compare again"]


@pytest.fixture(scope="module")
def todo_backend(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The todo project's generated backend (revision 1), built once."""
    root = tmp_path_factory.mktemp("todo") / "todo"
    ProjectService.init(root, TODO, storages=MemoryStorage())
    return root / "backend"


@pytest.fixture
def backend(todo_backend: Path, tmp_path: Path) -> Path:
    """A copy of the todo backend this test may edit."""
    return Path(shutil.copytree(todo_backend, tmp_path / "backend"))


def migrate(workspace: Path, env: dict[str, str] | None = None) -> RungResult:
    return run_ladder(workspace, rungs=["migrate"], env=env).rung("migrate")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_rung_sits_after_mypy_and_before_import() -> None:
    assert RUNGS == ("compile", "mypy", "migrate", "import", "tests")


def test_the_generated_migrations_are_green(todo_backend: Path) -> None:
    result = migrate(todo_backend)
    assert result.status == "passed", result.to_dict()
    assert result.counts == {"migrations": 1, "differences": 0}
    assert list(result.phases) == PHASES
    assert all(seconds > 0 for seconds in result.phases.values())
    assert result.summary.startswith("1 migration on SQLite: upgrade ")
    assert result.to_dict()["phases"].keys() == set(PHASES)


@requires_postgres
def test_green_on_a_fresh_postgresql_schema_that_is_dropped_after(todo_backend: Path) -> None:
    admin = sa.create_engine(POSTGRES_URL)

    def schemas() -> set[str]:
        with admin.connect() as connection:
            return {str(name) for (name,) in connection.exec_driver_sql(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'autobe_migrate_%%'")}

    before = schemas()
    result = migrate(todo_backend, env={"AUTOBE_TEST_DATABASE_URL": POSTGRES_URL})
    assert result.status == "passed", result.to_dict()
    assert "on PostgreSQL" in result.summary
    assert schemas() - before == set(), "the rung's schema was not dropped"
    admin.dispose()


def test_a_migration_missing_a_column_is_red_naming_it(backend: Path) -> None:
    script = backend / "migrations" / "versions" / "r0001.py"
    text = script.read_text(encoding="utf-8")
    edited = re.sub(r"\n\s*sa\.Column\('notes', [^\n]*", "", text, count=1)
    assert edited != text
    script.write_text(edited, encoding="utf-8")
    result = migrate(backend)
    assert result.status == "failed"
    assert list(result.phases) == ["upgrade", "compare"]
    [problem] = result.diagnostics
    assert problem.code == "migrate.add_column"
    assert problem.file == "app/models/todo_items.py"
    assert "todo_items.notes" in problem.message and "no migration creates it" in problem.message
    assert result.summary.startswith("1 difference(s) between the migrated database and the")


def test_a_model_column_without_migration_is_red_naming_it(backend: Path) -> None:
    edit(backend / "app" / "models" / "todo_items.py",
         "    priority: orm.Mapped[int]",
         "    sneaky: orm.Mapped[str | None] = orm.mapped_column(sa.String(30), nullable=True)\n"
         "    priority: orm.Mapped[int]")
    result = migrate(backend)
    assert result.status == "failed"
    messages = [d.message for d in result.diagnostics]
    assert any("todo_items.sneaky" in m and "VARCHAR(30)" in m for m in messages), messages
    assert {d.file for d in result.diagnostics} == {"app/models/todo_items.py"}


def test_a_changed_column_type_is_reported_as_such(backend: Path) -> None:
    edit(backend / "app" / "models" / "todo_items.py",
         "orm.mapped_column(sa.String(200))", "orm.mapped_column(sa.String(250))")
    result = migrate(backend)
    assert result.status == "failed"
    [problem] = result.diagnostics
    assert problem.code == "migrate.modify_column"
    assert "todo_items.title differs: type: VARCHAR(200) in the database" in problem.message


def test_a_migration_that_raises_is_located(backend: Path) -> None:
    edit(backend / "migrations" / "versions" / "r0001.py",
         "def upgrade() -> None:\n", "def upgrade() -> None:\n    raise RuntimeError('boom')\n")
    result = migrate(backend)
    assert result.status == "failed" and result.summary.startswith("upgrade failed")
    [problem] = result.diagnostics
    assert problem.file == "migrations/versions/r0001.py"
    assert problem.message == "upgrade failed: RuntimeError: boom"


def test_a_downgrade_that_leaves_a_table_is_red(backend: Path) -> None:
    script = backend / "migrations" / "versions" / "r0001.py"
    text = script.read_text(encoding="utf-8")
    downgrade = text.index("def downgrade() -> None:")
    kept = text[:downgrade] + text[downgrade:].replace("op.drop_table('todo_labels')", "pass", 1)
    assert kept != text
    script.write_text(kept, encoding="utf-8")
    result = migrate(backend)
    assert result.status == "failed"
    assert list(result.phases) == ["upgrade", "compare", "downgrade"]
    [problem] = result.diagnostics
    assert problem.code == "migrate.leftover-table" and "todo_labels" in problem.message


def test_a_workspace_without_migrations_skips_the_rung(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    assert migrate(tmp_path).status == "skipped"
    (tmp_path / "alembic.ini").write_text("[alembic]\n", encoding="utf-8")
    result = migrate(tmp_path)
    assert result.status == "failed" and result.diagnostics[0].file == "migrations/env.py"


def test_a_test_database_that_is_not_postgresql_is_refused(todo_backend: Path) -> None:
    result = migrate(todo_backend, env={"AUTOBE_TEST_DATABASE_URL": "mysql://a@b/c"})
    assert result.status == "failed"
    assert "must name a PostgreSQL database" in result.summary
