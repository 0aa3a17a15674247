"""Hypothesis strategies for small random *valid* project specs.

The specs are built to be valid by construction (names from a safe pool, foreign keys
only to earlier models so required relations never cycle, owner keys only where the
creating actor can fill them); tests still run the validator on each one, so a spec
the strategy thinks valid but the validator rejects fails loudly instead of silently
shrinking the search space.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from autobe_core.spec.io import parse_spec
from autobe_core.spec.model import ProjectSpec

FIELD_WORDS = (
    "title",
    "summary",
    "score",
    "rating",
    "price",
    "active",
    "visible",
    "published_at",
    "website",
    "code",
    "quantity",
    "weight",
    "label",
    "note",
    "headline",
    "started_at",
)
MODEL_WORDS = ("notes", "projects", "events", "photos", "tasks", "venues", "badges")
TYPES = ("string", "int", "double", "boolean", "datetime", "uri", "uuid")


@st.composite
def plain_fields(draw: st.DrawFn) -> list[dict[str, Any]]:
    names = draw(st.lists(st.sampled_from(FIELD_WORDS), min_size=1, max_size=4, unique=True))
    fields: list[dict[str, Any]] = []
    for name in names:
        ftype = draw(st.sampled_from(TYPES))
        field: dict[str, Any] = {"name": name, "type": ftype, "nullable": draw(st.booleans())}
        if ftype == "string":
            choice = draw(st.sampled_from(("plain", "enum", "bounded")))
            if choice == "enum":
                field["enum"] = draw(
                    st.lists(
                        st.sampled_from(("red", "green", "blue", "it's")),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                )
            elif choice == "bounded":
                field["minLength"] = 1
                field["maxLength"] = draw(st.integers(min_value=8, max_value=64))
        if ftype == "int" and draw(st.booleans()):
            field["minimum"] = 0
            field["maximum"] = 100
        fields.append(field)
    return fields


@st.composite
def specs(draw: st.DrawFn) -> ProjectSpec:
    """A spec with one member actor and one to three content models."""
    model_names = draw(st.lists(st.sampled_from(MODEL_WORDS), min_size=1, max_size=3, unique=True))
    soft = draw(st.booleans())
    models: list[dict[str, Any]] = [
        {
            "name": "rnd_members",
            "namespace": "Actors",
            "stance": "actor",
            "plainFields": [
                {"name": "email", "type": "string", "format": "email"},
                {"name": "password_hash", "type": "string", "format": "password"},
                {"name": "created_at", "type": "datetime"},
            ],
            "uniqueIndexes": [{"fieldNames": ["email"]}],
        }
    ]
    operations: list[dict[str, Any]] = [
        {
            "name": "join",
            "kind": "join",
            "model": "rnd_members",
            "method": "post",
            "path": "/auth/member/join",
            "authorizationType": "join",
        },
        {
            "name": "login",
            "kind": "login",
            "model": "rnd_members",
            "method": "post",
            "path": "/auth/member/login",
            "authorizationType": "login",
        },
    ]
    created: list[str] = []
    for name in model_names:
        table = f"rnd_{name}"
        owned = draw(st.booleans())
        foreign: list[dict[str, Any]] = []
        if owned:
            foreign.append(
                {
                    "name": "rnd_member_id",
                    "relation": {"name": "member", "targetModel": "rnd_members"},
                }
            )
        if created and draw(st.booleans()):
            parent = draw(st.sampled_from(created))
            foreign.append(
                {
                    "name": f"{parent}_ref_id",
                    "nullable": draw(st.booleans()),
                    "relation": {
                        "name": f"{parent.removeprefix('rnd_')}Ref",
                        "targetModel": parent,
                    },
                }
            )
        fields = draw(plain_fields())
        fields.append({"name": "created_at", "type": "datetime"})
        if soft:
            fields.append({"name": "deleted_at", "type": "datetime", "nullable": True})
        models.append(
            {"name": table, "namespace": "Content", "foreignFields": foreign, "plainFields": fields}
        )
        kinds = draw(
            st.lists(
                st.sampled_from(("create", "at", "index", "update", "erase")),
                min_size=1,
                max_size=5,
                unique=True,
            )
        )
        for kind in sorted(kinds):
            public_read = kind in ("at", "index") and draw(st.booleans())
            op: dict[str, Any] = {
                "name": kind,
                "kind": kind,
                "model": table,
                "method": {
                    "create": "post",
                    "at": "get",
                    "index": "patch",
                    "update": "put",
                    "erase": "delete",
                }[kind],
                "path": f"/rnd/{name}" if kind in ("create", "index") else f"/rnd/{name}/{{id}}",
            }
            if not public_read:
                op["actor"] = "member"
            if kind in ("at", "update", "erase"):
                op["parameters"] = [{"name": "id"}]
            if kind == "create" and owned is False and public_read:
                op["actor"] = "member"
            operations.append(op)
        created.append(table)
    data = {
        "name": "rnd",
        "actors": [{"name": "member", "kind": "member", "model": "rnd_members"}],
        "models": models,
        "operations": operations,
    }
    return parse_spec(data)
