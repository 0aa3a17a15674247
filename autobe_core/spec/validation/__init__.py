"""Semantic validation of a spec: every problem as a diagnostic, never an exception.

:func:`validate` runs the rules (one module per area: names, models, actors, paths,
operations, schemas, text; shared pieces in ``common``) and returns every problem, sorted by
where it is in the file; :func:`ensure_valid` raises DiagnosticError on errors.
"""

from autobe_core.spec.validation.engine import RULES, ensure_valid, validate

__all__ = ["RULES", "ensure_valid", "validate"]
