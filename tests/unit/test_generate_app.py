"""The backend generators: model, dto, collector, transformer, auth, operation, app kinds.

Every generated Python file compiles, holds the names docs/generated-backend.md promises,
escapes free text, is deterministic, and its module declares truthful ``reads`` (changing
an element it does not read leaves its key alone) and ``imports`` (exactly the backend
modules its text imports). One test type-checks and exercises the whole todo backend.
"""

from __future__ import annotations

import ast
import configparser
import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest

from autobe_core.generate import PlannedModule, plan_modules
from autobe_core.generate.kinds.app import main, support
from autobe_core.generate.kinds.auth import generator as auth
from autobe_core.generate.kinds.collector import generator as collector
from autobe_core.generate.kinds.dto import generator as dto
from autobe_core.generate.kinds.model import generator as model
from autobe_core.generate.kinds.operation import generator as operation
from autobe_core.generate.kinds.operation.render import APP_MODULES, APP_PACKAGES
from autobe_core.generate.kinds.transformer import generator as transformer
from autobe_core.graph.elements import spec_elements
from autobe_core.spec.io import load_spec, parse_spec
from autobe_core.spec.model import ProjectSpec

ROOT = Path(__file__).resolve().parents[2]
TODO = ROOT / "fixtures" / "todo.yaml"
KITCHEN = ROOT / "tests" / "data" / "specs" / "kitchen_sink.yaml"
MINE = ("model", "dto", "collector", "transformer", "auth", "operation", "app")


def _mine(spec: ProjectSpec) -> list[PlannedModule]:
    return [m for m in plan_modules(spec) if m.kind in MINE]


def _by_id(spec: ProjectSpec) -> dict[str, PlannedModule]:
    return {m.id: m for m in _mine(spec)}


def _data(spec: ProjectSpec) -> dict[str, Any]:
    return spec.model_dump(mode="json", by_alias=True)


