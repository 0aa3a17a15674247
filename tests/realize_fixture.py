"""A todo project with custom operations, and module texts a model could answer with,
for the LLM realize tests and bench/realize.py.

``custom_todo()`` is fixtures/todo.yaml plus custom operations: archive a list (its
response is the list's read DTO; the path's list must exist: 404), complete every open
item of a list, recolour a label and clear a list's done items. The ``*_OK`` texts
implement them (mypy --strict clean, their generated tests pass); ``ARCHIVE_TYPE_ERROR``
returns the ORM row instead of the DTO (a mypy error); ``ARCHIVE_WRONG`` type-checks but
answers 403 for a list that does not exist (the generated 404 test fails).
"""

from __future__ import annotations

from pathlib import Path

from autobe_core.spec.io import load_spec
from autobe_core.spec.model import Body, Operation, Parameter, ProjectSpec
from autobe_core.spec.naming import operation_id

ROOT = Path(__file__).resolve().parents[1]
TODO_PATH = ROOT / "fixtures" / "todo.yaml"

ARCHIVE = Operation(
    name="archive", kind="custom", model="todo_lists", method="post",
    path="/todo/user/lists/{listId}/archive", actor="user",
    parameters=[Parameter(name="listId", binds="id")], response_body=Body(type_name="ITodoList"),
    summary="Archive a list",
    description="Archive the caller's list: archived becomes true; answers the list.")
COMPLETE_ALL = Operation(
    name="completeAll", kind="custom", model="todo_items", method="post",
    path="/todo/user/lists/{listId}/complete-all", actor="user",
    parameters=[Parameter(name="listId", binds="todo_list_id")],
    summary="Complete a list", description="Mark every open item of the caller's list done.")
RECOLOR = Operation(
    name="recolor", kind="custom", model="todo_labels", method="post",
    path="/todo/user/labels/{labelId}/recolor", actor="user",
    parameters=[Parameter(name="labelId", binds="id")], summary="Reset a label's colour",
    description="Set the caller's label's color to #000000.")
CLEAR_DONE = Operation(
    name="clearDone", kind="custom", model="todo_items", method="post",
    path="/todo/user/lists/{listId}/clear-done", actor="user",
    parameters=[Parameter(name="listId", binds="todo_list_id")],
    summary="Clear done items", description="Soft-delete the done items of the caller's list.")
CUSTOM = (ARCHIVE, COMPLETE_ALL, RECOLOR, CLEAR_DONE)


def custom_todo(*ops: Operation) -> ProjectSpec:
    """The todo spec with ``ops`` (default: all of :data:`CUSTOM`) appended."""
    spec = load_spec(TODO_PATH)
    return spec.model_copy(update={"operations": [*spec.operations, *(ops or CUSTOM)]})


def _head(op: Operation, imports: str) -> str:
    return (f'"""{op.endpoint}, realized."""\n\nfrom __future__ import annotations\n\n'
            f"import uuid\n\n{imports}\nfrom app.interfaces.{operation_id(op)} import Interface\n")


ARCHIVE_OK = _head(ARCHIVE, """from sqlalchemy.orm import Session

from app.auth.actors import UserPrincipal
from app.db import commit
from app.dtos.todo_lists import ITodoList
from app.errors import NotFoundError
from app.models.todo_lists import TodoList
from app.transformers.todo_lists import to_read""") + '''

class Implementation(Interface):
    def handle(
        self, session: Session, principal: UserPrincipal, path_list_id: uuid.UUID
    ) -> ITodoList:
        row = session.get(TodoList, path_list_id)
        if row is None or row.todo_user_id != principal.id:
            raise NotFoundError("todo_lists not found")
        row.archived = True
        commit(session)
        session.refresh(row)
        return to_read(row)
'''

ARCHIVE_TYPE_ERROR = ARCHIVE_OK.replace("        return to_read(row)\n", "        return row\n")
ARCHIVE_WRONG = ARCHIVE_OK.replace("NotFoundError", "ForbiddenError")

COMPLETE_ALL_OK = _head(COMPLETE_ALL, """from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.actors import UserPrincipal
from app.db import commit
from app.errors import NotFoundError
from app.models.todo_items import TodoItem
from app.models.todo_lists import TodoList""") + '''

class Implementation(Interface):
    def handle(
        self, session: Session, principal: UserPrincipal, path_list_id: uuid.UUID
    ) -> None:
        parent = session.get(TodoList, path_list_id)
        if parent is None or parent.todo_user_id != principal.id:
            raise NotFoundError("todo_lists not found")
        items = session.scalars(select(TodoItem).where(
            TodoItem.todo_list_id == parent.id, TodoItem.status == "open"))
        for item in items:
            item.status = "done"
        commit(session)
'''

RECOLOR_OK = _head(RECOLOR, """from sqlalchemy.orm import Session

from app.auth.actors import UserPrincipal
from app.db import commit
from app.errors import NotFoundError
from app.models.todo_labels import TodoLabel""") + '''

class Implementation(Interface):
    def handle(
        self, session: Session, principal: UserPrincipal, path_label_id: uuid.UUID
    ) -> None:
        row = session.get(TodoLabel, path_label_id)
        if row is None or row.todo_user_id != principal.id:
            raise NotFoundError("todo_labels not found")
        row.color = "#000000"
        commit(session)
'''

CLEAR_DONE_OK = _head(CLEAR_DONE, """from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.actors import UserPrincipal
from app.db import commit, utcnow
from app.errors import NotFoundError
from app.models.todo_items import TodoItem
from app.models.todo_lists import TodoList""") + '''

class Implementation(Interface):
    def handle(
        self, session: Session, principal: UserPrincipal, path_list_id: uuid.UUID
    ) -> None:
        parent = session.get(TodoList, path_list_id)
        if parent is None or parent.todo_user_id != principal.id:
            raise NotFoundError("todo_lists not found")
        items = session.scalars(select(TodoItem).where(
            TodoItem.todo_list_id == parent.id, TodoItem.status == "done",
            TodoItem.deleted_at.is_(None)))
        for item in items:
            item.deleted_at = utcnow()
        commit(session)
'''

ANSWERS = {operation_id(ARCHIVE): ARCHIVE_OK, operation_id(COMPLETE_ALL): COMPLETE_ALL_OK,
           operation_id(RECOLOR): RECOLOR_OK, operation_id(CLEAR_DONE): CLEAR_DONE_OK}
"""operation id -> a right answer."""
