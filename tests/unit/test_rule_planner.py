"""The offline rule planner, without builds: what each request plans, how plans adapt to
the project, what it refuses, and that ``add X`` then ``remove X`` restores the spec
exactly for every catalog feature.

Every plan here is also applied (``apply`` validates the result), so "plans" means
"plans that fit the spec they were made for".
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from autobe_core.planning.base import NotUnderstood, Plan, PlannerChain
from autobe_core.planning.rules import NothingToDo, RulePlanner
from autobe_core.planning.rules.adapt import Conventions
from autobe_core.planning.rules.catalog import CATALOG, find_feature
from autobe_core.planning.rules.catalog.base import Ctx, Feature, Parts
from autobe_core.planning.rules.catalog.engine import feature_parts
from autobe_core.planning.rules.fields import parse_field
from autobe_core.planning.rules.words import normalize
from autobe_core.schema import plan_migration
from autobe_core.spec.changeset import (
    AddCreatedBy,
    AddField,
    AddFieldEverywhere,
    AddIndex,
    AddModel,
    AddOperation,
    AddSoftDelete,
    AddTimestamps,
    ChangeSet,
    ModifyField,
    RemoveField,
    RemoveModel,
    RemoveOperation,
    RemoveRelation,
    RenameField,
    RenameModel,
)
from autobe_core.spec.edits.engine import apply
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import (
    Operation,
    Parameter,
    PlainField,
    ProjectSpec,
)

ROOT = Path(__file__).resolve().parents[2]
SPECS: dict[str, ProjectSpec] = {
    "todo": load_spec(ROOT / "fixtures" / "todo.yaml"),
    "bbs": load_spec(ROOT / "fixtures" / "bbs.yaml"),
    "kitchen": load_spec(ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml"),
}
NOTES = ROOT / "tests" / "data" / "autobe" / "notes"


def imported_notes() -> ProjectSpec | None:
    """The AutoBe example project, imported (None while the importer is absent)."""
    try:
        from autobe_core.importer import import_autobe
    except ImportError:
        return None
    if not NOTES.is_dir():
        return None
    return import_autobe([NOTES]).spec


PLANNER = RulePlanner()


def plan(fixture: str, text: str) -> Plan:
    result = PLANNER.plan(SPECS[fixture], text)
    apply(SPECS[fixture], result.changeset)  # every plan fits its spec
    return result


def edits(fixture: str, text: str) -> list[object]:
    return list(plan(fixture, text).changeset.edits)


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


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("fixture", "text", "closest"),
    [
        ("todo", "add field priority:int to todos", "todo_items"),
        ("todo", "remove the delete todo endpoint", "remove DELETE /todo/user/items/{itemId}"),
        (
            "bbs",
            "remove the delete comment endpoint",
            "remove DELETE /bbs/moderator/articles/{articleId}/comments/{commentId}",
        ),
        ("bbs", "rename posts to articles", "bbs_articles"),
        ("bbs", "add comments to psots", "bbs_articles"),
        ("bbs", "add a field nickname:int to members", "nickname"),
        ("bbs", "make the subtitle of articles unique", "bbs_articles.title"),
    ],
)
def test_ambiguous_or_unknown_references(fixture: str, text: str, closest: str) -> None:
    before = SPECS[fixture]
    with pytest.raises((NotUnderstood, NothingToDo)) as info:
        PLANNER.plan(before, text)
    exc = info.value
    if isinstance(exc, NotUnderstood):
        assert any(closest in c for c in exc.closest), exc.closest
    else:
        assert closest in exc.message
    assert SPECS[fixture] == before


@pytest.mark.parametrize(
    ("text", "closest"),
    [
        ("add notificatons", "add notifications"),
        ("please frobnicate the widgets", ""),
        ("add a liking sytem to articles", "add field liking_sytem:string to bbs_articles"),
        ("give everybody a pony", ""),
        ("make it faster", "make color of labels unique"),
    ],
)
def test_unknown_requests_name_the_closest_entries(text: str, closest: str) -> None:
    with pytest.raises(NotUnderstood) as info:
        PLANNER.plan(SPECS["bbs"], text)
    assert info.value.closest
    assert all("(" in c for c in info.value.closest)  # "example (catalog: key)" / "(form)"
    if closest:
        assert any(c.startswith(closest) for c in info.value.closest), info.value.closest


def test_the_chain_adds_how_to_configure_an_llm() -> None:
    chain = PlannerChain([RulePlanner()])
    with pytest.raises(NotUnderstood) as info:
        chain.plan(SPECS["todo"], "teach the items to sing")
    assert info.value.hint is not None and "AUTOBE_LLM_MODEL" in info.value.hint
    assert info.value.closest
    assert chain.plan(SPECS["todo"], "add likes").planner == "rules"


# --------------------------------------------------------------------------- add / remove


def test_the_catalog_has_at_least_fifteen_features_with_unique_names() -> None:
    assert len(CATALOG) >= 15
    keys = [f.key for f in CATALOG]
    assert len(set(keys)) == len(keys)
    for feature in CATALOG:
        assert find_feature(feature.key) is feature
        for alias in feature.aliases:
            assert find_feature(alias) is feature, alias
        assert feature.example and feature.adds


ALTERNATIVE_TARGET = {"todo": "labels", "bbs": "comments", "kitchen": "reviews", "notes": "users"}
"""Where a feature goes when the project already has it on its main model."""


def add_then_remove(spec: ProjectSpec, key: str, target: str | None = None) -> ProjectSpec:
    where = f" to {target}" if target else ""
    added = PLANNER.plan(spec, f"add {key}{where}")
    assert added.planner == "rules"
    after = apply(spec, added.changeset)
    assert after != spec
    removed = PLANNER.plan(after, f"remove {key}")
    back = apply(after, removed.changeset)
    return back


@pytest.mark.parametrize("feature", [f.key for f in CATALOG])
@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen"])
def test_add_then_remove_restores_the_spec_exactly(fixture: str, feature: str) -> None:
    spec = SPECS[fixture]
    try:
        back = add_then_remove(spec, feature)
    except NothingToDo:
        # the project has the feature on its main model already: put it elsewhere
        back = add_then_remove(spec, feature, ALTERNATIVE_TARGET[fixture])
    assert back == spec


@pytest.mark.parametrize("feature", [f.key for f in CATALOG])
def test_add_then_remove_on_an_imported_project(feature: str) -> None:
    spec = imported_notes()
    if spec is None:
        pytest.skip("the AutoBe importer is not available")
    try:
        back = add_then_remove(spec, feature)
    except NothingToDo:
        back = add_then_remove(spec, feature, ALTERNATIVE_TARGET["notes"])
    assert back == spec


def spec_of(fixture: str) -> ProjectSpec:
    if fixture != "notes":
        return SPECS[fixture]
    spec = imported_notes()
    if spec is None:
        pytest.skip("the AutoBe importer is not available")
    return spec


def planned_addition(spec: ProjectSpec, fixture: str, key: str) -> Plan:
    try:
        return PLANNER.plan(spec, f"add {key}")
    except NothingToDo:
        return PLANNER.plan(spec, f"add {key} to {ALTERNATIVE_TARGET[fixture]}")


@pytest.mark.parametrize("feature", [f.key for f in CATALOG])
@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen", "notes"])
def test_every_feature_migrates_an_existing_database(fixture: str, feature: str) -> None:
    """A feature's changeset passes the migration check ``propose`` runs: it never adds a
    required field without a default to a table that has rows."""
    spec = spec_of(fixture)
    changeset = planned_addition(spec, fixture, feature).changeset
    migration = plan_migration(spec, changeset)
    assert migration.diagnostics == (), [d.message for d in migration.diagnostics]
    schema_edits = [e for e in changeset.edits if not isinstance(e, AddOperation)]
    assert bool(migration.steps) == bool(schema_edits)  # operations alone: no step
    assert not migration.destructive


def every_feature_parts(spec: ProjectSpec) -> Iterator[tuple[Feature, Parts]]:
    """What every catalog feature makes on every model it can attach to (and on whole
    scopes) of ``spec``."""
    conv = Conventions.of(spec)
    for feature in CATALOG:
        for target in [None, *spec.models]:
            try:
                parts = feature_parts(feature, Ctx(conv, target, None))
            except (ValueError, NotUnderstood):
                continue
            yield feature, parts


@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen", "notes"])
def test_fields_a_feature_adds_to_existing_models_are_nullable_or_defaulted(
    fixture: str,
) -> None:
    """On every model a feature can attach to (and on whole scopes): the fields it puts
    on models that exist are nullable or have a default; counters, flags, statuses and
    timestamps get a neutral default."""
    spec = spec_of(fixture)
    checked = 0
    for feature, parts in every_feature_parts(spec):
        for model_name, f in parts.fields:
            assert spec.model(model_name) is not None
            defaulted = isinstance(f, PlainField) and f.default is not None
            assert f.nullable or defaulted, (feature.key, model_name, f.name)
            checked += 1
    assert checked


@pytest.mark.parametrize("fixture", ["todo", "bbs", "kitchen", "notes"])
def test_money_the_catalog_creates_is_decimal(fixture: str) -> None:
    """Every field a feature creates whose name says money (as the importer reads
    names) is an exact decimal, never a double."""
    from autobe_core.importer import is_money

    spec = spec_of(fixture)
    for feature, parts in every_feature_parts(spec):
        plain = [f for m in parts.models for f in m.plain_fields]
        plain += [f for _, f in parts.fields if isinstance(f, PlainField)]
        for f in plain:
            assert f.type != "double" or not is_money(f.name), (feature.key, f.name)
            if f.type == "decimal":
                assert (f.precision, f.scale) == (18, 2), (feature.key, f.name)


def test_remove_after_other_changes_removes_exactly_the_feature() -> None:
    spec = SPECS["todo"]
    with_comments = apply(spec, PLANNER.plan(spec, "add comments").changeset)
    later = with_comments
    for text in ("add a nullable due date to lists", "add likes to lists", "add soft delete"):
        later = apply(later, PLANNER.plan(later, text).changeset)
    removed = apply(later, PLANNER.plan(later, "remove comments").changeset)
    expected = spec
    for text in ("add a nullable due date to lists", "add likes to lists", "add soft delete"):
        expected = apply(expected, PLANNER.plan(expected, text).changeset)
    assert removed == expected


def test_remove_names_the_target_when_a_feature_is_on_several_models() -> None:
    spec = SPECS["todo"]
    for text in ("add likes to items", "add likes to lists"):
        spec = apply(spec, PLANNER.plan(spec, text).changeset)
    with pytest.raises(NotUnderstood) as info:
        PLANNER.plan(spec, "remove likes")
    assert sorted(info.value.closest) == [
        "remove likes from todo_items",
        "remove likes from todo_lists",
    ]
    back = apply(spec, PLANNER.plan(spec, "remove likes from lists").changeset)
    assert back == apply(SPECS["todo"], PLANNER.plan(SPECS["todo"], "add likes to items").changeset)


def test_a_completed_feature_removes_only_what_was_added() -> None:
    spec = SPECS["bbs"]
    after = apply(spec, PLANNER.plan(spec, "add notifications").changeset)
    removal = PLANNER.plan(after, "remove notifications")
    assert removal.changeset.edits == [
        RemoveOperation(method="post", path="/bbs/admin/notifications"),
        RemoveOperation(method="patch", path="/bbs/admin/notifications"),
    ]
    assert apply(after, removal.changeset) == spec


def test_plans_record_the_rules_planner_and_a_summary() -> None:
    result = plan("bbs", "add bookmarks")
    assert result.planner == "rules" and result.tokens == 0 and result.tries == 1
    assert result.changeset.summary == "add bookmarks to bbs_articles"
    assert isinstance(result.changeset, ChangeSet)


def test_every_documented_example_is_understood_on_some_fixture() -> None:
    """Planned (and applied), or understood as already done ("remove likes from lists"
    before any likes: NothingToDo); never NotUnderstood on every fixture."""
    from autobe_core.planning.rules.grammar import FORMS

    examples = [e for form in FORMS for e in form.examples] + [f.example for f in CATALOG]
    planned = 0
    for text in examples:
        understood = False
        for spec in SPECS.values():
            try:
                apply(spec, PLANNER.plan(spec, text).changeset)
            except NothingToDo:
                understood = True
                continue
            except NotUnderstood:
                continue
            understood = True
            planned += 1
            break
        assert understood, text
    assert planned >= len(examples) - 2


def test_docs_list_every_form_and_feature() -> None:
    from autobe_core.planning.rules.grammar import FORMS

    docs = (ROOT / "docs" / "planning.md").read_text(encoding="utf-8")
    for form in FORMS:
        for example in form.examples:
            assert f"`{example}`" in docs, example
    for feature in CATALOG:
        assert f"| {feature.key} |" in docs, feature.key
        assert f"`{feature.example}`" in docs, feature.example
