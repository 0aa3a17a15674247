"""The rule planner's grammar, without builds: normalizing requests, field descriptions,
and what each direct request plans (add / remove / rename models, fields, resources,
public reads)."""

from __future__ import annotations

import pytest

from autobe_core.planning.rules.fields import parse_field
from autobe_core.planning.rules.words import normalize
from autobe_core.spec.changeset import (
    AddCreatedBy,
    AddField,
    AddFieldEverywhere,
    AddIndex,
    AddModel,
    AddOperation,
    AddSoftDelete,
    AddTimestamps,
    ModifyField,
    RemoveField,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    RenameField,
    RenameModel,
)
from autobe_core.spec.model import (
    Operation,
    Parameter,
    PlainField,
)
from tests.unit.rule_planner.support import (
    edits,
    plan,
)

# --------------------------------------------------------------------------- grammar


def test_normalize_drops_politeness_case_and_punctuation() -> None:
    assert normalize("  Please ADD comments to Articles!  ") == "add comments to articles"
    assert normalize("Could you please remove the likes?") == "remove the likes"
    assert normalize("I'd like to add tags.") == "add tags"


@pytest.mark.parametrize(
    ("phrase", "field"),
    [
        ("priority:int", PlainField(name="priority", type="int")),
        ("a nullable due date", PlainField(name="due_date", type="datetime", nullable=True)),
        (
            "status enum open/closed",
            PlainField(name="status", type="string", enum=["open", "closed"]),
        ),
        ("a boolean archived", PlainField(name="archived", type="boolean")),
        ("field score:double", PlainField(name="score", type="double")),
        ("optional number weight", PlainField(name="weight", type="double", nullable=True)),
        (
            "an email field contact_email",
            PlainField(name="contact_email", type="string", format="email", max_length=254),
        ),
        ("homepage:url", PlainField(name="homepage", type="uri", max_length=2000)),
        ("external_ref:uuid", PlainField(name="external_ref", type="uuid")),
        ("text notes", PlainField(name="notes", type="string")),
        ("string(100) nickname", PlainField(name="nickname", type="string", max_length=100)),
        ("is_public", PlainField(name="is_public", type="boolean")),
        ("avatar url", PlainField(name="avatar_url", type="uri", max_length=2000)),
        ("view count", PlainField(name="view_count", type="int")),
        ("a title", PlainField(name="title", type="string", max_length=255)),
        ("kind one of a, b or c", PlainField(name="kind", type="string", enum=["a", "b", "c"])),
        ("published_at as timestamp", PlainField(name="published_at", type="datetime")),
    ],
)
def test_field_descriptions(phrase: str, field: PlainField) -> None:
    assert parse_field(phrase).field == field


def test_field_description_with_index_words() -> None:
    assert parse_field("unique code:string").index == "unique"
    assert parse_field("searchable summary:text").index == "gin"


