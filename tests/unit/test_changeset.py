"""ChangeSet and apply(): one case per edit kind (result + exact inverse), rename
cascades, precondition diagnostics (JSON path into the change, allowed values),
validation of the result, cross-cutting expansion, the JSON schema, the changes-file
loader, and hypothesis properties on the todo and bbs fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from autobe_core.spec.changeset import (
    EDIT_TYPES,
    AddActor,
    AddCreatedBy,
    AddField,
    AddFieldEverywhere,
    AddIndex,
    AddModel,
    AddOperation,
    AddRelation,
    AddSoftDelete,
    AddTimestamps,
    ChangeSet,
    ClearDtoOverride,
    Edit,
    ModifyActor,
    ModifyField,
    ModifyModel,
    ModifyOperation,
    RemoveActor,
    RemoveField,
    RemoveIndex,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    RenameActor,
    RenameField,
    RenameModel,
    SetDtoOverride,
    changeset_json_schema,
    dump_changeset,
    load_changeset,
    parse_changeset,
)
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError
from autobe_core.spec.edits.engine import AFTER_PREFIX, apply, check, expand, invert
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import (
    Actor,
    Body,
    DtoOverride,
    ForeignField,
    Model,
    Operation,
    Parameter,
    PlainField,
    ProjectSpec,
    Relation,
)
from tests.changeset_strategies import FIELD_WORDS, MODEL_WORDS, changeset_sequences, changesets

ROOT = Path(__file__).resolve().parents[2]
TODO = load_spec(ROOT / "fixtures" / "todo.yaml")
BBS = load_spec(ROOT / "fixtures" / "bbs.yaml")
FIXTURES = {"todo": TODO, "bbs": BBS}

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def cs(*edits: Edit) -> ChangeSet:
    return ChangeSet(edits=list(edits))


def roundtrip(spec: ProjectSpec, *edits: Edit) -> ProjectSpec:
    """Apply the edits, check the inverse restores ``spec`` exactly; the new spec."""
    change = cs(*edits)
    assert check(spec, change) == []
    after = apply(spec, change)
    assert after != spec
    undo = invert(spec, change)
    assert apply(after, undo) == spec
    assert apply(spec, invert(after, undo)) == after
    return after


def problems(spec: ProjectSpec, *edits: Edit) -> list[Diagnostic]:
    found = check(spec, cs(*edits))
    assert found, "expected diagnostics"
    with pytest.raises(DiagnosticError) as info:
        apply(spec, cs(*edits))
    assert info.value.summary == "the change is invalid"
    assert info.value.diagnostics == found
    return found


def model(spec: ProjectSpec, name: str) -> Model:
    found = spec.model(name)
    assert found is not None
    return found


def op(spec: ProjectSpec, method: str, path: str) -> Operation:
    return next(o for o in spec.operations if o.method == method and o.path == path)


# --------------------------------------------------------------------------- models


def new_model(name: str = "todo_tags") -> Model:
    return Model(
        name=name,
        namespace="Todos",
        foreign_fields=[
            ForeignField(
                name="todo_user_id", relation=Relation(name="owner", target_model="todo_users")
            )
        ],
        plain_fields=[PlainField(name="label", type="string", max_length=40)],
    )


def test_add_model_appends_or_inserts_at_position() -> None:
    after = roundtrip(TODO, AddModel(model=new_model()))
    assert after.models[-1] == new_model()
    after = roundtrip(TODO, AddModel(model=new_model(), position=1))
    assert [m.name for m in after.models][:3] == ["todo_users", "todo_tags", "todo_lists"]


def test_remove_model_with_its_operations_restores_positions() -> None:
    after = roundtrip(
        TODO,
        RemoveOperation(method="post", path="/todo/user/labels"),
        RemoveOperation(method="patch", path="/todo/user/labels"),
        RemoveModel(model="todo_labels"),
    )
    assert after.model("todo_labels") is None
    assert len(after.operations) == len(TODO.operations) - 2


def test_rename_model_cascades_to_every_reference() -> None:
    after = roundtrip(TODO, RenameModel(model="todo_lists", new_name="todo_collections"))
    assert model(after, "todo_items").foreign_fields[0].relation.target_model == "todo_collections"
    assert {o.model for o in after.operations if "/lists" in o.path and "items" not in o.path} == {
        "todo_collections"
    }
    after = roundtrip(TODO, RenameModel(model="todo_users", new_name="todo_accounts"))
    assert after.actors[0].model == "todo_accounts"
    assert all(
        f.relation.target_model != "todo_users" for m in after.models for f in m.foreign_fields
    )
    assert {o.model for o in after.operations if o.path.startswith("/auth")} == {"todo_accounts"}


def test_rename_model_follows_self_relations() -> None:
    after = roundtrip(BBS, RenameModel(model="bbs_article_comments", new_name="bbs_comments"))
    parent = model(after, "bbs_comments").foreign("parent_id")
    assert parent is not None and parent.relation.target_model == "bbs_comments"


def with_bodies(spec: ProjectSpec) -> ProjectSpec:
    """todo with typed bodies on POST /todo/user/lists."""
    create = op(spec, "post", "/todo/user/lists")
    typed = create.model_copy(
        update={
            "request_body": Body(type_name="ITodoList.ICreate"),
            "response_body": Body(type_name="ITodoList"),
        }
    )
    return apply(spec, cs(ModifyOperation(method="post", path=create.path, operation=typed)))


def test_rename_model_and_dto_name_retype_operation_bodies() -> None:
    spec = with_bodies(TODO)
    after = roundtrip(spec, RenameModel(model="todo_lists", new_name="todo_collections"))
    create = op(after, "post", "/todo/user/lists")
    assert create.request_body == Body(type_name="ITodoCollection.ICreate")
    assert create.response_body == Body(type_name="ITodoCollection")
    after = roundtrip(spec, ModifyModel(model="todo_lists", dto_name="Checklist"))
    assert op(after, "post", "/todo/user/lists").request_body == Body(
        type_name="IChecklist.ICreate"
    )
    cleared = roundtrip(after, ModifyModel(model="todo_lists", dto_name=""))
    assert cleared == spec


def test_modify_model_changes_only_given_attributes() -> None:
    after = roundtrip(
        TODO, ModifyModel(model="todo_labels", description="Tags.", namespace="Labels")
    )
    label = model(after, "todo_labels")
    assert (label.description, label.namespace, label.stance) == ("Tags.", "Labels", "primary")
    assert label.plain_fields == model(TODO, "todo_labels").plain_fields
    roundtrip(TODO, ModifyModel(model="todo_items", stance="subsidiary", material=True))


# --------------------------------------------------------------------------- fields


def test_add_field_plain_and_foreign_with_position() -> None:
    estimate = PlainField(name="estimate", type="int", nullable=True)
    after = roundtrip(TODO, AddField(model="todo_items", field=estimate))
    assert model(after, "todo_items").plain_fields[-1] == estimate
    after = roundtrip(TODO, AddField(model="todo_items", field=estimate, position=0))
    assert model(after, "todo_items").plain_fields[0] == estimate
    label = ForeignField(
        name="todo_label_id",
        nullable=True,
        relation=Relation(name="label", target_model="todo_labels"),
    )
    after = roundtrip(TODO, AddField(model="todo_items", field=label, position=1))
    assert model(after, "todo_items").foreign_fields[1] == label


def test_remove_field_reinserts_at_original_position() -> None:
    after = roundtrip(TODO, RemoveField(model="todo_items", field="notes"))
    assert model(after, "todo_items").plain("notes") is None
    undo = invert(TODO, cs(RemoveField(model="todo_items", field="notes")))
    assert undo.edits == [
        AddField(model="todo_items", field=model(TODO, "todo_items").plain_fields[1], position=1)
    ]


def test_rename_field_cascades_to_index_actor_and_dto_overrides() -> None:
    after = roundtrip(TODO, RenameField(model="todo_users", field="email", new_name="login_email"))
    users = model(after, "todo_users")
    assert users.unique_indexes[0].field_names == ["login_email"]
    assert after.actors[0].identity_field == "login_email"
    after = roundtrip(
        TODO, RenameField(model="todo_users", field="password_hash", new_name="secret_hash")
    )
    assert after.actors[0].password_field == "secret_hash"
    overridden = apply(
        TODO,
        cs(
            SetDtoOverride(
                model="todo_labels",
                dto="summary",
                override=DtoOverride(include=["id", "name"], exclude=["name"]),
            )
        ),
    )
    after = roundtrip(overridden, RenameField(model="todo_labels", field="name", new_name="title"))
    labels = model(after, "todo_labels")
    assert labels.dtos.summary == DtoOverride(include=["id", "title"], exclude=["title"])
    assert labels.unique_indexes[0].field_names == ["todo_user_id", "title"]


def test_rename_field_cascades_to_parameter_binds() -> None:
    after = roundtrip(
        TODO, RenameField(model="todo_items", field="todo_list_id", new_name="list_ref_id")
    )
    nested = op(after, "post", "/todo/user/lists/{listId}/items")
    assert nested.parameters == [Parameter(name="listId", binds="list_ref_id")]
    assert op(after, "patch", "/todo/user/lists/{listId}/items").parameters[0].binds == (
        "list_ref_id"
    )


def test_rename_primary_field() -> None:
    after = roundtrip(TODO, RenameField(model="todo_labels", field="id", new_name="label_id"))
    assert model(after, "todo_labels").primary_field.name == "label_id"


def test_modify_field_replaces_definition_in_place() -> None:
    old = model(TODO, "todo_items").plain_fields[2]
    new = old.model_copy(update={"nullable": True, "maximum": 10.0})
    after = roundtrip(TODO, ModifyField(model="todo_items", field="priority", definition=new))
    assert model(after, "todo_items").plain_fields[2] == new
    fk = model(BBS, "bbs_article_comments").foreign_fields[2]
    roundtrip(
        BBS,
        ModifyField(
            model="bbs_article_comments",
            field="parent_id",
            definition=fk.model_copy(update={"description": "The comment replied to."}),
        ),
    )


def test_add_and_remove_relation() -> None:
    label = ForeignField(
        name="todo_label_id",
        nullable=True,
        relation=Relation(name="label", target_model="todo_labels"),
    )
    after = roundtrip(TODO, AddRelation(model="todo_items", field=label))
    assert model(after, "todo_items").foreign_fields[-1] == label
    after = roundtrip(BBS, RemoveRelation(model="bbs_article_comments", field="parent_id"))
    assert model(after, "bbs_article_comments").foreign("parent_id") is None


# --------------------------------------------------------------------------- indexes


def test_add_and_remove_indexes_of_every_kind() -> None:
    after = roundtrip(TODO, AddIndex(model="todo_items", kind="unique", field_names=["title"]))
    assert model(after, "todo_items").unique_indexes[0].field_names == ["title"]
    after = roundtrip(
        TODO, AddIndex(model="todo_lists", kind="plain", field_names=["title"], position=0)
    )
    assert [ix.field_names for ix in model(after, "todo_lists").plain_indexes] == [
        ["title"],
        ["created_at"],
    ]
    after = roundtrip(TODO, AddIndex(model="todo_items", kind="gin", field_names=["notes"]))
    assert model(after, "todo_items").gin_indexes[0].field_name == "notes"
    after = roundtrip(BBS, RemoveIndex(model="bbs_members", kind="unique", field_names=["email"]))
    assert [ix.field_names for ix in model(after, "bbs_members").unique_indexes] == [["nickname"]]


# --------------------------------------------------------------------------- operations


def test_add_remove_modify_operation() -> None:
    at = Operation(
        path="/todo/user/labels/{labelId}",
        method="get",
        name="at",
        kind="at",
        model="todo_labels",
        actor="user",
        parameters=[Parameter(name="labelId")],
    )
    after = roundtrip(TODO, AddOperation(operation=at))
    assert after.operations[-1] == at
    after = roundtrip(TODO, RemoveOperation(method="put", path="/todo/user/lists/{listId}"))
    assert len(after.operations) == len(TODO.operations) - 1
    old = op(TODO, "patch", "/todo/user/labels")
    moved = old.model_copy(update={"path": "/todo/user/labels/search", "summary": "Search."})
    after = roundtrip(
        TODO, ModifyOperation(method="patch", path="/todo/user/labels", operation=moved)
    )
    assert after.operations.index(moved) == TODO.operations.index(old)


# --------------------------------------------------------------------------- DTO overrides


def test_set_and_clear_dto_override() -> None:
    override = DtoOverride(exclude=["color"])
    after = roundtrip(TODO, SetDtoOverride(model="todo_labels", dto="summary", override=override))
    assert model(after, "todo_labels").dtos.summary == override
    roundtrip(
        after,
        SetDtoOverride(model="todo_labels", dto="summary", override=DtoOverride(exclude=["name"])),
    )
    assert roundtrip(after, ClearDtoOverride(model="todo_labels", dto="summary")) == TODO


# --------------------------------------------------------------------------- actors


def admin_model() -> Model:
    return Model(
        name="todo_admins",
        namespace="Actors",
        stance="actor",
        plain_fields=[
            PlainField(name="email", type="string", format="email"),
            PlainField(name="password_hash", type="string", format="password"),
        ],
        unique_indexes=[],
    )


def test_add_remove_rename_modify_actor() -> None:
    admin = Actor(name="admin", kind="admin", model="todo_admins")
    after = roundtrip(TODO, AddModel(model=admin_model()), AddActor(actor=admin, position=0))
    assert after.actors[0] == admin
    removed = roundtrip(after, RemoveActor(actor="admin"), RemoveModel(model="todo_admins"))
    assert removed == TODO
    renamed = roundtrip(TODO, RenameActor(actor="user", new_name="owner"))
    assert renamed.actors[0].name == "owner"
    assert {o.actor for o in renamed.operations} == {None, "owner"}
    described = TODO.actors[0].model_copy(update={"description": "Someone."})
    after = roundtrip(TODO, ModifyActor(actor="user", definition=described))
    assert after.actors[0] == described


# --------------------------------------------------------------------------- cross-cutting


def test_add_timestamps_skips_models_that_have_them() -> None:
    concrete = expand(TODO, cs(AddTimestamps()))
    assert concrete == [
        AddField(
            model="todo_labels",
            field=PlainField(
                name="updated_at", type="datetime", default="now",
                description="When the row last changed.",
            ),
        )
    ]
    after = roundtrip(TODO, AddTimestamps(namespace="Todos"))
    assert [f.name for f in model(after, "todo_labels").plain_fields][-2:] == [
        "created_at",
        "updated_at",
    ]
    assert expand(after, cs(AddTimestamps())) == []
    assert apply(after, cs(AddTimestamps())) == after


def test_add_soft_delete_on_a_namespace() -> None:
    concrete = expand(BBS, cs(AddSoftDelete(namespace="Articles")))
    assert [e.model for e in concrete if isinstance(e, AddField)] == [
        "bbs_article_snapshots",
        "bbs_article_votes",
        "bbs_article_tags",
    ]
    after = roundtrip(BBS, AddSoftDelete(namespace="Articles"))
    deleted = model(after, "bbs_article_votes").plain("deleted_at")
    assert deleted is not None and deleted.nullable


def test_add_created_by_skips_the_actor_model() -> None:
    concrete = expand(TODO, cs(AddCreatedBy(actor="user")))
    assert [e.model for e in concrete if isinstance(e, AddRelation)] == [
        "todo_lists",
        "todo_items",
        "todo_labels",
    ]
    after = roundtrip(TODO, AddCreatedBy(actor="user"))
    field = model(after, "todo_items").foreign("created_by_user_id")
    assert field is not None and field.nullable
    assert field.relation == Relation(name="createdByUser", target_model="todo_users")
    assert model(after, "todo_users").foreign("created_by_user_id") is None
    assert expand(after, cs(AddCreatedBy(actor="user"))) == []
    bbs = expand(BBS, cs(AddCreatedBy(actor="moderator", namespace="Moderation")))
    assert [e.model for e in bbs if isinstance(e, AddRelation)] == [
        "bbs_article_reports",
        "bbs_notifications",
    ]


def test_add_field_everywhere_and_expansion_equivalence() -> None:
    field = PlainField(name="remark", type="string", nullable=True, max_length=200)
    change = cs(AddFieldEverywhere(field=field, namespace="Boards"))
    after = roundtrip(BBS, *change.edits)
    assert model(after, "bbs_tags").plain("remark") == field
    assert model(after, "bbs_articles").plain("remark") is None
    assert apply(BBS, ChangeSet(edits=expand(BBS, change))) == after
    whole = expand(TODO, cs(AddFieldEverywhere(field=field)))
    assert [e.model for e in whole if isinstance(e, AddField)] == [m.name for m in TODO.models]
    undo = invert(BBS, change)
    assert all(isinstance(e, RemoveField) for e in undo.edits)


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


# --------------------------------------------------------------------------- schema and files


def test_json_schema_has_the_discriminator() -> None:
    schema = changeset_json_schema()
    json.dumps(schema)
    items = schema["properties"]["edits"]["items"]
    assert items["discriminator"]["propertyName"] == "op"
    assert set(items["discriminator"]["mapping"]) == set(EDIT_TYPES)
    assert len(items["oneOf"]) == len(EDIT_TYPES)
    for cls in EDIT_TYPES.values():
        definition = schema["$defs"][cls.__name__]
        assert definition["required"][0] == "op"
        assert definition["additionalProperties"] is False
        assert definition.get("description")
    assert schema["required"] == ["edits"]
    assert "newName" in schema["$defs"]["RenameModel"]["properties"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_changeset_yaml_and_json(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "change.yaml",
        "edits:\n"
        "  - {op: addField, model: todo_items,\n"
        "     field: {name: estimate, type: int, nullable: true}}\n"
        "  - {op: addTimestamps, namespace: Todos}\n",
    )
    change = load_changeset(path)
    assert change.edits == [
        AddField(model="todo_items", field=PlainField(name="estimate", type="int", nullable=True)),
        AddTimestamps(namespace="Todos"),
    ]
    roundtrip(TODO, *change.edits)
    json_path = write(tmp_path, "change.json", dump_changeset(change, "json"))
    assert load_changeset(json_path) == change
    assert load_changeset(write(tmp_path, "again.yaml", dump_changeset(change))) == change


def load_errors(tmp_path: Path, data: Any) -> list[Diagnostic]:
    path = write(tmp_path, "bad.json", json.dumps(data))
    with pytest.raises(DiagnosticError) as info:
        load_changeset(path)
    return info.value.diagnostics


def test_loader_shape_errors_have_paths(tmp_path: Path) -> None:
    [d] = load_errors(tmp_path, {"edits": [{"op": "addFeild", "model": "x"}]})
    assert d.path == "$.edits[0]" and d.code == "shape.union_tag_invalid"
    assert "addField" in d.allowed
    [d] = load_errors(tmp_path, {"edits": [{"model": "x"}]})
    assert d.path == "$.edits[0]" and "addField" in d.allowed
    [d] = load_errors(tmp_path, {"edits": [{"op": "removeField", "model": "x"}]})
    assert (d.path, d.code) == ("$.edits[0].field", "shape.missing")
    [d] = load_errors(
        tmp_path, {"edits": [{"op": "removeField", "model": "x", "field": "y", "fields": 1}]}
    )
    assert (d.path, d.code) == ("$.edits[0].fields", "shape.extra_forbidden")
    assert d.allowed == ("op", "model", "field")
    [d] = load_errors(
        tmp_path,
        {"edits": [{"op": "addField", "model": "x", "field": {"name": "y", "type": "text"}}]},
    )
    assert d.path == "$.edits[0].field.type" and d.code == "shape.literal_error"
    assert "datetime" in d.allowed and "string" in d.allowed
    [d] = load_errors(
        tmp_path,
        {
            "edits": [
                {"op": "addField", "model": "x", "field": {"name": "y", "relation": {"name": "z"}}}
            ]
        },
    )
    assert d.path == "$.edits[0].field.relation.targetModel"
    found = load_errors(tmp_path, {"edit": []})
    assert {(d.path, d.code) for d in found} == {
        ("$.edits", "shape.missing"),
        ("$.edit", "shape.extra_forbidden"),
    }
    assert next(d for d in found if d.path == "$.edit").allowed == ("edits", "summary")


def test_loader_file_errors(tmp_path: Path) -> None:
    for name, text, code in (
        ("list.yaml", "- 1\n", "file.not-a-mapping"),
        ("broken.yaml", "edits: [\n", "file.syntax"),
        ("broken.json", "{", "file.syntax"),
    ):
        with pytest.raises(DiagnosticError) as info:
            load_changeset(write(tmp_path, name, text))
        assert info.value.diagnostics[0].code == code
    with pytest.raises(DiagnosticError) as info:
        load_changeset(tmp_path / "missing.yaml")
    assert info.value.diagnostics[0].code == "file.unreadable"


# --------------------------------------------------------------------------- properties


def test_strategy_words_are_valid() -> None:
    from autobe_core.spec.naming import field_problem, model_name_problem

    assert [w for w in FIELD_WORDS if field_problem(w)] == []
    assert [w for w in MODEL_WORDS if model_name_problem(f"todo_{w}")] == []


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_generated_changesets_pass_check(name: str) -> None:
    spec = FIXTURES[name]

    @settings(PROPERTY, max_examples=150)
    @given(changesets(spec))
    def prop(change: ChangeSet) -> None:
        assert check(spec, change) == []

    prop()


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_apply_then_invert_restores_exactly(name: str) -> None:
    spec = FIXTURES[name]

    @PROPERTY
    @given(changesets(spec))
    def prop(change: ChangeSet) -> None:
        before = spec.canonical_json()
        after = apply(spec, change)
        assert spec.canonical_json() == before  # pure
        undo = invert(spec, change)
        assert apply(after, undo) == spec
        assert apply(spec, ChangeSet(edits=expand(spec, change))) == after
        assert apply(spec, invert(after, undo)) == after
        assert parse_changeset(json.loads(dump_changeset(change, "json"))) == change

    prop()


def remover(edit: Edit) -> Edit | None:
    """The removal of what an add edit added."""
    match edit:
        case AddModel():
            return RemoveModel(model=edit.model.name)
        case AddField():
            return RemoveField(model=edit.model, field=edit.field.name)
        case AddRelation():
            return RemoveRelation(model=edit.model, field=edit.field.name)
        case AddIndex():
            return RemoveIndex(model=edit.model, kind=edit.kind, field_names=edit.field_names)
        case AddOperation():
            return RemoveOperation(method=edit.operation.method, path=edit.operation.path)
        case AddActor():
            return RemoveActor(actor=edit.actor.name)
    return None


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_removing_what_an_add_added_restores_the_spec(name: str) -> None:
    spec = FIXTURES[name]

    @PROPERTY
    @given(changesets(spec))
    def prop(change: ChangeSet) -> None:
        current = spec
        for edit in expand(spec, change):
            after = apply(current, cs(edit))
            undo = remover(edit)
            if undo is not None:
                assert apply(after, cs(undo)) == current
            current = after

    prop()


@pytest.mark.parametrize("name", ["todo", "bbs"])
def test_sequences_invert_back_to_the_start(name: str) -> None:
    spec = FIXTURES[name]

    @settings(PROPERTY, max_examples=25)
    @given(changeset_sequences(spec, 3))
    def prop(sequence: list[ChangeSet]) -> None:
        specs = [spec]
        for change in sequence:
            specs.append(apply(specs[-1], change))
        current = specs[-1]
        for before, change in zip(reversed(specs[:-1]), reversed(sequence), strict=True):
            current = apply(current, invert(before, change))
            assert current == before

    prop()
