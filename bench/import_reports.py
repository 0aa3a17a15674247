"""Regenerate docs/import-reports/: the import report of each of the six AutoBe examples.

Each example of ``../shared/autobe-examples/<vendor>/<project>`` is imported (the pure
importer, nothing built: the same report ``autobe import`` saves under ``.autobe/``) and its
report written as ``docs/import-reports/<vendor>__<project>.txt`` and ``.json``; the
figures (operations realized / unrealized per project, and the total) are printed. Run it
from the repository root, so the reports name their sources ``../shared/...``:

    .venv/bin/python bench/import_reports.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autobe_core.importer import import_autobe  # noqa: E402

EXAMPLES = Path("..") / "shared" / "autobe-examples"
REPORTS = ROOT / "docs" / "import-reports"


def main() -> int:
    os.chdir(ROOT)
    if not EXAMPLES.is_dir():
        print(f"the AutoBe examples are not at {EXAMPLES.resolve()}", file=sys.stderr)
        return 1
    total = realized = 0
    for folder in sorted(p for p in EXAMPLES.glob("*/*") if (p / "autobe").is_dir()):
        report = import_autobe([folder]).report
        stem = f"{folder.parent.name}__{folder.name}"
        (REPORTS / f"{stem}.txt").write_text(report.to_text(), encoding="utf-8")
        (REPORTS / f"{stem}.json").write_text(report.to_json(), encoding="utf-8")
        total += report.operations
        realized += report.realized
        print(f"{stem}: {report.realized} of {report.operations} operations realized, "
              f"{len(report.unrealized)} unrealized")
    share = realized / total if total else 0.0
    print(f"total: {realized} of {total} realized ({share:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
