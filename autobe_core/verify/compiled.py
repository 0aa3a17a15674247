"""The compile rung of the warm verifier: only contents that never compiled before are
compiled (the sha256 of every file that compiled is kept per Python version in the
project's warm state); a file that does not compile is compiled every time, so its
diagnostics are the cold rung's. What compiles is written to the mirror's
``__pycache__`` as hash-checked bytecode, which the import rung then loads."""

from __future__ import annotations

import contextlib
import json
import sys

from autobe_core.files import write_whole
from autobe_core.verify.result import RungResult
from autobe_core.verify.rungs import RungContext, compile_rung
from autobe_core.verify.warm import WarmState

LIMIT = 200_000
"""Digests kept at most (beyond, the set starts again)."""


def warm_compile_rung(ctx: RungContext, state: WarmState) -> RungResult:
    path = state.root / "compiled.json"
    version = ".".join(map(str, sys.version_info[:3])) + sys.implementation.cache_tag
    known: set[str] = set()
    with contextlib.suppress(OSError, ValueError, TypeError):
        data = json.loads(path.read_text("utf-8"))
        if data.get("python") == version:
            known = {str(d) for d in data["digests"]}
    before = len(known)
    result = compile_rung(ctx, known, bytecode=True)
    if len(known) != before:
        digests = sorted(known) if len(known) <= LIMIT else []
        write_whole(path, json.dumps({"python": version, "digests": digests}).encode("utf-8"))
    return result
