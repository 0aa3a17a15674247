"""The `test` module kind: the generated backend's own test suite.

Fast checks on the generated text (it compiles, holds the expected test functions per
kind of operation, escapes free text, is deterministic) and on the plan (ids, paths,
reads, imports); one slow end-to-end check runs mypy --strict and pytest on a generated
todo backend.
"""

from __future__ import annotations

import ast
import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from autobe_core.generate import PlannedModule
from autobe_core.generate.kinds.test import generator as tests_kind
from autobe_core.graph.elements import spec_elements
from autobe_core.spec.io import load_spec, parse_spec
from autobe_core.spec.model import Operation, ProjectSpec
from autobe_core.spec.naming import operation_id

ROOT = Path(__file__).resolve().parents[2]
SPEC_FILES = sorted(
    [ROOT / "fixtures" / "todo.yaml", ROOT / "fixtures" / "bbs.yaml",
     *(ROOT / "tests" / "data" / "specs").glob("*.yaml")]
)
SPEC_FILES = [p for p in SPEC_FILES if p.exists()]


def todo() -> ProjectSpec:
    return load_spec(ROOT / "fixtures" / "todo.yaml")


def todo_data() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "fixtures" / "todo.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def by_id(spec: ProjectSpec) -> dict[str, PlannedModule]:
    return {m.id: m for m in tests_kind.plan(spec)}


def functions(text: str) -> list[str]:
    tree = ast.parse(text)
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]


def names_of_tests(text: str) -> set[str]:
    return {name for name in functions(text) if name.startswith("test_")}


# --------------------------------------------------------------------------- plan


@pytest.mark.parametrize("path", SPEC_FILES, ids=lambda p: p.name)
def test_every_module_compiles(path: Path) -> None:
    for module in tests_kind.plan(load_spec(path)):
        compile(module.generate(), module.path, "exec")
        assert module.kind == "test"


def test_module_ids_and_paths() -> None:
    modules = by_id(todo())
    assert modules["test:package"].path == "tests/__init__.py"
    assert modules["test:helpers"].path == "tests/helpers.py"
    assert modules["test:conftest"].path == "tests/conftest.py"
    assert modules["test:health"].path == "tests/test_health.py"
    assert modules["test:errors"].path == "tests/test_errors.py"
    assert modules["test:factories"].path == "tests/factories/__init__.py"
    assert modules["test:factory:todo_items"].path == "tests/factories/todo_items.py"
    assert (modules["test:post_todo_user_lists_by_list_id_items"].path
            == "tests/test_post_todo_user_lists_by_list_id_items.py")
    assert len([m for m in modules if m.startswith("test:factory:")]) == 4
    assert modules["test:settings"].path == "tests/test_settings.py"
    assert len(modules) == 7 + 4 + 15


def test_shared_modules_read_nothing() -> None:
    modules = by_id(todo())
    for module_id in ("test:package", "test:helpers", "test:conftest", "test:factories",
                      "test:health", "test:errors", "test:settings"):
        assert modules[module_id].reads == frozenset()
    assert modules["test:conftest"].imports == {"app:db", "app:main", "app:models",
                                                "app:settings"}
    assert modules["test:health"].imports == {"app:db", "test:conftest"}
    assert modules["test:errors"].imports == {"app:errors", "app:main", "test:conftest"}
    assert modules["test:helpers"].imports == {"auth:security", "app:dtos_common"}
    assert modules["test:settings"].imports == {"app:main", "app:settings", "test:conftest"}


def test_reads_are_declared() -> None:
    modules = by_id(todo())
    assert modules["test:factory:todo_users"].reads == {"model:todo_users", "actor:user"}
    assert modules["test:factory:todo_items"].reads == {"model:todo_items"}
    # the access model: the list the path selects must be the caller's unless they may
    # read every list (the list operations), through the models its chain may follow
    assert modules["test:post_todo_user_lists_by_list_id_items"].reads == {
        "operation:post_todo_user_lists_by_list_id_items", "model:todo_items", "actor:user",
        "model:todo_lists", "model:todo_users", "operation:get_todo_user_lists_by_list_id",
        "operation:patch_todo_user_lists",
    }
    assert modules["test:put_todo_user_items_by_item_id"].reads == {
        "operation:put_todo_user_items_by_item_id", "model:todo_items", "actor:user",
        "model:todo_users",
    }
    assert modules["test:post_auth_user_login"].reads == {
        "operation:post_auth_user_login", "model:todo_users", "actor:user",
    }
    elements = set(spec_elements(todo()))
    for module in modules.values():
        assert module.reads <= elements, module.id