@pytest.mark.parametrize(
    ("fixture", "text", "expected"),
    [
        (
            "todo",
            "add field estimate:int to items",
            [AddField(model="todo_items",
                      field=PlainField(name="estimate", type="int", nullable=True))],
        ),
        (
            "todo",
            "Add a nullable due date to lists",
            [
                AddField(
                    model="todo_lists",
                    field=PlainField(name="due_date", type="datetime", nullable=True),
                )
            ],
        ),
        (
            "todo",
            "add status enum open/closed to lists",
            [
                AddField(
                    model="todo_lists",
                    field=PlainField(name="status", type="string", enum=["open", "closed"],
                                     nullable=True),
                )
            ],
        ),
        (
            "todo",
            "add field note:text to every model",
            [AddFieldEverywhere(field=PlainField(name="note", type="string", nullable=True))],
        ),
        (
            "todo",
            "add a unique field code:string to labels",
            [
                AddField(
                    model="todo_labels",
                    field=PlainField(name="code", type="string", max_length=255,
                                     nullable=True),
                ),
                AddIndex(model="todo_labels", kind="unique", field_names=["code"]),
            ],
        ),
        ("todo", "remove field notes from items", [RemoveField(model="todo_items", field="notes")]),
        (
            "todo",
            "drop the color column of labels",
            [RemoveField(model="todo_labels", field="color")],
        ),
        ("todo", "remove notes from items", [RemoveField(model="todo_items", field="notes")]),
        (
            "todo",
            "rename field title of lists to name",
            [RenameField(model="todo_lists", field="title", new_name="name")],
        ),
        (
            "todo",
            "rename items.notes to details",
            [RenameField(model="todo_items", field="notes", new_name="details")],
        ),
        ("todo", "rename labels to tags", [RenameModel(model="todo_labels", new_name="todo_tags")]),
        (
            "bbs",
            "rename the articles to posts",
            [RenameModel(model="bbs_articles", new_name="bbs_posts")],
        ),
        (
            "todo",
            "make notes of items required",
            [
                ModifyField(
                    model="todo_items",
                    field="notes",
                    definition=PlainField(name="notes", type="string", max_length=2000),
                )
            ],
        ),
        (
            "bbs",
            "make the avatar url of members required",
            [
                ModifyField(
                    model="bbs_members",
                    field="avatar_url",
                    definition=PlainField(name="avatar_url", type="uri", max_length=2000),
                )
            ],
        ),
        (
            "todo",
            "make color of labels unique",
            [AddIndex(model="todo_labels", kind="unique", field_names=["color"])],
        ),
        (
            "todo",
            "index items by due_at",
            [AddIndex(model="todo_items", kind="plain", field_names=["due_at"])],
        ),
        (
            "todo",
            "add an index on items (status, due_at)",
            [AddIndex(model="todo_items", kind="plain", field_names=["status", "due_at"])],
        ),
        (
            "bbs",
            "add a search index on articles (title)",
            [AddIndex(model="bbs_articles", kind="gin", field_names=["title"])],
        ),
        ("todo", "add timestamps to every model", [AddTimestamps()]),
        ("todo", "add soft delete to every model in Todos", [AddSoftDelete(namespace="Todos")]),
        ("bbs", "add created_by to every model", [AddCreatedBy(actor="member")]),
        (
            "bbs",
            "add soft delete to the Boards namespace",
            [AddSoftDelete(namespace="Boards")],
        ),
        (
            "todo",
            "let users delete labels",
            [
                AddOperation(
                    operation=Operation(
                        path="/todo/user/labels/{labelId}",
                        method="delete",
                        name="erase",
                        kind="erase",
                        model="todo_labels",
                        actor="user",
                        parameters=[Parameter(name="labelId", binds="id")],
                    )
                )
            ],
        ),
        (
            "bbs",
            "let admins delete comments",
            [
                AddOperation(
                    operation=Operation(
                        path="/bbs/admin/articles/{articleId}/comments/{commentId}",
                        method="delete",
                        name="erase",
                        kind="erase",
                        model="bbs_article_comments",
                        actor="admin",
                        parameters=[
                            Parameter(name="articleId", binds="bbs_article_id"),
                            Parameter(name="commentId"),
                        ],
                    )
                )
            ],
        ),
        (
            "bbs",
            "don't let moderators delete comments",
            [
                RemoveOperation(
                    method="delete", path="/bbs/moderator/articles/{articleId}/comments/{commentId}"
                )
            ],
        ),
        (
            "todo",
            "remove the delete item endpoint",
            [RemoveOperation(method="delete", path="/todo/user/items/{itemId}")],
        ),
        (
            "todo",
            "remove DELETE /todo/user/lists/{listId}",
            [RemoveOperation(method="delete", path="/todo/user/lists/{listId}")],
        ),
        (
            "bbs",
            "remove the delete comment endpoints",
            [
                RemoveOperation(
                    method="delete", path="/bbs/member/articles/{articleId}/comments/{commentId}"
                ),
                RemoveOperation(
                    method="delete",
                    path="/bbs/moderator/articles/{articleId}/comments/{commentId}",
                ),
            ],
        ),
    ],
)
def test_direct_requests(fixture: str, text: str, expected: list[object]) -> None:
    assert edits(fixture, text) == expected


def test_add_model_with_fields_follows_the_table_prefix_and_timestamps() -> None:
    [edit] = edits("todo", "add model projects with name:string, budget:double")
    assert isinstance(edit, AddModel)
    assert edit.model.name == "todo_projects"
    assert [f.name for f in edit.model.plain_fields] == [
        "name",
        "budget",
        "created_at",
        "updated_at",
    ]
    assert edit.model.namespace == "Todos"
    [edit] = edits("todo", "add table project owned by users in the Planning namespace")
    assert isinstance(edit, AddModel)
    assert edit.model.namespace == "Planning"
    assert [f.name for f in edit.model.foreign_fields] == ["todo_user_id"]


def test_add_resource_adds_the_model_and_its_crud_operations_for_the_owner() -> None:
    result = plan("bbs", "add resource polls with question:string belonging to articles")
    model = next(e for e in result.changeset.edits if isinstance(e, AddModel)).model
    assert model.name == "bbs_polls"
    assert [f.name for f in model.foreign_fields] == ["bbs_article_id"]
    ops = [e.operation for e in result.changeset.edits if isinstance(e, AddOperation)]
    assert sorted(op.kind for op in ops) == ["at", "create", "erase", "index", "update"]
    assert {op.actor for op in ops} == {"member"}
    assert all(op.path.startswith("/bbs/member/polls") for op in ops)


def test_remove_model_takes_its_operations_and_references() -> None:
    result = plan("todo", "remove model labels")
    assert result.changeset.edits == [
        RemoveOperation(method="post", path="/todo/user/labels"),
        RemoveOperation(method="patch", path="/todo/user/labels"),
        RemoveModel(model="todo_labels"),
    ]
    result = plan("todo", "delete the table lists")
    removed = result.changeset.edits
    assert RemoveRelation(model="todo_items", field="todo_list_id") in removed
    assert RemoveOperation(method="post", path="/todo/user/lists/{listId}/items") in removed
    assert "depended" in result.explanation


def test_removing_a_foreign_key_takes_the_operations_that_bind_it() -> None:
    removed = edits("bbs", "remove field bbs_category_id from articles")
    assert removed == [
        RemoveOperation(method="patch", path="/bbs/categories/{categoryId}/articles"),
        RemoveOperation(method="post", path="/bbs/member/categories/{categoryId}/articles"),
        RemoveRelation(model="bbs_articles", field="bbs_category_id"),
    ]


def test_let_the_public_read_adds_public_reads_in_the_project_style() -> None:
    ops = [e.operation for e in edits("kitchen", "let anyone view wishlists")]  # type: ignore[attr-defined]
    assert [(op.method, op.path, op.actor) for op in ops] == [
        ("patch", "/kitchen/wishlists", None),
        ("get", "/kitchen/wishlists/{wishlistId}", None),
    ]
