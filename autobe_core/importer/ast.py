"""AutoBe's two ASTs as typed, read-only views: the shape an import relies on.

``autobe/prisma.json`` is AutoBe's database AST (``AutoBePrisma.IApplication``): files
with a namespace, holding models with a stance, a primary key, foreign fields with their
relation, plain fields and indexes. ``autobe/document.json`` is its API AST
(``AutoBeOpenApi.IDocument``): operations (path, method, function name, parameters,
request / response type names, authorization role and type, description and
specification text) and components (the actors and the JSON schemas of the DTOs).

These classes check *shape*: keys AutoBe always writes are required, closed sets (stance,
field type, method, actor kind) are ``Literal``s, so an unknown value is a diagnostic at
its JSON path. Keys the importer does not use are ignored. The JSON schemas of the DTOs
are kept as plain data; :mod:`autobe_core.importer.schemas` reads them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

PrismaStance = Literal["primary", "subsidiary", "snapshot", "actor", "session"]
PrismaFieldType = Literal["uuid", "string", "int", "double", "boolean", "datetime", "uri"]
Method = Literal["get", "post", "put", "patch", "delete"]
ActorKind = Literal["guest", "member", "admin"]
AuthorizationType = Literal["join", "login", "refresh"]


class AstNode(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


# --------------------------------------------------------------------------- prisma.json


class PrismaRelation(AstNode):
    name: str
    target_model: str
    mapping_name: str | None = None
    opposite_name: str | None = None


class PrismaPrimaryField(AstNode):
    name: str
    type: Literal["uuid"]
    description: str = ""


class PrismaForeignField(AstNode):
    name: str
    type: Literal["uuid"]
    description: str = ""
    relation: PrismaRelation
    unique: bool = False
    nullable: bool = False


class PrismaPlainField(AstNode):
    name: str
    type: PrismaFieldType
    description: str = ""
    nullable: bool = False


class PrismaUniqueIndex(AstNode):
    field_names: list[str]
    unique: bool = True


class PrismaPlainIndex(AstNode):
    field_names: list[str]


class PrismaGinIndex(AstNode):
    field_name: str


class PrismaModel(AstNode):
    name: str
    description: str = ""
    material: bool = False
    stance: PrismaStance
    primary_field: PrismaPrimaryField
    foreign_fields: list[PrismaForeignField] = Field(default_factory=list)
    plain_fields: list[PrismaPlainField] = Field(default_factory=list)
    unique_indexes: list[PrismaUniqueIndex] = Field(default_factory=list)
    plain_indexes: list[PrismaPlainIndex] = Field(default_factory=list)
    gin_indexes: list[PrismaGinIndex] = Field(default_factory=list)


class PrismaFile(AstNode):
    filename: str = ""
    namespace: str
    models: list[PrismaModel]


class PrismaApplication(AstNode):
    files: list[PrismaFile]


# --------------------------------------------------------------------------- document.json


class ParameterSchema(AstNode):
    type: str
    format: str | None = None


class DocParameter(AstNode):
    name: str
    description: str = ""
    schema_: ParameterSchema = Field(alias="schema")


class DocBody(AstNode):
    description: str = ""
    type_name: str


class DocOperation(AstNode):
    specification: str = ""
    description: str = ""
    summary: str = ""
    path: str
    method: Method
    name: str
    parameters: list[DocParameter] = Field(default_factory=list)
    request_body: DocBody | None = None
    response_body: DocBody | None = None
    authorization_role: str | None = None
    authorization_type: AuthorizationType | None = None
    authorization_roles: list[str] = Field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"{self.method.upper()} {self.path}"


class DocActor(AstNode):
    name: str
    description: str = ""
    kind: ActorKind


class DocComponents(AstNode):
    schemas: dict[str, dict[str, Any]] = Field(default_factory=dict)
    authorization: list[DocActor] = Field(default_factory=list)


class DocDocument(AstNode):
    operations: list[DocOperation]
    components: DocComponents = Field(default_factory=DocComponents)
