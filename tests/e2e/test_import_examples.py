"""AutoBe's own example projects import, build and pass ``autobe check``.

The six projects of ``../shared/autobe-examples`` (AutoBe's public examples, MIT) are the
acceptance test of the importer at real scale: every one imports, its workspace is built,
and the recompile ladder is green (mypy --strict clean, every generated test passing).
The big ones (reddit, shopping, claude's bbs) and gpt-4.1's bbs are marked slow (the two
todo examples, one of each vendor, stay in the default suite); CI still runs them. After
importing shopping, a structured change regenerates only the modules it affects and passes
the ladder too.

With ``AUTOBE_TEST_POSTGRES_URL`` set (CI), ``check`` runs on PostgreSQL: the migrate rung
and the generated suite get ``AUTOBE_TEST_DATABASE_URL`` (each makes its own fresh schema
there, so parallel tests never meet). Every example's database is then migrated with
``db upgrade`` (a fresh PostgreSQL schema, else a SQLite file) and inspected: every name
fits PostgreSQL's 63 characters and is in the database as declared (never cut), every
foreign key leads an index.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from autobe_cli.main import cli
from autobe_core.graph import affected
from autobe_core.service import ProjectService
from tests.conftest import POSTGRES_URL
from tests.databases import fresh_database, postgres_test_env, schema_problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"

SMALL = ["openai__gpt-4.1/todo", "openai__gpt-4.1/bbs", "anthropic__claude-sonnet-4.5/todo"]
BIG = [
    "openai__gpt-4.1/reddit",
    "openai__gpt-4.1/shopping",
    "anthropic__claude-sonnet-4.5/bbs",
]
EXPECTED_MODELS = {
    "openai__gpt-4.1/todo": 2,
    "openai__gpt-4.1/bbs": 5,
    "openai__gpt-4.1/reddit": 40,
    "openai__gpt-4.1/shopping": 49,
    "anthropic__claude-sonnet-4.5/todo": 4,
    "anthropic__claude-sonnet-4.5/bbs": 36,
}
"""prisma.json's models, plus ``account_tokens`` where password reset or e-mail
verification operations are imported (shopping, claude's todo and bbs)."""
EXPECTED_OPERATIONS = {
    "openai__gpt-4.1/todo": 8,
    "openai__gpt-4.1/bbs": 34,
    "openai__gpt-4.1/reddit": 245,
    "openai__gpt-4.1/shopping": 296,
    "anthropic__claude-sonnet-4.5/todo": 24,
    "anthropic__claude-sonnet-4.5/bbs": 106,
}

pytestmark = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"the AutoBe examples are not at {EXAMPLES}"
)


@pytest.fixture(autouse=True)
def check_on_postgres(monkeypatch: pytest.MonkeyPatch) -> None:
    """``check`` on PostgreSQL when a server is there (CI)."""
    for key, value in postgres_test_env().items():
        monkeypatch.setenv(key, value)


def import_and_check(example: str, target: Path) -> ProjectService:
    outcome = ProjectService.import_project([EXAMPLES / example], target, author="test")
    report = outcome.report
    assert report.models == EXPECTED_MODELS[example]
    # every operation of the document is imported: realized, or unrealized (custom)
    assert report.operations == report.source_operations == EXPECTED_OPERATIONS[example]
    assert report.realized + len(report.unrealized) == report.operations
    service = ProjectService.open(target)
    status = service.status()
    assert status.built and status.in_sync
    assert status.unrealized == len(report.unrealized)
    result = service.check()
    failures = [
        f"{rung.name}: {d.file}:{d.line}: {d.message}"
        for rung in result.rungs
        for d in rung.diagnostics[:20]
    ]
    assert result.ok, "\n".join(failures)
    tests = next(r for r in result.rungs if r.name == "tests")
    assert tests.status == "passed"
    migrate = next(r for r in result.rungs if r.name == "migrate")
    assert migrate.status == "passed"
    assert ("on PostgreSQL" if POSTGRES_URL else "on SQLite") in migrate.summary
    assert service.status().verification == "passed"
    with fresh_database("postgres" if POSTGRES_URL else "sqlite", target.parent) as url:
        service.database_upgrade(url)
        problems = schema_problems(service.spec(), url)
    assert not problems, "\n".join(problems[:30])
    return service


@pytest.mark.parametrize("example", [
    pytest.param(e, marks=pytest.mark.slow) if e == "openai__gpt-4.1/bbs" else e for e in SMALL
])
def test_small_example_imports_builds_and_checks(example: str, tmp_path: Path) -> None:
    import_and_check(example, tmp_path / "project")


@pytest.mark.slow
@pytest.mark.parametrize("example", [e for e in BIG if not e.endswith("shopping")])
def test_big_example_imports_builds_and_checks(example: str, tmp_path: Path) -> None:
    import_and_check(example, tmp_path / "project")


GIFT_MESSAGE = """\
summary: orders carry a gift message
edits:
  - op: addField
    model: shopping_mall_orders
    field: {name: gift_message, type: string, nullable: true, maxLength: 200}
"""


@pytest.mark.slow
def test_shopping_imports_checks_and_takes_a_structured_change(tmp_path: Path) -> None:
    project = tmp_path / "shopping"
    service = import_and_check("openai__gpt-4.1/shopping", project)
    before = service.spec()
    edits = tmp_path / "gift.yaml"
    edits.write_text(GIFT_MESSAGE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["-C", str(project), "change", "--edits", str(edits)])
    assert result.exit_code == 0, result.output
    after = service.spec()
    model = after.model("shopping_mall_orders")
    assert model is not None and model.plain("gift_message") is not None
    head = service.log()[-1].revision
    assert head.number == 2 and head.verification is not None and head.verification.ok
    regenerated = set(head.delta["regenerated"])
    expected = affected(before, after)
    # only the modules the new field reaches are regenerated, and the revision's migration
    assert regenerated == expected.ids("added", "changed") | {"migration:r0002"}
    assert "model:shopping_mall_orders" in regenerated
    assert "model:shopping_mall_products" not in regenerated
    assert len(regenerated) < len(expected.reused) / 10
    status = service.status()
    assert status.head == 2 and status.in_sync and status.verification == "passed"
