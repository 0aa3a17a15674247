"""Rules on field roles and URL schemes (``role.*``, ``field.schemes``).

- ``role.unsourced`` (warning): a field derived server-set (a status, a counter, a key to
  an actor's model ...) that a create cannot fill (required, no default, no token, no
  path): it stays a client field so the create still works; give it a default or set
  its ``role``;
- ``role.server-without-source`` (error): the spec says ``role: server`` but a create of
  the model could not fill it;
- ``role.system``: ``system`` is for fields the generated code maintains only;
- ``field.schemes``: ``schemes`` on a field that is not a ``uri``, or not a scheme name.
"""

from __future__ import annotations

import re

from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.roles import field_roles
from autobe_core.spec.semantics import is_auto, password_field
from autobe_core.spec.validation.common import Report, field_path, model_path

SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*$")


def check_roles(spec: ProjectSpec, report: Report) -> None:
    created = {op.model for op in spec.operations if op.kind in ("create", "join")}
    for i, model in enumerate(spec.models):
        for k, plain in enumerate(model.plain_fields):
            if plain.schemes is None:
                continue
            base = [*model_path(i), "plainFields", k, "schemes"]
            if plain.type != "uri":
                report.error(base, "field.schemes",
                             f"field {model.name}.{plain.name} is a {plain.type}: only uri "
                             "fields take schemes", ["remove schemes", "type: uri"])
            for j, scheme in enumerate(plain.schemes):
                if not SCHEME.match(scheme):
                    report.error([*base, j], "field.schemes",
                                 f"{scheme!r} is not a URL scheme name",
                                 ["lowercase letters, digits, '+', '.', '-' (http, https, "
                                  "mailto)"])
        if any(model.foreign(f) is None and model.plain(f) is None
               for f in model.field_names()[1:]):
            continue  # references are reported elsewhere
        for decision in field_roles(spec, model).values():
            path = field_path(model, i, decision.field)
            field = model.plain(decision.field) or model.foreign(decision.field)
            said = field.role if field is not None else None
            if said == "system" and not (
                is_auto(model, decision.field)
                or decision.field == password_field(spec, model)
            ):
                report.error(path, "role.system",
                             f"{model.name}.{decision.field} is not maintained by the "
                             "generated code: its role is client or server",
                             ["client", "server"])
            if model.name not in created or not decision.unsourced:
                continue
            if decision.derived:
                report.warning(
                    path, "role.unsourced",
                    f"{model.name}.{decision.field} looks server-set ({decision.reason}) "
                    "but a create cannot fill it: it stays a client field",
                    [f"give {decision.field} a default", "role: client", "make it nullable"])
            else:
                report.error(
                    path, "role.server-without-source",
                    f"{model.name}.{decision.field} is server-set but a create cannot fill "
                    "it (required, no default)",
                    [f"give {decision.field} a default", "role: client", "make it nullable"])

