"""Plans adapt to the project: conventions read from the spec (table prefix, timestamps,
owners, path style) on todo, bbs, the kitchen sink and an imported AutoBe project; a
feature the project partly has is completed, one it has is nothing to do."""

from __future__ import annotations

import pytest

from autobe_core.planning.base import Plan
from autobe_core.planning.rules import NothingToDo
from autobe_core.planning.rules.adapt import Conventions
from autobe_core.spec.changeset import (
    AddModel,
    AddOperation,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
)
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.model import (
    Operation,
    Parameter,
)
from tests.unit.rule_planner.support import (
    PLANNER,
    SPECS,
    imported_notes,
    plan,
)

# --------------------------------------------------------------------------- adaptation


@pytest.mark.parametrize(
    ("fixture", "prefix", "api", "nested", "owner", "admin", "main"),
    [
        ("todo", "todo_", "todo", False, "user", None, "todo_items"),
        ("bbs", "bbs_", "bbs", True, "member", "admin", "bbs_articles"),
        ("kitchen", "kit_", "kitchen", False, "shopper", "staff", "kit_products"),
    ],
)
def test_conventions_read_from_the_spec(
    fixture: str,
    prefix: str,
    api: str,
    nested: bool,
    owner: str,
    admin: str | None,
    main: str,
) -> None:
    conv = Conventions.of(SPECS[fixture])
    assert conv.prefix == prefix
    assert conv.api == api
    assert conv.actor_segment
    assert conv.nest_rows is nested
    assert conv.owner is not None and conv.owner.name == owner
    assert (conv.admin.name if conv.admin else None) == admin
    main_model = conv.main_model()
    assert main_model is not None and main_model.name == main


def _new_model_and_ops(result: Plan) -> tuple[AddModel, dict[tuple[str, str | None], Operation]]:
    [add] = [e for e in result.changeset.edits if isinstance(e, AddModel)]
    ops: dict[tuple[str, str | None], Operation] = {
        (e.operation.kind, e.operation.actor): e.operation
        for e in result.changeset.edits
        if isinstance(e, AddOperation)
    }
    return add, ops


def test_comments_on_todo_follow_its_conventions() -> None:
    result = plan("todo", "add comments")
    add, ops = _new_model_and_ops(result)
    model = add.model
    assert model.name == "todo_item_comments"
    assert [(f.name, f.relation.target_model) for f in model.foreign_fields] == [
        ("todo_item_id", "todo_items"),
        ("todo_user_id", "todo_users"),
    ]
    assert model.namespace == "Todos"
    create = ops[("create", "user")]
    assert create.path == "/todo/user/items/{itemId}/comments"
    assert create.parameters == [Parameter(name="itemId", binds="todo_item_id")]
    # no public reads of items, so comments are read by the user; rows are flat
    assert ops[("index", "user")].path == "/todo/user/items/{itemId}/comments"
    assert ops[("at", "user")].path == "/todo/user/item-comments/{commentId}"
    assert ("erase", None) not in ops and len(ops) == 5  # no admin actor in todo
    assert result.explanation.splitlines()[0] == (
        "add comments to todo_items: add model todo_item_comments (belongs to todo_items, "
        "owned by user) and 5 operations"
    )


def test_reviews_on_bbs_follow_its_conventions() -> None:
    add, ops = _new_model_and_ops(plan("bbs", "add reviews"))
    assert add.model.name == "bbs_article_reviews"
    assert add.model.namespace == "Articles"
    assert [f.name for f in add.model.foreign_fields] == ["bbs_article_id", "bbs_member_id"]
    # articles are read publicly, so are their reviews; rows stay nested as in bbs
    assert ops[("index", None)].path == "/bbs/articles/{articleId}/reviews"
    assert ops[("at", None)].path == "/bbs/articles/{articleId}/reviews/{reviewId}"
    assert ops[("create", "member")].path == "/bbs/member/articles/{articleId}/reviews"
    assert ops[("erase", "admin")].path == "/bbs/admin/articles/{articleId}/reviews/{reviewId}"
    assert ops[("erase", "admin")].parameters == [
        Parameter(name="articleId", binds="bbs_article_id"),
        Parameter(name="reviewId", binds="id"),
    ]


def test_comments_on_the_kitchen_sink_follow_its_conventions() -> None:
    add, ops = _new_model_and_ops(plan("kitchen", "add comments"))
    assert add.model.name == "kit_product_comments"
    assert [f.relation.target_model for f in add.model.foreign_fields] == [
        "kit_products",
        "kit_customers",
    ]
    assert ops[("index", None)].path == "/kitchen/products/{productId}/comments"
    assert ops[("create", "shopper")].path == "/kitchen/shopper/products/{productId}/comments"
    assert ops[("erase", "staff")].path == "/kitchen/staff/product-comments/{commentId}"


def test_a_segment_taken_by_another_model_uses_the_full_name() -> None:
    # kit_reviews already lists under /kitchen/products/{productId}/reviews
    _, ops = _new_model_and_ops(plan("kitchen", "add reviews"))
    assert ops[("index", None)].path == "/kitchen/products/{productId}/product-reviews"


def test_the_target_named_in_the_request_wins_over_the_main_model() -> None:
    add, _ = _new_model_and_ops(plan("bbs", "add likes to comments"))
    assert add.model.name == "bbs_article_comment_likes"
    assert add.model.foreign_fields[0].relation.target_model == "bbs_article_comments"
    add, _ = _new_model_and_ops(plan("bbs", "let members bookmark articles"))
    assert add.model.name == "bbs_article_bookmarks"


def test_an_actor_named_in_the_request_owns_the_rows() -> None:
    add, ops = _new_model_and_ops(plan("bbs", "let moderators comment on snapshots"))
    assert add.model.foreign_fields[1].relation.target_model == "bbs_moderators"
    assert ("create", "moderator") in ops


def test_a_feature_the_project_partly_has_is_completed_not_duplicated() -> None:
    result = plan("bbs", "add notifications")
    added = result.changeset.edits
    assert all(isinstance(e, AddOperation) for e in added)
    assert [(e.operation.method, e.operation.path) for e in added] == [  # type: ignore[union-attr]
        ("post", "/bbs/admin/notifications"),
        ("patch", "/bbs/admin/notifications"),
    ]
    assert "already there" in result.explanation and "bbs_notifications" in result.explanation


def test_a_feature_the_project_has_is_nothing_to_do() -> None:
    with pytest.raises(NothingToDo, match="already has"):
        PLANNER.plan(SPECS["bbs"], "add categories")
    with pytest.raises(NothingToDo, match="no comments"):
        PLANNER.plan(SPECS["todo"], "remove comments")


def test_removing_a_feature_the_project_started_with_removes_its_parts() -> None:
    result = plan("bbs", "remove comments")
    removed = result.changeset.edits
    assert RemoveModel(model="bbs_article_comments") in removed
    assert RemoveRelation(model="bbs_notifications", field="bbs_article_comment_id") in removed
    assert sum(isinstance(e, RemoveOperation) for e in removed) == 6


def test_imported_project_conventions() -> None:
    spec = imported_notes()
    if spec is None:
        pytest.skip("the AutoBe importer is not available")
    result = PLANNER.plan(spec, "add comments")
    apply(spec, result.changeset)
    add = next(e for e in result.changeset.edits if isinstance(e, AddModel))
    assert add.model.name.startswith("notes_")
