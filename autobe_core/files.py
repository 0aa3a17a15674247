"""Writing autobe's own small files (caches, records of the last check): whole or not at
all."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_whole(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file beside it, renamed over it: a
    reader (or a process killed meanwhile) never sees half a file. Best effort, for files
    autobe can do without: False when it could not be written (nothing is left behind)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True
