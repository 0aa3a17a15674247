"""Importing AutoBe projects: ``autobe/prisma.json`` (+ ``autobe/document.json``) -> a spec.

- :mod:`.ast`, :mod:`.source`: the two ASTs, read and shape-checked with diagnostics;
- :mod:`.models`, :mod:`.names`, :mod:`.money`: tables, fields, relations, indexes; valid
  names; doubles that hold money become decimals;
- :mod:`.schemas`, :mod:`.links`, :mod:`.dtos`: DTO schemas -> models, constraints, overrides;
- :mod:`.actors`, :mod:`.operations`, :mod:`.crud`: actors and operations (kinds, bindings);
- :mod:`.settle`: approximations until the validator accepts the spec;
- :mod:`.report`: the import report; :mod:`.pipeline`: all of it, in order.
"""

from autobe_core.importer.money import MoneyVerdict, is_money, money_verdict
from autobe_core.importer.pipeline import Imported, import_autobe, map_source
from autobe_core.importer.report import ImportReport, MoneyField

__all__ = [
    "ImportReport",
    "Imported",
    "MoneyField",
    "MoneyVerdict",
    "import_autobe",
    "is_money",
    "map_source",
    "money_verdict",
]