def test_imports_are_declared() -> None:
    modules = by_id(todo())
    assert modules["test:factory:todo_items"].imports == {
        "model:todo_items", "test:helpers", "test:factory:todo_lists", "test:factory:todo_users",
    }
    assert modules["test:post_auth_user_refresh"].imports == {
        "test:conftest", "test:helpers", "test:factory:todo_users", "auth:security",
    }
    known = set(modules) | {"app:db", "app:errors", "app:main", "app:models", "app:settings",
                            "auth:security", "app:dtos_common"}
    known |= {f"model:{m.name}" for m in todo().models}
    for module in modules.values():
        assert module.imports <= known, module.id


def _perturbed(data: dict[str, Any], element: str) -> dict[str, Any]:
    """A copy of the spec data with one element changed in a way every slice could see."""
    changed = copy.deepcopy(data)
    kind, _, name = element.partition(":")
    if kind == "model":
        model = next(m for m in changed["models"] if m["name"] == name)
        model["plainFields"].append({"name": "zz_extra", "type": "string", "nullable": True})
    elif kind == "operation":
        op = next(o for o in changed["operations"]
                  if operation_id(Operation.model_validate(o)) == name)
        op["summary"] = "changed summary"
    return changed


def test_slices_depend_only_on_their_reads() -> None:
    """Changing one model or operation changes only the slices that declare reading it."""
    data = todo_data()
    before = by_id(parse_spec(data))
    for element in sorted(spec_elements(parse_spec(data))):
        if not element.startswith(("model:", "operation:")):
            continue
        after = by_id(parse_spec(_perturbed(data, element)))
        for module_id, module in before.items():
            if module.key != after[module_id].key:
                assert element in module.reads, (module_id, element)


def test_determinism() -> None:
    first = {m.id: (m.key, m.generate()) for m in tests_kind.plan(todo())}
    second = {m.id: (m.key, m.generate()) for m in tests_kind.plan(todo())}
    assert first == second


# --------------------------------------------------------------------------- contents


def test_expected_tests_per_kind() -> None:
    modules = by_id(todo())

    def names(op_id: str) -> set[str]:
        return names_of_tests(modules[f"test:{op_id}"].generate())

    assert names("post_todo_user_lists_by_list_id_items") == {
        "test_create_returns_201_and_the_row", "test_create_without_optional_fields",
        "test_create_accepts_max_length_strings", "test_create_invalid_body_is_422",
        "test_create_without_token_is_401", "test_create_under_unknown_parent_is_404",
        # field roles: the owner key is the server's; priority has a lower bound
        "test_server_field_todo_user_id_is_refused", "test_create_below_minimum_is_422",
        "test_cross_account_create_under_their_parent_is_404",
    }
    assert "test_create_duplicate_is_409" in names("post_todo_user_labels")
    assert "test_create_duplicate_is_409" not in names("post_todo_user_lists")
    assert names("get_todo_user_items_by_item_id") == {
        "test_at_returns_the_row", "test_at_soft_deleted_row_is_404",
        "test_at_unknown_row_is_404", "test_at_malformed_id_is_422",
        "test_at_without_token_is_401", "test_at_other_accounts_row_is_404",
        "test_cross_account_at_is_404",
    }
    assert "test_at_returns_the_addressed_row" in names("get_todo_user_lists_by_list_id")
    assert names("patch_todo_user_lists") == {
        "test_index_pages_through_rows", "test_index_page_past_the_end_is_empty",
        "test_index_limit_zero_is_422", "test_index_without_token_is_401",
        "test_index_without_body_lists_the_first_page",
        "test_cross_account_index_hides_their_rows",
    }
    assert names("put_todo_user_lists_by_list_id") == {
        "test_update_changes_the_row", "test_update_empty_body_keeps_the_row",
        "test_update_unknown_row_is_404", "test_update_wrong_type_is_422",
        "test_update_without_token_is_401", "test_update_other_accounts_row_is_403",
        "test_cross_account_update_is_403",
    }
    assert names("delete_todo_user_items_by_item_id") == {
        "test_erase_returns_204", "test_erase_twice_is_404", "test_erase_unknown_row_is_404",
        "test_erase_malformed_id_is_422", "test_erase_without_token_is_401",
        "test_erase_other_accounts_row_is_403", "test_cross_account_erase_is_403",
    }
    assert names("post_auth_user_join") == {
        "test_join_creates_the_account", "test_join_without_optional_fields",
        "test_join_accepts_minimum_length_password", "test_join_duplicate_identity_is_409",
        "test_join_invalid_body_is_422", "test_join_stores_identity_lowercased",
        "test_join_case_variant_identity_is_409",
    }
    assert names("post_auth_user_login") == {
        "test_login_returns_tokens", "test_login_password_is_case_sensitive",
        "test_login_wrong_password_is_401", "test_login_unknown_identity_is_401",
        "test_login_without_password_is_422", "test_login_identity_is_case_insensitive",
        "test_logout_revokes_the_tokens", "test_logout_without_token_is_401",
        "test_deleted_account_token_is_401",
    }
    assert names("post_auth_user_refresh") == {
        "test_refresh_returns_new_tokens", "test_refresh_tokens_belong_to_the_account",
        "test_refresh_garbage_token_is_401", "test_refresh_with_access_token_is_401",
        "test_refresh_without_token_is_422", "test_refresh_reused_token_is_401",
    }


