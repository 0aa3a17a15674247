"""A revision's module table (issue 14): what affected() reads of the base, kept between
commands so a change does not plan its base again. Comparing against the table gives
exactly what comparing against the base's graph gives, for random changes of todo and
bbs; through the service, a change's table is written when it lands and the next change
reads it, with the same proposal as planning the base again; a table of other generator
versions, or a damaged one, is not used."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autobe_core.generate.plan import plan_key
from autobe_core.graph import ModuleGraph, ModuleRecord, ModuleTable, affected
from autobe_core.service import module_tables, proposals
from autobe_core.service.changes import ChangeOptions
from autobe_core.service.layout import ProjectLayout
from autobe_core.service.migrations import chain_at
from autobe_core.service.project_service import ProjectService
from autobe_core.spec.changeset import AddField, ChangeSet
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import PlainField
from tests.changeset_strategies import changesets

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SPECS = {name: load_spec(FIXTURES / f"{name}.yaml") for name in ("todo", "bbs")}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(SPECS)))
def test_the_table_compares_as_the_graph_does(data: st.DataObject, name: str) -> None:
    base = SPECS[name]
    new = apply(base, data.draw(changesets(base)))
    old_graph, new_graph = ModuleGraph(base), ModuleGraph(new)
    table = ModuleTable.from_json(ModuleTable.of(old_graph).to_json())
    assert table.agrees_with(new_graph)
    assert affected(table, new_graph).to_dict() == affected(old_graph, new_graph).to_dict()


def test_a_table_of_other_generators_is_not_used() -> None:
    graph = ModuleGraph(SPECS["todo"])
    table = ModuleTable.of(graph)
    some = next(iter(table.modules.values()))
    older = ModuleTable({**table.modules, some.id: ModuleRecord(
        some.id, some.kind, some.path, some.key, some.generator_version + "-old", some.reads)},
        table.element_hashes)
    assert table.agrees_with(graph) and not older.agrees_with(graph)


@pytest.mark.parametrize("text", ["", "{", '{"format": 1}', '{"format": 2, "modules": []}',
                                  '{"format": 1, "modules": [[1, 2]], "elements": {}}'])
def test_what_is_not_a_table_says_so(text: str) -> None:
    with pytest.raises(ValueError):
        ModuleTable.from_json(text)


def test_a_change_writes_the_next_ones_base_and_the_next_one_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTOBE_STORE_URL", raising=False)
    root = tmp_path / "todo"
    ProjectService.init(root, FIXTURES / "todo.yaml", author="test")
    layout = ProjectLayout(root)
    service = ProjectService(layout)

    def head_table() -> ModuleTable | None:
        """The head's table, checked: proposing with it equals proposing without."""
        with service.session() as session:
            project = session.project()
            spec = session.spec_at(project, project.head)
            chain = chain_at(project, project.head)
            known = module_tables.load(layout, spec, chain)
            request = proposals.Request(ChangeSet(edits=[AddField(
                model="todo_items", field=PlainField(name=f"note_{project.head}",
                                                     type="string", nullable=True))]), "t")
            with_table = proposals.propose(project.head, spec, request, chain, known)
            without = proposals.propose(project.head, spec, request, chain)
            assert with_table.plan is not None and without.plan is not None
            assert with_table.plan.affected.to_dict() == without.plan.affected.to_dict()
            return known

    known = head_table()
    assert known is not None, "init wrote revision 1's table"
    service.change(ChangeSet(edits=[AddField(
        model="todo_items", field=PlainField(name="estimate", type="int", nullable=True))]),
        ChangeOptions(verify=False))
    known = head_table()
    assert known is not None, "the change wrote revision 2's table"
    with service.session() as session:
        project = session.project()
        spec = session.spec_at(project, 2)
        path = layout.module_tables / f"{plan_key(spec, chain_at(project, 2))}.json"
    assert path.is_file()
    path.write_text("damaged", encoding="utf-8")  # a cache: damaged means planned again
    with service.session() as session:
        project = session.project()
        assert module_tables.load(layout, spec, chain_at(project, 2)) is None
