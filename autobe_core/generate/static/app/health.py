"""``GET /health``: whether the backend can serve, checked against its database.

200 when the database answers (``SELECT 1``) and is at this backend's head migration;
503 when it cannot be reached or its revision is not the head, with what to do. An
in-memory SQLite database (tests, demos) has its tables from the models and no revision.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import database_revision, get_session, head_revision, is_memory_url, revision_problem

router = APIRouter()


class IHealth(BaseModel):
    """The backend's state: ``ok``, or ``unavailable`` with the reason in ``message``."""

    status: Literal["ok", "unavailable"]
    database: Literal["ok", "unreachable", "not-migrated"]
    revision: str | None = None
    """The database's migration (None: none recorded, e.g. an in-memory database)."""
    head: str | None = None
    """The migration this backend needs."""
    message: str | None = None


@router.get(
    "/health", response_model=IHealth, operation_id="get_health",
    responses={503: {"model": IHealth, "description": "The database is unreachable or behind"}},
)
def get_health(response: Response, session: Annotated[Session, Depends(get_session)]) -> IHealth:
    """Check the database: reachable, and at this backend's head migration."""
    head = head_revision()
    try:
        session.execute(text("SELECT 1"))
        connection = session.connection()
        memory = is_memory_url(connection.engine.url.render_as_string(hide_password=True))
        revision = database_revision(connection)
    except SQLAlchemyError as exc:
        response.status_code = 503
        # the driver's own message may name hosts and users: only its kind is shown
        kind = type(getattr(exc, "orig", None) or exc).__name__
        return IHealth(status="unavailable", database="unreachable", head=head,
                       message=f"the database cannot be reached ({kind})")
    problem = None if memory else revision_problem(revision, head)
    if problem is not None:
        response.status_code = 503
        return IHealth(status="unavailable", database="not-migrated", revision=revision,
                       head=head, message=problem)
    return IHealth(status="ok", database="ok", revision=revision, head=head)