def test_soft_delete_and_hard_delete_erase_checks() -> None:
    modules = by_id(todo())
    soft = modules["test:delete_todo_user_items_by_item_id"].generate()
    hard = modules["test:delete_todo_user_lists_by_list_id"].generate()
    assert "assert stored.deleted_at is not None" in soft
    assert "assert stored is None" in hard


def _with_second_actor_and_custom() -> ProjectSpec:
    data = todo_data()
    data["actors"].append({"name": "admin", "kind": "admin", "model": "todo_admins"})
    data["models"].append({
        "name": "todo_admins", "namespace": "Actors", "stance": "actor",
        "plainFields": [{"name": "email", "type": "string", "format": "email"},
                        {"name": "password_hash", "type": "string", "format": "password"}],
    })
    data["operations"].append({"name": "stats", "kind": "custom", "method": "get",
                               "path": "/todo/admin/stats/{day}", "actor": "admin",
                               "parameters": [{"name": "day", "type": "string"}]})
    return parse_spec(data)


def test_other_actor_is_refused_with_403() -> None:
    spec = _with_second_actor_and_custom()
    modules = by_id(spec)
    text = modules["test:post_todo_user_lists"].generate()
    assert "test_create_with_other_actor_token_is_403" in names_of_tests(text)
    assert "OTHER_ACTOR = 'admin'" in text
    assert "actor:admin" in modules["test:post_todo_user_lists"].reads
    # the todo spec alone has one actor: no 403-by-actor test
    assert "OTHER_ACTOR" not in by_id(todo())["test:post_todo_user_lists"].generate()


def test_custom_operation_expects_501() -> None:
    modules = by_id(_with_second_actor_and_custom())
    text = modules["test:get_todo_admin_stats_by_day"].generate()
    assert names_of_tests(text) == {
        "test_custom_is_not_implemented", "test_custom_without_token_is_401",
        "test_custom_with_other_actor_token_is_403",
    }
    assert "assert response.json()[\"code\"] == 'not_implemented'" in text
    assert "def url(day: object) -> str:" in text


