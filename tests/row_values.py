"""Row values between JSON and the database, for the driver scripts that tests run inside
a generated backend (tests/generated_api.py, tests/unit/test_migration_scripts.py).

The drivers run as ``python -c`` in the backend's directory, where ``tests`` is the
backend's own package, so they cannot import this module: its text
(``inspect.getsource(row_values)``) is put in front of each driver instead. It is a real
file so ruff reads it.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import sqlalchemy as sa


def convert(column: Any, value: Any) -> Any:
    """A JSON value as the column's Python type (ISO datetimes without a zone are UTC)."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Uuid):
        return uuid.UUID(value)
    if isinstance(kind, sa.DateTime):
        parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.UTC)
    if isinstance(kind, sa.Float):
        return float(value)
    if isinstance(kind, sa.Numeric):
        return decimal.Decimal(str(value))
    return value


def normal(value: Any) -> Any:
    """A database value as comparable JSON (datetimes naive UTC, decimals as floats)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value
