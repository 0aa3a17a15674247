"""ChangeSet and apply(), one case per edit kind: the result and its exact inverse, rename
cascades, cross-cutting expansion. Diagnostics: test_diagnostics.py; the JSON schema and
the changes-file loader: test_files.py; hypothesis properties on the todo and bbs
fixtures: test_properties.py."""

from __future__ import annotations

from autobe_core.spec.changeset import (
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
)
from autobe_core.spec.edits.engine import apply, expand, invert
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
from tests.unit.changeset.support import (
    BBS,
    TODO,
    cs,
    model,
    new_model,
    op,
    roundtrip,
)

# --------------------------------------------------------------------------- models



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
