"""ChangeSet diagnostics: precondition problems with a JSON path into the change and the
allowed values, later edits seeing earlier ones, validation of the result, problems of
expanded edits pointing at the cross-cutting edit, apply() pure."""

from __future__ import annotations

from autobe_core.spec.changeset import (
    AddCreatedBy,
    AddField,
    AddModel,
    AddTimestamps,
    ModifyActor,
    ModifyField,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RenameActor,
    RenameField,
    RenameModel,
)
from autobe_core.spec.edits.engine import AFTER_PREFIX, apply, check, expand, invert
from autobe_core.spec.model import (
    ForeignField,
    PlainField,
    Relation,
)
from tests.unit.changeset.support import (
    BBS,
    TODO,
    cs,
    new_model,
    problems,
)

# --------------------------------------------------------------------------- diagnostics


def test_unknown_model_lists_the_models() -> None:
    [d] = problems(TODO, RemoveField(model="todo_itemz", field="notes"))
    assert (d.path, d.code) == ("$.edits[0].model", "ref.unknown-model")
    assert d.allowed == tuple(m.name for m in TODO.models)


def test_duplicate_field_points_at_the_new_name() -> None:
    title = PlainField(name="title", type="string")
    [d] = problems(TODO, AddTimestamps(), AddField(model="todo_items", field=title))
    assert (d.path, d.code) == ("$.edits[1].field.name", "dup.field")
    assert "title" in d.allowed[0]


def test_every_precondition_problem_is_reported() -> None:
    found = problems(
        TODO,
        AddField(model="nope", field=PlainField(name="x", type="int")),
        RemoveField(model="todo_users", field="email"),
        RemoveField(model="todo_items", field="id"),
        RemoveOperation(method="get", path="/todo/user/lists"),
        AddTimestamps(namespace="Nowhere"),
        AddCreatedBy(actor="ghost"),
        RenameModel(model="todo_items", new_name="select"),
        AddModel(model=new_model(), position=99),
        ModifyField(
            model="todo_items", field="title", definition=PlainField(name="name", type="string")
        ),
    )
    by_path = {d.path: d for d in found}
    assert by_path["$.edits[0].model"].code == "ref.unknown-model"
    in_use = by_path["$.edits[1].field"]
    assert in_use.code == "change.field-in-use"
    assert "unique index (email)" in in_use.message and "identityField" in in_use.message
    assert by_path["$.edits[2].field"].code == "change.primary-field"
    unknown_op = by_path["$.edits[3].method"]
    assert unknown_op.code == "ref.unknown-operation"
    assert "PATCH /todo/user/lists" in unknown_op.allowed
    assert by_path["$.edits[4].namespace"].allowed == ("Actors", "Todos")
    assert by_path["$.edits[5].actor"].allowed == ("user",)
    assert by_path["$.edits[6].newName"].code == "name.model"
    assert by_path["$.edits[7].position"].code == "change.position"
    assert by_path["$.edits[8].definition.name"].code == "change.modify-renames"


def test_later_edits_see_earlier_ones() -> None:
    change = cs(
        RemoveIndex(model="todo_users", kind="unique", field_names=["email"]),
        ModifyActor(
            actor="user",
            definition=TODO.actors[0].model_copy(update={"identity_field": "display_name"}),
        ),
        ModifyField(
            model="todo_users",
            field="display_name",
            definition=PlainField(name="display_name", type="string", max_length=80),
        ),
        RemoveField(model="todo_users", field="email"),
    )
    assert check(TODO, change) == []
    assert apply(apply(TODO, change), invert(TODO, change)) == TODO


def test_removing_a_referenced_model_reports_validation_errors() -> None:
    found = problems(TODO, RemoveModel(model="todo_lists"))
    assert all(d.message.startswith(AFTER_PREFIX) for d in found)
    assert {d.code for d in found} == {"ref.unknown-model"}
    paths = [d.path for d in found]
    assert "$.models[1].foreignFields[0].relation.targetModel" in paths
    assert "$.operations[3].model" in paths
    assert all("todo_lists" not in d.allowed for d in found)


def test_expanded_edit_problems_point_at_the_cross_cutting_edit() -> None:
    spec = apply(
        TODO,
        cs(
            AddField(
                model="todo_items",
                field=ForeignField(
                    name="creator_id",
                    nullable=True,
                    relation=Relation(name="createdByUser", target_model="todo_users"),
                ),
            )
        ),
    )
    [d] = problems(spec, AddCreatedBy(actor="user", namespace="Todos"))
    assert (d.path, d.code) == ("$.edits[0]", "dup.field")
    assert "todo_items" in d.message


def test_renames_cannot_take_names_in_use() -> None:
    [d] = problems(TODO, RenameModel(model="todo_lists", new_name="todo_items"))
    assert (d.path, d.code) == ("$.edits[0].newName", "dup.model")
    [d] = problems(BBS, RenameField(model="bbs_articles", field="title", new_name="author"))
    assert (d.path, d.code) == ("$.edits[0].newName", "dup.field")
    [d] = problems(TODO, RenameActor(actor="user", new_name="app"))
    assert (d.path, d.code) == ("$.edits[0].newName", "name.actor")


def test_apply_is_pure() -> None:
    before = TODO.canonical_json()
    change = cs(
        AddTimestamps(),
        RenameField(model="todo_items", field="todo_list_id", new_name="list_ref_id"),
        RemoveField(model="todo_items", field="notes"),
    )
    dumped = change.model_dump()
    apply(TODO, change)
    invert(TODO, change)
    expand(TODO, change)
    assert TODO.canonical_json() == before
    assert change.model_dump() == dumped
