"""The ChangeSet JSON schema and the changes-file loader (YAML and JSON; shape and file
errors with paths)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from autobe_core.spec.changeset import (
    EDIT_TYPES,
    AddField,
    AddTimestamps,
    changeset_json_schema,
    dump_changeset,
    load_changeset,
)
from autobe_core.spec.diagnostics import Diagnostic, DiagnosticError
from autobe_core.spec.model import (
    PlainField,
)
from tests.unit.changeset.support import (
    TODO,
    roundtrip,
)

# --------------------------------------------------------------------------- schema and files


def test_json_schema_has_the_discriminator() -> None:
    schema = changeset_json_schema()
    json.dumps(schema)
    items = schema["properties"]["edits"]["items"]
    assert items["discriminator"]["propertyName"] == "op"
    assert set(items["discriminator"]["mapping"]) == set(EDIT_TYPES)
    assert len(items["oneOf"]) == len(EDIT_TYPES)
    for cls in EDIT_TYPES.values():
        definition = schema["$defs"][cls.__name__]
        assert definition["required"][0] == "op"
        assert definition["additionalProperties"] is False
        assert definition.get("description")
    assert schema["required"] == ["edits"]
    assert "newName" in schema["$defs"]["RenameModel"]["properties"]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_changeset_yaml_and_json(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "change.yaml",
        "edits:\n"
        "  - {op: addField, model: todo_items,\n"
        "     field: {name: estimate, type: int, nullable: true}}\n"
        "  - {op: addTimestamps, namespace: Todos}\n",
    )
    change = load_changeset(path)
    assert change.edits == [
        AddField(model="todo_items", field=PlainField(name="estimate", type="int", nullable=True)),
        AddTimestamps(namespace="Todos"),
    ]
    roundtrip(TODO, *change.edits)
    json_path = write(tmp_path, "change.json", dump_changeset(change, "json"))
    assert load_changeset(json_path) == change
    assert load_changeset(write(tmp_path, "again.yaml", dump_changeset(change))) == change


def load_errors(tmp_path: Path, data: Any) -> list[Diagnostic]:
    path = write(tmp_path, "bad.json", json.dumps(data))
    with pytest.raises(DiagnosticError) as info:
        load_changeset(path)
    return info.value.diagnostics


def test_loader_shape_errors_have_paths(tmp_path: Path) -> None:
    [d] = load_errors(tmp_path, {"edits": [{"op": "addFeild", "model": "x"}]})
    assert d.path == "$.edits[0]" and d.code == "shape.union_tag_invalid"
    assert "addField" in d.allowed
    [d] = load_errors(tmp_path, {"edits": [{"model": "x"}]})
    assert d.path == "$.edits[0]" and "addField" in d.allowed
    [d] = load_errors(tmp_path, {"edits": [{"op": "removeField", "model": "x"}]})
    assert (d.path, d.code) == ("$.edits[0].field", "shape.missing")
    [d] = load_errors(
        tmp_path, {"edits": [{"op": "removeField", "model": "x", "field": "y", "fields": 1}]}
    )
    assert (d.path, d.code) == ("$.edits[0].fields", "shape.extra_forbidden")
    assert d.allowed == ("op", "model", "field")
    [d] = load_errors(
        tmp_path,
        {"edits": [{"op": "addField", "model": "x", "field": {"name": "y", "type": "text"}}]},
    )
    assert d.path == "$.edits[0].field.type" and d.code == "shape.literal_error"
    assert "datetime" in d.allowed and "string" in d.allowed
    [d] = load_errors(
        tmp_path,
        {
            "edits": [
                {"op": "addField", "model": "x", "field": {"name": "y", "relation": {"name": "z"}}}
            ]
        },
    )
    assert d.path == "$.edits[0].field.relation.targetModel"
    found = load_errors(tmp_path, {"edit": []})
    assert {(d.path, d.code) for d in found} == {
        ("$.edits", "shape.missing"),
        ("$.edit", "shape.extra_forbidden"),
    }
    assert next(d for d in found if d.path == "$.edit").allowed == ("edits", "summary")


def test_loader_file_errors(tmp_path: Path) -> None:
    for name, text, code in (
        ("list.yaml", "- 1\n", "file.not-a-mapping"),
        ("broken.yaml", "edits: [\n", "file.syntax"),
        ("broken.json", "{", "file.syntax"),
    ):
        with pytest.raises(DiagnosticError) as info:
            load_changeset(write(tmp_path, name, text))
        assert info.value.diagnostics[0].code == code
    with pytest.raises(DiagnosticError) as info:
        load_changeset(tmp_path / "missing.yaml")
    assert info.value.diagnostics[0].code == "file.unreadable"
