"""Rules on component schemas (kept from AutoBe documents): references and enums."""

from __future__ import annotations

from autobe_core.spec.model import ProjectSpec
from autobe_core.spec.naming import known_type_names, printable_problem
from autobe_core.spec.validation.common import ALLOWED_TEXT, Path, Report
from autobe_core.spec.validation.models import check_enum

REF_PREFIX = "#/components/schemas/"


def check_schemas(spec: ProjectSpec, report: Report) -> None:
    known = sorted(known_type_names(spec))
    models = [m.name for m in spec.models]
    for name, schema in spec.schemas.items():
        base: Path = ["schemas", name]
        props = list(schema.properties)
        for k, required in enumerate(schema.required):
            if required not in schema.properties:
                report.error(
                    [*base, "required", k],
                    "ref.unknown-field",
                    f"schema {name!r} requires unknown property {required!r}",
                    props,
                )
        for prop_name, prop in schema.properties.items():
            path: Path = [*base, "properties", prop_name]
            owner = f"property {name}.{prop_name}"
            if prop.ref is not None and prop.ref.removeprefix(REF_PREFIX) not in known:
                report.error(
                    [*path, "ref"],
                    "ref.unknown-type",
                    f"{owner} refers to unknown type {prop.ref!r}",
                    known,
                )
            if prop.enum is not None and prop.type != "string":
                report.error(
                    [*path, "enum"],
                    "field.enum-type",
                    f"{owner} has an enum but type {prop.type!r}",
                    ("string",),
                )
            check_enum(prop.enum, path, owner, report)
            if prop.format is not None:
                problem = printable_problem(prop.format)
                if problem:
                    report.error(
                        [*path, "format"],
                        "schema.format",
                        f"invalid format of {owner}: {problem}",
                        ALLOWED_TEXT,
                    )
        prisma = schema.x_autobe_prisma_schema
        if prisma is not None and spec.model(prisma) is None:
            report.warning(
                [*base, "xAutobePrismaSchema"],
                "schema.unknown-prisma-model",
                f"schema {name!r} names unknown model {prisma!r}",
                models,
            )
