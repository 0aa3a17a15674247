"""The generated backends of todo, bbs and the six shared AutoBe examples, pinned by hash.

``tests/data/generated_tree_hashes.json`` records, per input, the number of generated
files, the sha256 of the whole tree (every path and text, sorted by path) and the sha256
of every module's id and key. A refactoring of autobe's own code must not change them: a
difference means generated code or module keys moved, and every existing project would
regenerate. A change that *means* to alter the output updates the file with
``AUTOBE_UPDATE_TREE_HASHES=1 python -m pytest tests/unit/test_generated_trees.py`` and says so
in its commit.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path

import pytest

from autobe_core.generate.plan import plan_modules
from autobe_core.importer import import_autobe
from autobe_core.spec.io import load_spec
from autobe_core.spec.model import ProjectSpec

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT.parent / "shared" / "autobe-examples"
HASHES = ROOT / "tests" / "data" / "generated_tree_hashes.json"
UPDATE = os.environ.get("AUTOBE_UPDATE_TREE_HASHES") == "1"

FIXTURES = ["fixtures/todo.yaml", "fixtures/bbs.yaml"]
IMPORTED = [
    "anthropic__claude-sonnet-4.5/bbs",
    "anthropic__claude-sonnet-4.5/todo",
    "openai__gpt-4.1/bbs",
    "openai__gpt-4.1/reddit",
    "openai__gpt-4.1/shopping",
    "openai__gpt-4.1/todo",
]


def tree_digest(spec: ProjectSpec) -> dict[str, object]:
    modules = sorted(plan_modules(spec), key=lambda m: m.path)
    tree = hashlib.sha256()
    for module in modules:
        tree.update(module.path.encode() + b"\0" + module.generate().encode() + b"\0")
    keys = "\n".join(f"{m.id} {m.key}" for m in modules)
    return {
        "files": len(modules),
        "sha256": tree.hexdigest(),
        "keys": hashlib.sha256(keys.encode()).hexdigest(),
    }


def spec_of(name: str) -> ProjectSpec:
    if name.startswith("fixtures/"):
        return load_spec(ROOT / name)
    if not EXAMPLES.is_dir():
        pytest.skip(f"the AutoBe examples are not at {EXAMPLES}")
    spec = import_autobe([EXAMPLES / name]).spec
    # the description names the folder imported from: make it independent of the checkout
    return spec.model_copy(update={"description": f"Imported from the AutoBe project {name}."})


@pytest.mark.parametrize("name", FIXTURES + IMPORTED)
def test_generated_tree_is_unchanged(name: str) -> None:
    actual = tree_digest(spec_of(name))
    if UPDATE:
        # xdist workers record at once: read, update and write under an exclusive lock
        # (without it two workers rewriting the file lose each other's entries)
        lock_path = Path(tempfile.gettempdir()) / "autobe-tree-hashes.lock"
        with open(lock_path, "w", encoding="utf-8") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            recorded = json.loads(HASHES.read_text("utf-8"))
            recorded[name] = actual
            HASHES.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", "utf-8")
        return
    recorded = json.loads(HASHES.read_text("utf-8"))
    assert actual == recorded[name], (
        f"the generated tree of {name} changed; if that is meant, re-record with "
        "AUTOBE_UPDATE_TREE_HASHES=1 and say so in the commit"
    )
