"""An imported AutoBe project's account lifecycle, run for real.

AutoBe's claude-sonnet-4.5 todo example has every kind but the verification request:
two change-password operations, a password reset request and confirm, an e-mail
verification and a logout. Imported, they are realized (no 501); the generated backend's
own tests of those operations (generate/kinds/test/lifecycle.py: wrong and right current
password, sessions refused after a change or a reset, the same answer for an unknown
e-mail, tokens stored hashed, single-use and expiring, verification) run in the
workspace and pass. The e-mail verification request is covered by the shopping example in
the slow example suite (tests/e2e/test_import_examples.py runs every generated test).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from autobe_core.service import ProjectService
from autobe_core.spec.lifecycle import LIFECYCLE_KINDS
from autobe_core.spec.naming import operation_id
from tests.e2e.backends import EXAMPLES, backend_env

EXAMPLE = "anthropic__claude-sonnet-4.5/todo"

pytestmark = [
    pytest.mark.skipif(not EXAMPLES.is_dir(),
                       reason=f"the AutoBe examples are not at {EXAMPLES}"),
    pytest.mark.xdist_group("account_lifecycle"),
]


def test_the_imported_lifecycle_operations_pass_their_generated_tests(tmp_path: Path) -> None:
    target = tmp_path / "todo"
    outcome = ProjectService.import_project([EXAMPLES / EXAMPLE], target, author="test")
    spec = ProjectService.open(target).spec()
    lifecycle = [op for op in spec.operations if op.kind in LIFECYCLE_KINDS]
    assert sorted(op.kind for op in lifecycle) == [
        "change_password", "change_password", "logout", "reset_confirm", "reset_request",
        "verify_confirm"]
    assert not {op.endpoint for op in lifecycle} & {u.endpoint
                                                    for u in outcome.report.unrealized}
    files = [f"tests/test_{operation_id(op)}.py" for op in lifecycle]
    backend = target / "backend"
    for name in files:
        assert (backend / name).is_file(), name
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *files], cwd=backend, env=backend_env(), capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed is not None and int(passed.group(1)) >= 5 * len(lifecycle) - 4, done.stdout
    assert "failed" not in done.stdout and "error" not in done.stdout.lower()
