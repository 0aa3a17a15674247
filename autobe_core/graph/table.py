"""What :func:`~autobe_core.graph.affected.affected` needs of one revision's modules,
kept between commands.

A change compares its base revision's modules with its new spec's. Planning the base
again (every module's slice and key) and building its graph costs a change about as much
as planning the new spec; a :class:`ModuleTable` holds what the comparison reads of it:
per module its kind, path, key, generator version and the spec elements it reads, and
the base's element hashes. It is written as JSON when a revision is recorded and read
back by the next change, named by the revision's plan key (its spec's and its chain's
content, :func:`autobe_core.generate.plan.plan_key`), so a table is only ever used for
the content it was made from; one whose generator versions differ from today's
generators is not used (the base is planned again).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from autobe_core.graph.module_graph import ModuleGraph

FORMAT = 1


@dataclass(frozen=True)
class ModuleRecord:
    """One planned module, as a comparison reads it."""

    id: str
    kind: str
    path: str
    key: str
    generator_version: str
    reads: frozenset[str]


@dataclass(frozen=True)
class ModuleTable:
    """A revision's modules and element hashes (see the module)."""

    modules: dict[str, ModuleRecord]
    element_hashes: dict[str, str]

    @classmethod
    def of(cls, graph: ModuleGraph) -> ModuleTable:
        return cls(
            {m.id: ModuleRecord(m.id, m.kind, m.path, m.key, m.generator_version, m.reads)
             for m in graph.modules.values()},
            dict(graph.element_hashes),
        )

    def agrees_with(self, graph: ModuleGraph) -> bool:
        """Whether every module the table shares with ``graph`` was planned by the
        generator version that plans it today."""
        return all(record.generator_version == graph.modules[mid].generator_version
                   for mid, record in self.modules.items() if mid in graph.modules)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "modules": [[m.id, m.kind, m.path, m.key, m.generator_version, sorted(m.reads)]
                        for m in self.modules.values()],
            "elements": self.element_hashes,
        }, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> ModuleTable:
        """The table ``text`` holds; ValueError when it is not one."""
        try:
            data: Any = json.loads(text)
            if data["format"] != FORMAT:
                raise ValueError(f"table format {data['format']!r}")
            modules = {}
            for mid, kind, path, key, version, reads in data["modules"]:
                if not all(isinstance(v, str) for v in (mid, kind, path, key, version)) \
                        or not all(isinstance(r, str) for r in reads):
                    raise ValueError(f"module {mid!r}")
                modules[mid] = ModuleRecord(mid, kind, path, key, version, frozenset(reads))
            elements = {str(k): str(v) for k, v in dict(data["elements"]).items()}
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a module table: {exc}") from None
        return cls(modules, elements)