def _top_names(text: str) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app."):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def _imported_ids(text: str) -> set[str]:
    """Backend module ids a file imports, anywhere (TYPE_CHECKING and functions too)."""
    ids: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        modules: list[tuple[str, list[str]]] = []
        if isinstance(node, ast.Import):
            modules = [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [(node.module, [alias.name for alias in node.names])]
        for module, names in modules:
            if module in APP_MODULES:
                ids.add(APP_MODULES[module])
            elif module in APP_PACKAGES:
                ids |= {f"{APP_PACKAGES[module]}:{n}" for n in names}
            elif module.rpartition(".")[0] in APP_PACKAGES:
                package, _, name = module.rpartition(".")
                ids.add(f"{APP_PACKAGES[package]}:{name}")
            elif module == "app":
                ids |= {APP_MODULES[f"app.{n}"] for n in names if f"app.{n}" in APP_MODULES}
    return ids


@pytest.fixture(scope="module")
def todo() -> ProjectSpec:
    return load_spec(TODO)


@pytest.fixture(scope="module")
def kitchen() -> ProjectSpec:
    return load_spec(KITCHEN)


# --------------------------------------------------------------------------- compile, names


@pytest.mark.parametrize("path", [TODO, KITCHEN], ids=["todo", "kitchen_sink"])
def test_every_generated_file_compiles(path: Path) -> None:
    spec = load_spec(path)
    for module in _mine(spec):
        text = module.generate()
        if module.path.endswith(".toml"):
            tomllib.loads(text)
        elif module.path.endswith(".ini"):
            configparser.ConfigParser().read_string(text)
        else:
            compile(text, module.path, "exec")


def test_modules_export_the_contract_names(todo: ProjectSpec) -> None:
    texts = {m.id: m.generate() for m in _mine(todo)}
    assert {"Base", "get_session", "utcnow", "make_engine", "SessionLocal", "as_utc",
            "commit", "create_schema", "like_pattern"} <= _top_names(texts["app:db"])
    assert {"ApiError", "NotFoundError", "ConflictError", "ForbiddenError", "UnauthorizedError",
            "NotImplementedOperation", "install_error_handlers"} <= _top_names(texts["app:errors"])
    assert {"IPageIPagination", "IAuthorizationToken", "make_pagination"} <= _top_names(
        texts["app:dtos_common"])
    assert {"TodoItem", "TodoList", "TodoUser", "TodoLabel", "__all__"} <= _top_names(
        texts["app:models"])
    assert {"TodoItem"} <= _top_names(texts["model:todo_items"])
    assert {"ITodoItem", "ITodoItemISummary", "ITodoItemICreate", "ITodoItemIUpdate",
            "ITodoItemIRequest", "IPageITodoItemISummary"} <= _top_names(texts["dto:todo_items"])
    assert "ITodoItemIJoin" not in _top_names(texts["dto:todo_items"])
    assert {"ITodoUserIJoin", "ITodoUserILogin", "ITodoUserIRefresh",
            "ITodoUserIAuthorized"} <= _top_names(texts["dto:todo_users"])
    assert {"collect_create", "collect_update", "collect_query"} <= _top_names(
        texts["collector:todo_items"])
    assert "collect_join" not in _top_names(texts["collector:todo_items"])
    assert "collect_join" in _top_names(texts["collector:todo_users"])
    assert {"to_read", "to_summary"} <= _top_names(texts["transformer:todo_items"])
    assert "to_authorized" not in _top_names(texts["transformer:todo_items"])
    assert "to_authorized" in _top_names(texts["transformer:todo_users"])
    assert {"hash_password", "verify_password", "issue_tokens", "decode_token"} <= _top_names(
        texts["auth:security"])
    assert {"UserPrincipal", "require_user", "authenticate"} <= _top_names(texts["auth:actors"])
    assert {"create_app", "app", "ROUTERS"} <= _top_names(texts["app:main"])
    op = texts["operation:post_todo_user_lists_by_list_id_items"]
    assert {"router", "post_todo_user_lists_by_list_id_items"} <= _top_names(op)
    assert "Path(alias='listId')" in op


def test_operations_hold_no_mapping_code(todo: ProjectSpec) -> None:
    """Handlers call collectors / transformers; they never list the model's fields."""
    fields = {"title", "notes", "priority", "status", "due_at", "archived", "color"}
    for module in _mine(todo):
        if module.kind != "operation":
            continue
        text = module.generate()
        assert not any(f"body.{f}" in text or f"row.{f} =" in text for f in fields), module.id
        assert isinstance(module.slice, operation.OperationSlice)
        if module.slice.kind != "erase":
            assert "collect_" in text or "to_" in text, module.id


def test_kitchen_sink_features(kitchen: ProjectSpec) -> None:
    texts = {m.id: m.generate() for m in _mine(kitchen)}
    category = texts["model:kit_categories"]
    assert "remote_side='[KitCategory.id]'" in category
    assert ("sa.Index(\n            'gx_kit_categories_name',\n            'name',\n"
            "            postgresql_using='gin',\n"
            "            postgresql_ops={'name': 'gin_trgm_ops'},\n        )") in category
    assert "'KitCategory | None'" in category
    wishlist = texts["model:kit_wishlists"]
    assert "foreign_keys='[KitWishlist.gift_for_id]'" in wishlist
    assert "sa.Double" in texts["model:kit_products"]
    assert "pattern=" in texts["dto:kit_products"]
    assert "EmailStr" in texts["dto:kit_customers"]
    # guests join and refresh but never log in
    assert "IKitVisitorILogin" not in texts["dto:kit_visitors"]
    assert "IKitStaffMemberILogin" in texts["dto:kit_staff"]
    assert "username: str" in texts["dto:kit_staff"]
    assert "NotImplementedOperation" in texts["operation:get_kitchen_health"]
    # the literal segment is routed before the parameter
    routers = main.cut(kitchen).operations
    assert routers.index("get_kitchen_categories_featured") < routers.index(
        "get_kitchen_categories_by_category_id")
    # soft-deleted parents are not found
    products = texts["operation:post_kitchen_staff_categories_by_category_id_products"]
    assert "deleted_at is not None" in products


# --------------------------------------------------------------------------- escaping


def _tricky_spec() -> ProjectSpec:
    text = 'Ends with a quote "x"\nhas """ triple \\ and a backslash at the end \\'
    data = load_spec(TODO).model_dump(mode="json", by_alias=True)
    data["title"] = 'The "todo" app \\ """'
    data["description"] = text
    data["actors"][0]["description"] = text
    items = next(m for m in data["models"] if m["name"] == "todo_items")
    items["description"] = text
    status = next(f for f in items["plainFields"] if f["name"] == "status")
    status["enum"] = ["open", "it's \"done\"", "back\\slash\nnewline"]
    status["description"] = text
    op = next(o for o in data["operations"] if o["kind"] == "create")
    op["summary"] = 'Create "it"'
    op["description"] = text
    return parse_spec(data)


def _docstrings(text: str) -> list[str]:
    tree = ast.parse(text)
    nodes = [tree] + [n for n in ast.walk(tree)
                      if isinstance(n, ast.ClassDef | ast.FunctionDef)]
    return [" ".join(d.split()) for n in nodes if (d := ast.get_docstring(n))]


def test_free_text_is_escaped() -> None:
    spec = _tricky_spec()
    texts = {m.id: m.generate() for m in _mine(spec)}
    for module_id, text in texts.items():
        if module_id not in ("app:pyproject", "app:alembic_ini"):
            compile(text, module_id, "exec")
    flat = 'Ends with a quote "x" has """ triple \\ and a backslash at the end \\'
    for module_id in ("model:todo_items", "dto:todo_items", "auth:actors",
                      "operation:post_todo_user_lists"):
        assert any(flat in d for d in _docstrings(texts[module_id])), module_id
    enum = ("open", "it's \"done\"", "back\\slash\nnewline")
    dto_tree = ast.parse(texts["dto:todo_items"])
    literals = [n for n in ast.walk(dto_tree)
                if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
                and n.value.id == "Literal"]
    values = {tuple(ast.literal_eval(e) for e in lit.slice.elts)
              for lit in literals if isinstance(lit.slice, ast.Tuple)}
    assert enum in values
    assert "'Create \"it\"'" in texts["operation:post_todo_user_lists"]
    assert _docstrings(texts["operation:post_todo_user_lists"])[0] == (
        'POST /todo/user/lists: Create "it".')
    assert "TITLE = 'The \"todo\" app \\\\ \"\"\"'" in texts["app:main"]


# --------------------------------------------------------------------------- determinism, keys


def test_generation_is_deterministic(todo: ProjectSpec) -> None:
    first = {m.id: (m.key, m.generate()) for m in _mine(todo)}
    again = {m.id: (m.key, m.generate()) for m in _mine(load_spec(TODO))}
    assert first == again
    for module in _mine(todo):
        assert module.render(module.slice) == module.render(module.slice.model_copy())


def test_keys_are_unique(todo: ProjectSpec, kitchen: ProjectSpec) -> None:
    for spec in (todo, kitchen):
        keys = [m.key for m in _mine(spec)]
        assert len(keys) == len(set(keys))


def test_render_functions_follow_their_slice(todo: ProjectSpec) -> None:
    items = todo.model("todo_items")
    assert items is not None
    cut = dto.cut(todo, items)
    changed = cut.model_copy(update={"description": "Another text"})
    assert dto.render(cut) != dto.render(changed)
    assert "Another text" in dto.render(changed)
    m_slice, _ = model.cut(todo, items)
    assert model.render(m_slice) == model.render(model.ModelSlice(**m_slice.model_dump()))
    c_slice = collector.cut(todo, items)
    assert collector.render(c_slice.model_copy(update={"soft_delete": False})) != \
        collector.render(c_slice)
    t_slice = transformer.cut(todo, items)
    assert "as_utc" in transformer.render(t_slice)
    op = next(o for o in todo.operations if o.kind == "erase" and o.model == "todo_items")
    o_slice, _ = operation.cut(todo, op)
    assert "row.deleted_at = utcnow()" in operation.render(o_slice)
    hard = operation.render(o_slice.model_copy(update={"soft_delete": False}))
    assert "session.delete(row)" in hard


def _changed_ids(old: ProjectSpec, data: dict[str, Any]) -> set[str]:
    before = {m.id: m.key for m in _mine(old)}
    after = {m.id: m.key for m in _mine(parse_spec(data))}
    return {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}


def test_adding_a_field_touches_only_that_models_modules(todo: ProjectSpec) -> None:
    data = _data(todo)
    labels = next(m for m in data["models"] if m["name"] == "todo_labels")
    labels["plainFields"].append({"name": "icon", "type": "string", "nullable": True})
    assert _changed_ids(todo, data) == {
        "model:todo_labels", "dto:todo_labels", "collector:todo_labels",
        "transformer:todo_labels",
    }


def test_changing_an_operation_touches_its_module_and_the_router_list(
        todo: ProjectSpec) -> None:
    data = _data(todo)
    op = next(o for o in data["operations"] if o["kind"] == "at" and o["model"] == "todo_lists")
    op["summary"] = "Read a list"
    assert _changed_ids(todo, data) == {"operation:get_todo_user_lists_by_list_id"}


# --------------------------------------------------------------------------- reads, imports


def _mutations(spec: ProjectSpec) -> list[tuple[str, dict[str, Any]]]:
    """(element id, spec data with that element changed) for every element."""
    out: list[tuple[str, dict[str, Any]]] = []
    base = _data(spec)

    def variant(element: str, change: Any) -> None:
        data = _data(spec)
        change(data)
        out.append((element, data))

    variant("project", lambda d: d.update(title="Renamed", description="New"))
    for i, m in enumerate(base["models"]):
        def add_field(d: dict[str, Any], i: int = i) -> None:
            d["models"][i]["plainFields"].append(
                {"name": "zz_extra", "type": "string", "nullable": True})
            d["models"][i]["description"] += " (changed)"
        variant(f"model:{m['name']}", add_field)
    for i, a in enumerate(base["actors"]):
        def describe(d: dict[str, Any], i: int = i) -> None:
            d["actors"][i]["description"] += " (changed)"
        variant(f"actor:{a['name']}", describe)
    ids = [e for e in spec_elements(spec) if e.startswith("operation:")]
    for i, element in enumerate(ids):
        def summarize(d: dict[str, Any], i: int = i) -> None:
            d["operations"][i]["summary"] += " (changed)"
            d["operations"][i]["description"] += " (changed)"
        variant(element, summarize)
    return out


@pytest.mark.parametrize("path", [TODO, KITCHEN], ids=["todo", "kitchen_sink"])
def test_reads_are_truthful(path: Path) -> None:
    """A module whose key changes when one element changes declares it reads it."""
    spec = load_spec(path)
    elements = set(spec_elements(spec))
    modules = _by_id(spec)
    for module in modules.values():
        assert module.reads <= elements, module.id
    for element, data in _mutations(spec):
        for module_id in _changed_ids(spec, data):
            assert element in modules[module_id].reads, (element, module_id)


@pytest.mark.parametrize("path", [TODO, KITCHEN], ids=["todo", "kitchen_sink"])
def test_imports_match_the_text(path: Path) -> None:
    spec = load_spec(path)
    ids = {m.id for m in plan_modules(spec)}
    for module in _mine(spec):
        assert module.imports <= ids, module.id
        if module.path.endswith(".py"):
            assert set(module.imports) == _imported_ids(module.generate()), module.id


def test_planners_cover_every_model_and_operation(kitchen: ProjectSpec) -> None:
    ids = set(_by_id(kitchen))
    for m in kitchen.models:
        assert {f"model:{m.name}", f"dto:{m.name}", f"collector:{m.name}",
                f"transformer:{m.name}"} <= ids
    handlers = [i for i in ids if i.startswith("operation:")
                and not i.startswith("operation:interface")]
    assert len(handlers) == len(kitchen.operations)
    # every custom operation has its typed interface besides its handler
    customs = [o for o in kitchen.operations if o.kind == "custom"]
    interfaces = [i for i in ids if i.startswith("operation:interface:")]
    assert len(interfaces) == len(customs) > 0
    assert {"auth:security", "auth:actors", "app:main", "app:db", "app:errors",
            "app:models", "app:pyproject"} <= ids
    pyproject = tomllib.loads(support.render_pyproject(support.PyprojectSlice(name="kitchen")))
    assert pyproject["tool"]["mypy"]["strict"] is True
    assert "pythonpath" in pyproject["tool"]["pytest"]["ini_options"]
    actors = auth.render_actors(auth.ActorsSlice(actors=(
        auth.ActorEntry(name="staff", description='Says """hi""" \\', model="staff",
                        class_name="Staff", privileged=True),
        auth.ActorEntry(name="visitor", model="visitors", class_name="Visitor",
                        soft_delete=True),
    )))
    compile(actors, "actors.py", "exec")
    assert {"StaffPrincipal", "require_staff", "VisitorPrincipal", "require_visitor",
            "load_staff", "load_visitor", "require_privileged"} <= _top_names(actors)
    assert "row is None or row.deleted_at is not None" in actors


# --------------------------------------------------------------------------- whole backend

SMOKE = textwrap.dedent('''
    import uuid
    from fastapi.testclient import TestClient
    from sqlalchemy.orm import Session
    from app.db import create_schema, get_session, make_engine
    from app.main import create_app

    engine = make_engine("sqlite://")
    create_schema(engine)
    app = create_app()

    def session():
        with Session(engine) as s:
            yield s

    app.dependency_overrides[get_session] = session
    c = TestClient(app)
    def join(email):
        r = c.post("/auth/user/join", json={"email": email, "password": "secret123"})
        assert r.status_code == 201, r.text
        return r.json(), {"Authorization": "Bearer " + r.json()["token"]["access"]}
    account, auth = join("a@example.com")
    assert c.post("/auth/user/join", json={"email": "a@example.com",
                                           "password": "secret123"}).status_code == 409
    login = {"email": "a@example.com", "password": "wrong-one"}
    assert c.post("/auth/user/login", json=login).status_code == 401
    refresh = {"refresh_token": account["token"]["refresh"]}
    assert c.post("/auth/user/refresh", json=refresh).status_code == 200
    body = {"title": "groceries", "archived": False}
    r = c.post("/todo/user/lists", json=body)
    assert r.status_code == 401 and r.json()["code"] == "unauthorized", r.text
    r = c.post("/todo/user/lists", json=body, headers=auth)
    assert r.status_code == 201 and r.json()["todo_user_id"] == account["id"], r.text
    lid = r.json()["id"]
    item = {"title": "milk", "priority": 2, "status": "open"}
    r = c.post(f"/todo/user/lists/{lid}/items", json=item, headers=auth)
    assert r.status_code == 201, r.text
    iid = r.json()["id"]
    assert r.json()["created_at"].endswith("Z")
    r = c.post(f"/todo/user/lists/{uuid.uuid4()}/items", json=item, headers=auth)
    assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
    r = c.patch(f"/todo/user/lists/{lid}/items", json={"search": "MIL"}, headers=auth)
    assert r.json()["pagination"] == {"current": 1, "limit": 20, "records": 1, "pages": 1}
    r = c.put(f"/todo/user/items/{iid}", json={"status": "done", "title": None}, headers=auth)
    assert r.status_code == 200 and r.json()["status"] == "done", r.text
    assert r.json()["title"] == "milk"
    _, other = join("b@example.com")
    r = c.put(f"/todo/user/items/{iid}", json={"status": "open"}, headers=other)
    assert r.status_code == 403 and r.json()["code"] == "forbidden", r.text
    assert c.patch("/todo/user/lists", json={}, headers=other).json()["data"] == []
    assert c.get(f"/todo/user/items/{uuid.uuid4()}", headers=auth).status_code == 404
    assert c.delete(f"/todo/user/items/{iid}", headers=auth).status_code == 204
    assert c.get(f"/todo/user/items/{iid}", headers=auth).status_code == 404
    r = c.post("/todo/user/labels", json={"name": "red", "color": "#f00"}, headers=auth)
    assert r.status_code == 201, r.text
    r = c.post("/todo/user/labels", json={"name": "red", "color": "#f00"}, headers=auth)
    assert r.status_code == 409 and r.json()["code"] == "conflict", r.text
    # tokens: e-mails are case-insensitive; refresh rotates; logout revokes
    variant = {"email": "A@Example.COM", "password": "secret123"}
    assert c.post("/auth/user/join", json=variant).status_code == 409
    r = c.post("/auth/user/login", json=variant)
    assert r.status_code == 200 and r.json()["id"] == account["id"], r.text
    assert c.post("/auth/user/refresh", json=refresh).status_code == 401  # reused
    assert c.patch("/todo/user/lists", json={}, headers=auth).status_code == 401  # revoked
    auth = {"Authorization": "Bearer " + c.post("/auth/user/login", json=variant).json()[
        "token"]["access"]}
    assert c.patch("/todo/user/lists", json={}, headers=auth).status_code == 200
    assert c.post("/auth/user/logout", headers=auth).status_code == 204
    assert c.patch("/todo/user/lists", json={}, headers=auth).status_code == 401
    print("smoke ok")
''')


def _write(spec: ProjectSpec, root: Path) -> None:
    for module in plan_modules(spec):
        if module.kind in MINE:
            target = root / module.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(module.generate(), encoding="utf-8")


def _mypy(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPY_CACHE_DIR": str(root / ".mypy_cache")}
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "app"], cwd=root,
                          capture_output=True, text=True, env=env, timeout=300)


def test_todo_backend_type_checks_and_works(tmp_path: Path, todo: ProjectSpec) -> None:
    _write(todo, tmp_path)
    result = _mypy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    smoke = subprocess.run([sys.executable, "-c", SMOKE], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(tmp_path),
                                "AUTOBE_JWT_SECRET": "s" * 32})
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke ok" in smoke.stdout


@pytest.mark.slow
def test_kitchen_sink_backend_type_checks(tmp_path: Path, kitchen: ProjectSpec) -> None:
    _write(kitchen, tmp_path)
    result = _mypy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    imported = subprocess.run(
        [sys.executable, "-c", "import app.main; from app.db import create_schema, make_engine;"
         " create_schema(make_engine('sqlite://'))"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert imported.returncode == 0, imported.stderr
