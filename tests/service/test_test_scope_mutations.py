"""The narrowed reach, checked by mutation with real pytest runs of a generated backend.

A quiet addition (an optional column added to a model) leaves out the tests that only
make the model's rows (autobe_core/service/test_scope.py): the model's ORM class and its
test factory changed, and nearly every test runs them. The claim is that whatever those two
modules can get wrong for the tests left out, the tests kept catch as well. Here the
bulletin board gets an optional column on its central model and on an actor's model; the
column and its factory value are then broken the ways they can break (the database refuses
NULL in it, the class lacks it, the factory gives a value no column takes): each break
fails tests left out (leaving them out rests on the claim), and fails the tests kept.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autobe_core.build.builder import clean_build
from autobe_core.graph import ModuleGraph, affected
from autobe_core.service.test_scope import tests_reached as reached_tests
from autobe_core.spec.changeset import AddField, ChangeSet
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField
from tests.e2e.backends import backend_env

pytestmark = pytest.mark.slow

BBS = load_spec(Path(__file__).resolve().parents[2] / "fixtures" / "bbs.yaml")
FIELD = PlainField(name="zz_note", type="string", nullable=True)
COLUMN = "    zz_note: orm.Mapped[str | None] = orm.mapped_column(sa.Text(), nullable=True)\n"
MUTATIONS: dict[str, tuple[str, str, str]] = {
    # name: (file under the workspace, {model} filled in; the text; what replaces it)
    "the database refuses NULL in the column": (
        "app/models/{model}.py", COLUMN, COLUMN.replace("nullable=True", "nullable=False")),
    "the class lacks the column": ("app/models/{model}.py", COLUMN, ""),
    "the factory gives a value no column takes": (
        "tests/factories/{model}.py", "        'zz_note': None,\n",
        "        'zz_note': object(),\n"),
}


def pytest_run(backend: Path, targets: list[str]) -> subprocess.CompletedProcess[str]:
    """The generated suite (or ``targets`` of it) on SQLite, stopping at the first failure."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *targets],
        cwd=backend, env=backend_env(), capture_output=True, text=True, timeout=600,
        check=False,
    )


@pytest.mark.parametrize("model", ["bbs_articles", "bbs_members"])
def test_what_breaks_a_quiet_addition_fails_the_tests_kept(tmp_path: Path, model: str) -> None:
    new = apply(BBS, ChangeSet(edits=[AddField(model=model, field=FIELD)]))
    graph = ModuleGraph(new)
    result = affected(ModuleGraph(BBS), graph)
    kept = reached_tests(graph, result, BBS)
    left_out = sorted(set(reached_tests(graph, result)) - set(kept))
    assert kept and left_out, "the addition is quiet: the reach narrows"
    pristine = tmp_path / "pristine"
    clean_build(new, pristine)
    done = pytest_run(pristine, kept)
    assert done.returncode == 0, done.stdout[-3000:]

    for mutation, (where, text, replacement) in MUTATIONS.items():
        backend = tmp_path / "mutated"
        shutil.rmtree(backend, ignore_errors=True)
        shutil.copytree(pristine, backend)
        path = backend / where.format(model=model)
        source = path.read_text(encoding="utf-8")
        assert source.count(text) == 1, f"{mutation}: {where} no longer holds {text!r}"
        path.write_text(source.replace(text, replacement), encoding="utf-8")
        outside = pytest_run(backend, left_out)
        assert outside.returncode != 0, f"{mutation}: the tests left out do not see it"
        narrowed = pytest_run(backend, kept)
        assert narrowed.returncode != 0, (
            f"{mutation} fails tests left out but none of the {len(kept)} test files kept:\n"
            + outside.stdout[-2000:])
