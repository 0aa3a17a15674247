"""The users' implementations of custom operations in the write path and in ``status``.

A change whose tree fails verification only because a user's file no longer type-checks
(the ladder stopped at mypy, every diagnostic in ``app/custom/`` or ``tests/custom/``) is
refused with those diagnostics, file:line inside the user's file, like any verification
failure. With ``--keep-mine`` it is applied anyway: the tree is verified again with those
files left out of mypy (everything autobe generates is still checked, migrated, imported
and tested), and the diagnostics are reported with the new revision.
"""

from __future__ import annotations

from autobe_core.verify import LadderResult, RungDiagnostic

USER_DIRS = ("app/custom/", "tests/custom/")
"""Where the users' own files live (never generated, never overwritten)."""


def users_files_failing(result: LadderResult) -> list[RungDiagnostic]:
    """The diagnostics of ``result`` when it failed at mypy and only in the users' files
    (:data:`USER_DIRS`); [] otherwise (also when it passed)."""
    failed = [r for r in result.rungs if r.status == "failed"]
    if len(failed) != 1 or failed[0].name != "mypy" or not failed[0].diagnostics:
        return []
    diagnostics = list(failed[0].diagnostics)
    if all(d.file is not None and d.file.startswith(USER_DIRS) for d in diagnostics):
        return diagnostics
    return []


def kept_note(diagnostics: list[RungDiagnostic]) -> str:
    """The outcome's note for files kept although they no longer type-check."""
    files = sorted({d.file for d in diagnostics if d.file})
    lines = "\n".join(f"    {d.location()}: {d.message}" for d in diagnostics)
    return (f"applied with --keep-mine: {', '.join(files)} no longer type-check "
            f"(fix them for `autobe check` to pass):\n{lines}")


def refused_notes(result: LadderResult) -> list[str]:
    """A refused change's note when only the user's files stopped it: how to apply it."""
    diagnostics = users_files_failing(result)
    if not diagnostics:
        return []
    files = sorted({d.file for d in diagnostics if d.file})
    return [f"the change alters what {', '.join(files)} implement(s), which no longer "
            "type-check (above); fix them after the change, or run it again with "
            "--keep-mine to apply it anyway"]
