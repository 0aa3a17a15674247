"""The import-and-tests process of a warm ladder, started before the tree exists.

A verified change spends its first seconds planning and staging on one core; the
process that will import the app and run its tests spends its first second starting
Python and importing FastAPI, SQLAlchemy, pydantic and pytest. :func:`started_ahead`
starts that process at the beginning of a unit of work, in the project's mirror, with the
environment the ladder will give it: it imports the modules the last run of the tests
imported from outside the workspace (recorded by :mod:`.together`; a short default list
the first time), then waits for one line on its standard input. The ladder
(:func:`take`) sends it the scratch paths and pytest's arguments once the mirror holds
the staged tree; a unit of work that never verifies kills it on the way out.

Nothing of the workspace is imported before that line: the modules recorded come from
outside it, and when the synced mirror would shadow one of them (a top-level module or
package of the same name) the process says so and exits, and the ladder starts a fresh
one, so the tests see what a fresh process sees (warm and cold agree).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from autobe_core.verify.rungs import Completed, Started, clean_env
from autobe_core.verify.together import SCRIPT, can_run_together, together_env
from autobe_core.verify.warm import WarmState, mode

DEFAULT_PRELOAD = ("pytest", "sqlalchemy", "sqlalchemy.orm", "pydantic", "fastapi",
                   "fastapi.testclient", "httpx")
"""What is imported ahead before any run has recorded what the tests import."""

SHADOWED = "AUTOBE-AHEAD-SHADOWED "
SHADOWED_EXIT = 97

PRELUDE = (
    "import importlib, json, os, sys\n"
    "try:\n"
    "    with open(sys.argv[1], encoding='utf-8') as _in:\n"
    "        _preload = [str(_n) for _n in json.load(_in)]\n"
    "except (OSError, ValueError, TypeError):\n"
    "    _preload = " + repr(list(DEFAULT_PRELOAD)) + "\n"
    "for _n in _preload:\n"
    "    try:\n"
    "        importlib.import_module(_n)\n"
    "    except Exception:\n"
    "        pass\n"
    "_line = sys.stdin.readline()\n"
    "if not _line.strip():\n"
    "    sys.exit(0)\n"
    "_root = os.path.realpath(os.getcwd())\n"
    "for _n in sorted({_n.partition('.')[0] for _n in _preload if _n in sys.modules}):\n"
    "    _file = getattr(sys.modules.get(_n), '__file__', None) or ''\n"
    "    if (os.path.realpath(_file).startswith(_root + os.sep)\n"
    "            or os.path.exists(os.path.join(_root, _n + '.py'))\n"
    "            or os.path.isdir(os.path.join(_root, _n))):\n"
    "        print(" + repr(SHADOWED) + " + _n, flush=True)\n"
    "        sys.exit(" + str(SHADOWED_EXIT) + ")\n"
    "sys.argv = [sys.argv[0], *json.loads(_line)]\n"
)

_waiting: dict[Path, Ahead] = {}
"""The processes started ahead in this process, by mirror."""


class Ahead:
    """One process started ahead (see the module)."""

    def __init__(self, state: WarmState, env: Mapping[str, str]) -> None:
        self.workspace = state.mirror
        self.env = dict(env)
        self.process = Started([sys.executable, "-c", PRELUDE + SCRIPT, str(state.preload)],
                               state.mirror, self.env, stdin=True)
        self.ran = False
        """Whether the rungs' results came from it."""

    def fits(self, workspace: Path, env: Mapping[str, str]) -> bool:
        """Whether it was started for ``workspace`` with ``env`` and is still waiting."""
        return (workspace == self.workspace and dict(env) == self.env
                and self.process.proc.poll() is None)

    def go(self, argv: list[str], timeout: float,
           attach: Callable[[Started], None] | None = None) -> Completed | None:
        """Run the import check and the tests with ``argv`` (the together script's
        arguments); None when it cannot (it died, or the workspace shadows a module it
        imported ahead): the caller starts a fresh process. ``attach`` is told the
        process once it runs (see :class:`.together.Abandon`)."""
        since = time.perf_counter()
        stdin = self.process.proc.stdin
        assert stdin is not None
        try:
            stdin.write((json.dumps(argv) + "\n").encode("utf-8"))
            stdin.close()
        except OSError:
            self.process.discard()
            return None
        if attach is not None:
            attach(self.process)
        completed = self.process.finish(timeout, since=since)
        if completed.returncode == SHADOWED_EXIT and SHADOWED in completed.output:
            return None
        self.ran = True
        return completed

    def discard(self) -> None:
        self.process.discard()


def take(workspace: Path) -> Ahead | None:
    """The process started ahead for the mirror ``workspace``, if any (it is the
    caller's from now on)."""
    return _waiting.pop(workspace, None)


@contextlib.contextmanager
def started_ahead(warm: Path, env: Mapping[str, str] | None = None) -> Iterator[Ahead | None]:
    """Start the import-and-tests process of the warm ladder that may run in the block
    (for the project whose warm directory is ``warm``; ``env`` as the ladder's); kill it
    at the end if no ladder took it. Nothing is started when the verifier runs cold,
    before the first warm run made the mirror, or when the rungs cannot share a
    process. Yields the process (None when none was started)."""
    state = WarmState(Path(warm).resolve())
    base = clean_env(state.mirror, env)
    if mode() == "cold" or not state.mirror.is_dir() or not can_run_together(base) \
            or state.mirror in _waiting:
        yield None
        return
    try:
        ahead = Ahead(state, together_env(base, state.preload))
    except OSError:
        yield None
        return
    _waiting[state.mirror] = ahead
    try:
        yield ahead
    finally:
        if _waiting.get(state.mirror) is ahead:
            del _waiting[state.mirror]
            ahead.discard()