def test_factory_makes_required_parents_through_their_factories() -> None:
    modules = by_id(todo())
    items = modules["test:factory:todo_items"].generate()
    assert "from tests.factories.todo_lists import make_todo_lists" in items
    assert "from tests.factories.todo_users import make_todo_users" in items
    lists_at = items.index("values['todo_list_id'] = key_of(make_todo_lists(session))")
    users_at = items.index("values['todo_user_id'] = key_of(make_todo_users(session))")
    assert lists_at < users_at < items.index("values.update(overrides)")
    assert "if 'todo_list_id' not in overrides:" in items
    assert "'status': 'open'," in items
    assert "'title': unique_text(1, 200)," in items
    assert "'deleted_at': None," in items
    users = modules["test:factory:todo_users"].generate()
    assert "'password_hash': password_hash()," in users
    assert "'email': unique_email(254)," in users
    assert "tests.factories" not in users.replace("tests.factories.", "")


def test_factory_nullable_and_self_references() -> None:
    data = todo_data()
    lists = next(m for m in data["models"] if m["name"] == "todo_lists")
    lists["foreignFields"] += [
        {"name": "parent_id", "relation": {"name": "parent", "targetModel": "todo_lists"}},
        {"name": "copy_of_id", "nullable": True,
         "relation": {"name": "copyOf", "targetModel": "todo_items"}},
    ]
    module = by_id(parse_spec(data))["test:factory:todo_lists"]
    text = module.generate()
    assert "'copy_of_id': None," in text
    assert "make_todo_items" not in text
    assert "values['parent_id'] = values['id']" in text
    assert module.imports == {"model:todo_lists", "test:helpers", "test:factory:todo_users"}


def test_free_text_is_escaped() -> None:
    data = todo_data()
    nasty = 'it\'s "quoted" \\ """triple""" {braces}\nnewline'
    items = next(m for m in data["models"] if m["name"] == "todo_items")
    status = next(f for f in items["plainFields"] if f["name"] == "status")
    status["enum"] = [nasty, "done"]
    for op in data["operations"]:
        op["summary"] = nasty
    spec = parse_spec(data)
    for module in tests_kind.plan(spec):
        text = module.generate()
        tree = ast.parse(text)
        if module.id.startswith("test:post_todo_user_lists_by_list_id_items"):
            doc = ast.get_docstring(tree)
            assert doc is not None and '"""triple"""' in doc
            literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
            assert nasty in literals
    factory = by_id(spec)["test:factory:todo_items"].generate()
    assert nasty in {n.value for n in ast.walk(ast.parse(factory)) if isinstance(n, ast.Constant)}


def test_path_parameters_become_safe_arguments() -> None:
    data = todo_data()
    op = next(o for o in data["operations"] if o["path"] == "/todo/user/items/{itemId}"
              and o["kind"] == "at")
    op["path"] = "/todo/user/items/{class}"
    op["parameters"] = [{"name": "class"}]
    module = by_id(parse_spec(data))["test:get_todo_user_items_by_class"]
    text = module.generate()
    assert "def url(class_: object) -> str:" in text
    assert "PATH.format_map({'class': class_})" in text
    compile(text, module.path, "exec")


# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_generated_todo_backend_type_checks_and_passes(tmp_path: Path) -> None:
    from autobe_core.generate import generate_files

    for path, text in generate_files(todo()).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "app", "tests"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert mypy.returncode == 0, mypy.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert tests.returncode == 0, tests.stdout[-4000:]


def test_index_lists_one_row_when_a_unique_index_fixes_the_listed_keys() -> None:
    data = todo_data()
    items = next(m for m in data["models"] if m["name"] == "todo_items")
    items["uniqueIndexes"] = [{"fieldNames": ["todo_list_id", "todo_user_id"]}]
    module = by_id(parse_spec(data))["test:patch_todo_user_lists_by_list_id_items"]
    text = module.generate()
    assert "test_index_lists_the_row" in names_of_tests(text)
    assert "test_index_pages_through_rows" not in names_of_tests(text)
    assert ("rows = [make_todo_items(session, todo_list_id=key_of(parent_0), "
            "todo_user_id=key_of(account))]") in text
    # the plain todo spec lists three rows over two pages
    plain = by_id(todo())["test:patch_todo_user_lists_by_list_id_items"].generate()
    assert "test_index_pages_through_rows" in names_of_tests(plain)
    assert "make_todo_items(session, todo_user_id=key_of(account))" in plain  # other parent
    assert "make_todo_items(session, todo_list_id=key_of(parent_0))" in plain  # other owner
