"""The spec validator's rule table: one case per rule (the edit that breaks the base spec,
the code, the JSON path, the allowed values), and that every rule code has a case."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from autobe_core.spec.naming import CAMEL, PASCAL, RELATION_NAME, SNAKE, TYPE_NAME
from autobe_core.spec.validation.common import ALLOWED_TEXT
from tests.unit.validate_support import (
    ROOT,
    Allowed,
    Data,
    Has,
    add_field,
    add_model,
    check_allowed,
    found,
    models,
    mutated,
    op,
    ops,
    run,
)

# --------------------------------------------------------------------------- rule table


CASES: list[tuple[str, Callable[[Data], object], str, str, Allowed]] = [
    # 1. names
    ("project-name", lambda d: d.update(name="my-shop"),
     "name.project", "$.name", Has(SNAKE.pattern)),
    ("project-name-module", lambda d: d.update(name="app"),
     "name.project", "$.name", Has(SNAKE.pattern)),
    ("model-sql-reserved", lambda d: add_model(d, name="select"),
     "name.model", "$.models[3].name", Has(SNAKE.pattern)),
    ("model-module-name", lambda d: add_model(d, name="models"),
     "name.model", "$.models[3].name", Has(SNAKE.pattern)),
    ("primary-field-name", lambda d: models(d)[2].update(primaryField={"name": "class"}),
     "name.field", "$.models[2].primaryField.name", Has(SNAKE.pattern)),
    ("foreign-field-name", lambda d: models(d)[1]["foreignFields"][0].update(name="Owner"),
     "name.field", "$.models[1].foreignFields[0].name", Has(SNAKE.pattern)),
    ("plain-field-orm", lambda d: add_field(d, 1, name="metadata", type="string"),
     "name.field", "$.models[1].plainFields[3].name", Has(SNAKE.pattern)),
    ("relation-name", lambda d: models(d)[1]["foreignFields"][0]["relation"].update(
        name="registry"),
     "name.relation", "$.models[1].foreignFields[0].relation.name",
     Has(RELATION_NAME.pattern)),
    ("opposite-name", lambda d: models(d)[1]["foreignFields"][0]["relation"].update(
        oppositeName="for"),
     "name.relation", "$.models[1].foreignFields[0].relation.oppositeName",
     Has(RELATION_NAME.pattern)),
    ("actor-name", lambda d: d["actors"].append(
        {"name": "security", "kind": "guest", "model": "carts"}),
     "name.actor", "$.actors[1].name", Has(SNAKE.pattern)),
    ("parameter-keyword", lambda d: ops(d)[3].update(
        path="/shop/carts/{class}", parameters=[{"name": "class"}]),
     "name.parameter", "$.operations[3].parameters[0].name", Has(CAMEL.pattern)),
    ("parameter-snake-keyword", lambda d: ops(d)[3].update(
        path="/shop/carts/{Class}", parameters=[{"name": "Class"}]),
     "name.parameter", "$.operations[3].parameters[0].name", Has(CAMEL.pattern)),
    ("parameter-handler-name", lambda d: ops(d)[3].update(
        path="/shop/carts/{session}", parameters=[{"name": "session"}]),
     "name.parameter", "$.operations[3].parameters[0].name", Has(CAMEL.pattern)),
    ("dto-name-grammar", lambda d: models(d)[1].update(dtoName="cart"),
     "name.dto", "$.models[1].dtoName", Has(PASCAL.pattern)),
    ("dto-name-keyword", lambda d: models(d)[1].update(dtoName="None"),
     "name.dto", "$.models[1].dtoName", Has(PASCAL.pattern)),
    ("dto-name-import", lambda d: models(d)[1].update(dtoName="Session"),
     "name.dto", "$.models[1].dtoName", Has(PASCAL.pattern)),
    ("derived-class-keyword", lambda d: add_model(d, name="nones"),
     "name.dto", "$.models[3].name", Has(PASCAL.pattern)),
    ("namespace", lambda d: models(d)[1].update(namespace="Shop\nping"),
     "name.namespace", "$.models[1].namespace", Has(ALLOWED_TEXT[0])),
    ("namespace-empty", lambda d: models(d)[1].update(namespace=""),
     "name.namespace", "$.models[1].namespace", Has(ALLOWED_TEXT[0])),
    ("schema-name", lambda d: d.update(schemas={"cart": {}}),
     "name.schema", "$.schemas.cart", Has(TYPE_NAME.pattern)),
    ("schema-property", lambda d: d.update(schemas={"IThing": {"properties": {"class": {}}}}),
     "name.schema-property", "$.schemas.IThing.properties.class", Has("^[A-Za-z][A-Za-z0-9_]*$")),
    ("operation-name", lambda d: ops(d)[3].update(name="import"),
     "name.operation", "$.operations[3].name", Has("^[A-Za-z][A-Za-z0-9_]*$")),
    ("enum-control-char", lambda d: models(d)[1]["plainFields"][1].update(
        enum=["open", "clo\x00sed"]),
     "field.enum-value", "$.models[1].plainFields[1].enum[1]", Has(ALLOWED_TEXT[0])),
    ("enum-empty-value", lambda d: models(d)[1]["plainFields"][1].update(enum=["open", ""]),
     "field.enum-value", "$.models[1].plainFields[1].enum[1]", Has(ALLOWED_TEXT[0])),
    ("enum-duplicate", lambda d: models(d)[1]["plainFields"][1].update(
        enum=["open", "closed", "open"]),
     "field.enum-duplicate", "$.models[1].plainFields[1].enum[2]",
     ("a name other than: closed, open",)),
    # 2. duplicates
    ("dup-model", lambda d: add_model(d, name="carts"),
     "dup.model", "$.models[3].name", ("a name other than: cart_items, carts, customers",)),
    ("dup-field", lambda d: add_field(d, 1, name="customer_id", type="string"),
     "dup.field", "$.models[1].plainFields[3].name",
     ("a name other than: created_at, customer_id, id, status, title",)),
    ("dup-field-relation", lambda d: models(d)[1]["foreignFields"][0]["relation"].update(
        name="title"),
     "dup.field", "$.models[1].foreignFields[0].relation.name",
     ("a name other than: created_at, customer_id, id, status, title",)),
    ("dup-actor", lambda d: d["actors"].append(
        {"name": "customer", "kind": "guest", "model": "carts"}),
     "dup.actor", "$.actors[1].name", ("a name other than: customer",)),
    ("dup-operation-id", lambda d: ops(d).extend([
        op(path="/shop/cart-x"), op(path="/shop/cart_x")]),
     "dup.operation-id", "$.operations[8].path",
     ("a path whose snake_case form differs from /shop/cart-x",)),
    ("dup-class-name", lambda d: add_model(d, name="cart"),
     "dup.class-name", "$.models[3].name", Has("a dtoName whose derived class names are not "
                                                "taken: Cart, ICart, ICartICreate, "
                                                "ICartIRequest, ICartISummary, ICartIUpdate, "
                                                "IPageICart, IPageICartISummary")),
    ("dup-class-name-dto", lambda d: models(d)[2].update(dtoName="Cart"),
     "dup.class-name", "$.models[2].dtoName", Has()),
    ("dup-class-name-principal", lambda d: (
        add_model(d, name="customer_principals"),
        d["actors"].append({"name": "guest", "kind": "guest", "model": "customer_principals"}),
        d.update(actors=[d["actors"][1], d["actors"][0]]),
    ), "dup.class-name", "$.actors[1].name", ("an actor name other than customer",)),
    ("dup-principal", lambda d: (
        add_model(d, name="visitors"), add_model(d, name="vis_itors"),
        d["actors"].extend([{"name": "a_1", "kind": "guest", "model": "visitors"},
                            {"name": "a1", "kind": "guest", "model": "vis_itors"}]),
    ), "dup.principal", "$.actors[2].name", ("a name other than: a_1, customer",)),
    ("dup-unique-index", lambda d: models(d)[0]["uniqueIndexes"].append(
        {"fieldNames": ["email"]}),
     "dup.index", "$.models[0].uniqueIndexes[1]", ("one index per field list",)),
    ("dup-gin-index", lambda d: models(d)[1].update(
        ginIndexes=[{"fieldName": "title"}, {"fieldName": "title"}]),
     "dup.index", "$.models[1].ginIndexes[1]", ("one gin index per field",)),
    ("dup-parameter", lambda d: ops(d)[3].update(
        parameters=[{"name": "cartId"}, {"name": "cartId"}]),
     "dup.parameter", "$.operations[3].parameters[1].name", ("a name other than cartId",)),
    ("dup-parameter-snake", lambda d: ops(d).append(op(
        path="/x/{ABc}/{Abc}", parameters=[{"name": "ABc"}, {"name": "Abc"}])),
     "dup.parameter", "$.operations[7].parameters[1].name", ("a name other than Abc",)),
    ("dup-path-parameter", lambda d: ops(d).append(op(
        path="/x/{a}/y/{a}", parameters=[{"name": "a"}])),
     "dup.path-parameter", "$.operations[7].path", ("each path parameter once",)),
    ("dup-opposite", lambda d: models(d)[1]["foreignFields"][0]["relation"].update(
        oppositeName="email"),
     "dup.opposite", "$.models[1].foreignFields[0].relation.oppositeName",
     ("a name other than: created_at, email, id, password_hash",)),
    # 3. references
    ("index-field", lambda d: models(d)[0]["uniqueIndexes"][0].update(fieldNames=["emial"]),
     "ref.unknown-field", "$.models[0].uniqueIndexes[0].fieldNames[0]",
     ("id", "email", "password_hash", "created_at")),
    ("index-repeated-field", lambda d: models(d)[1].update(
        plainIndexes=[{"fieldNames": ["title", "title"]}]),
     "index.repeated-field", "$.models[1].plainIndexes[0].fieldNames[1]",
     ("id", "customer_id", "title", "status", "created_at")),
    ("index-empty", lambda d: models(d)[1].update(plainIndexes=[{"fieldNames": []}]),
     "index.empty", "$.models[1].plainIndexes[0].fieldNames",
     ("id", "customer_id", "title", "status", "created_at")),
    ("gin-field", lambda d: models(d)[1].update(ginIndexes=[{"fieldName": "body"}]),
     "ref.unknown-field", "$.models[1].ginIndexes[0].fieldName", ("title", "status")),
    ("gin-type", lambda d: models(d)[2].update(ginIndexes=[{"fieldName": "quantity"}]),
     "index.gin-type", "$.models[2].ginIndexes[0].fieldName", ("note",)),
    ("actor-model", lambda d: d["actors"][0].update(model="users"),
     "ref.unknown-model", "$.actors[0].model", ("customers", "carts", "cart_items")),
    ("actor-identity", lambda d: d["actors"][0].update(identityField="login"),
     "ref.unknown-field", "$.actors[0].identityField", ("email", "password_hash")),
    ("actor-password-type", lambda d: (
        add_field(d, 0, name="pin", type="int"), d["actors"][0].update(passwordField="pin")),
     "actor.field-type", "$.actors[0].passwordField", ("email", "password_hash")),
    ("operation-model", lambda d: ops(d)[3].update(model="baskets"),
     "ref.unknown-model", "$.operations[3].model", ("customers", "carts", "cart_items")),
    ("operation-actor", lambda d: ops(d)[3].update(actor="admin"),
     "ref.unknown-actor", "$.operations[3].actor", ("customer",)),
    ("request-body-type", lambda d: ops(d)[2].update(requestBody={"typeName": "ICart.INew"}),
     "ref.unknown-type", "$.operations[2].requestBody.typeName",
     Has("ICart.ICreate", "IPage.IPagination", "ICustomer.IJoin")),
    ("response-body-type", lambda d: ops(d)[2].update(responseBody={"typeName": "IBasket"}),
     "ref.unknown-type", "$.operations[2].responseBody.typeName", Has("ICart")),
    ("dto-include", lambda d: models(d)[1].update(dtos={"read": {"include": ["id", "name"]}}),
     "ref.unknown-field", "$.models[1].dtos.read.include[1]",
     ("id", "customer_id", "title", "status", "created_at")),
    ("dto-exclude", lambda d: models(d)[0].update(dtos={"create": {"exclude": ["pw"]}}),
     "ref.unknown-field", "$.models[0].dtos.create.exclude[0]",
     ("id", "email", "password", "created_at")),
    ("dto-repeated", lambda d: models(d)[1].update(
        dtos={"update": {"exclude": ["title", "title"]}}),
     "dto.repeated-field", "$.models[1].dtos.update.exclude[1]",
     ("id", "customer_id", "title", "status", "created_at")),
    ("param-binds", lambda d: ops(d)[4]["parameters"][0].update(binds="basket_id"),
     "ref.unknown-field", "$.operations[4].parameters[0].binds",
     ("id", "cart_id", "customer_id", "quantity", "note")),
    # 4. paths, parameters, kinds
    ("path-no-slash", lambda d: ops(d)[2].update(path="shop/carts"),
     "path.syntax", "$.operations[2].path", Has("starts with '/'")),
    ("path-trailing-slash", lambda d: ops(d)[2].update(path="/shop/carts/"),
     "path.syntax", "$.operations[2].path", Has("starts with '/'")),
    ("path-segment", lambda d: ops(d)[2].update(path="/shop/carts;drop"),
     "path.syntax", "$.operations[2].path", Has("starts with '/'")),
    ("path-ambiguous", lambda d: ops(d).append({
        "name": "at", "kind": "at", "model": "carts", "method": "get",
        "path": "/shop/carts/{id}", "parameters": [{"name": "id"}]}),
     "path.ambiguous", "$.operations[7].path",
     ("a path that differs from /shop/carts/{cartId} in a literal segment",)),
    ("path-shadowed", lambda d: ops(d).append(op(path="/shop/carts/mine")),
     "path.shadowed", "$.operations[7].path",
     ("a path that differs from /shop/carts/{cartId} in a literal segment",)),
    ("param-undeclared", lambda d: ops(d)[3].update(parameters=[]),
     "param.undeclared", "$.operations[3].path", ()),
    ("param-unused", lambda d: ops(d)[2].update(parameters=[{"name": "cartId"}]),
     "param.unused", "$.operations[2].parameters[0].name", ()),
    ("param-unbound", lambda d: ops(d)[4].update(
        path="/shop/baskets/{basketId}/items", parameters=[{"name": "basketId"}]),
     "param.unbound", "$.operations[4].parameters[0]",
     ("id", "cart_id", "customer_id", "quantity", "note")),
    ("param-type", lambda d: ops(d)[3]["parameters"][0].update(type="int"),
     "param.type-mismatch", "$.operations[3].parameters[0].type", ("uuid",)),
    ("param-duplicate-binding", lambda d: ops(d)[3].update(
        path="/shop/carts/{cartId}/{otherId}",
        parameters=[{"name": "cartId", "binds": "id"}, {"name": "otherId"}]),
     "param.duplicate-binding", "$.operations[3].parameters[1]",
     ("customer_id", "title", "status", "created_at")),
    ("param-not-foreign", lambda d: ops(d)[2].update(
        path="/shop/carts/{cartId}", parameters=[{"name": "cartId", "binds": "id"}]),
     "param.not-foreign", "$.operations[2].parameters[0]", ("customer_id",)),
    ("row-unselected", lambda d: ops(d)[3].update(path="/shop/carts/current", parameters=[]),
     "operation.row-unselected", "$.operations[3].path",
     ("a path parameter bound to id",)),
    ("missing-model", lambda d: ops(d)[3].pop("model"),
     "operation.missing-model", "$.operations[3].model", ("customers", "carts", "cart_items")),
    ("not-actor-model", lambda d: ops(d)[0].update(model="carts"),
     "operation.not-actor-model", "$.operations[0].model", ("customers",)),
    ("auth-type-mismatch", lambda d: ops(d)[1].update(authorizationType="join"),
     "operation.authorization-type", "$.operations[1].authorizationType", ("login", "null")),
    ("auth-type-on-crud", lambda d: ops(d)[2].update(authorizationType="join"),
     "operation.authorization-type", "$.operations[2].authorizationType", ("null",)),
    ("implementation-not-custom", lambda d: ops(d)[3].update(implementation="user"),
     "operation.implementation", "$.operations[3].implementation", ("null", "kind: custom")),
    ("login-guest", lambda d: d["actors"][0].update(kind="guest"),
     "operation.login-guest", "$.operations[1].kind",
     ("an actor of kind member or admin", "join", "refresh")),
    ("lifecycle-not-actor-model", lambda d: ops(d).append({
        "name": "logout", "kind": "logout", "model": "carts", "method": "post",
        "path": "/shop/logout"}),
     "operation.lifecycle", "$.operations[7].kind",
     ("an actor's accounts model whose actor has identity and password fields", "custom")),
    ("auth-params", lambda d: ops(d)[0].update(
        path="/auth/customer/join/{code}", parameters=[{"name": "code", "type": "string"}]),
     "param.not-allowed", "$.operations[0].parameters[0]", ()),
    ("method", lambda d: ops(d)[4].update(method="get"),
     "operation.method", "$.operations[4].method", ("patch",)),
    ("body-type", lambda d: ops(d)[2].update(requestBody={"typeName": "ICart.IUpdate"}),
     "operation.body-type", "$.operations[2].requestBody.typeName", ("ICart.ICreate",)),
    ("body-on-at", lambda d: ops(d)[3].update(requestBody={"typeName": "ICart.IRequest"}),
     "operation.body-type", "$.operations[3].requestBody.typeName", ("null",)),
    ("auth-actor", lambda d: ops(d)[1].update(actor="customer"),
     "operation.auth-actor", "$.operations[1].actor", ("null",)),
    ("binds-without-model", lambda d: ops(d).append(op(
        path="/x/{a}", parameters=[{"name": "a", "binds": "id"}])),
     "param.binds-without-model", "$.operations[7].parameters[0].binds",
     ("null", "set the operation's model")),
    # 5. field constraints
    ("enum-empty", lambda d: models(d)[1]["plainFields"][1].update(enum=[]),
     "field.enum-empty", "$.models[1].plainFields[1].enum", ("one or more distinct values",)),
    ("enum-type", lambda d: models(d)[2]["plainFields"][0].update(enum=["1", "2"]),
     "field.enum-type", "$.models[2].plainFields[0].enum", ("string",)),
    ("length-range", lambda d: models(d)[1]["plainFields"][0].update(
        minLength=10, maxLength=5),
     "field.length-range", "$.models[1].plainFields[0].minLength", ("minLength <= 5",)),
    ("length-negative", lambda d: models(d)[1]["plainFields"][0].update(minLength=-1),
     "field.length-negative", "$.models[1].plainFields[0].minLength", ("an integer >= 0",)),
    ("length-type", lambda d: models(d)[2]["plainFields"][0].update(maxLength=3),
     "field.length-type", "$.models[2].plainFields[0].maxLength", ("string", "uri")),
    ("value-range", lambda d: models(d)[2]["plainFields"][0].update(minimum=10, maximum=1),
     "field.range", "$.models[2].plainFields[0].minimum", ("minimum <= 1.0",)),
    ("value-type", lambda d: models(d)[1]["plainFields"][0].update(minimum=1),
     "field.range-type", "$.models[1].plainFields[0].minimum", ("int", "double", "decimal")),
    ("value-nan", lambda d: models(d)[2]["plainFields"][0].update(maximum=math.nan),
     "field.range-not-finite", "$.models[2].plainFields[0].maximum", ("a finite number",)),
    ("format-type", lambda d: models(d)[2]["plainFields"][0].update(format="email"),
     "field.format-type", "$.models[2].plainFields[0].format", ("string",)),
    ("auto-type", lambda d: models(d)[1]["plainFields"][2].update(type="string"),
     "field.auto-type", "$.models[1].plainFields[2].type", ("datetime",)),
    ("schemes-type", lambda d: models(d)[1]["plainFields"][0].update(schemes=["https"]),
     "field.schemes", "$.models[1].plainFields[0].schemes", ("remove schemes", "type: uri")),
    ("deleted-at-required", lambda d: add_field(d, 1, name="deleted_at", type="datetime"),
     "field.deleted-at-required", "$.models[1].plainFields[3].nullable", ("nullable: true",)),
    # 5b. stored values: defaults, decimals
    ("default-type", lambda d: models(d)[2]["plainFields"][0].update(default="five"),
     "field.default-type", "$.models[2].plainFields[0].default", ("an integer",)),
    ("default-bool-is-not-int", lambda d: models(d)[2]["plainFields"][0].update(default=True),
     "field.default-type", "$.models[2].plainFields[0].default", ("an integer",)),
    ("default-datetime", lambda d: models(d)[1]["plainFields"][2].update(default="today"),
     "field.default-type", "$.models[1].plainFields[2].default",
     ("'now' (the time the row is written)",)),
    ("default-enum", lambda d: models(d)[1]["plainFields"][1].update(default="lost"),
     "field.default-enum", "$.models[1].plainFields[1].default", ("open", "closed")),
    ("default-range", lambda d: models(d)[2]["plainFields"][0].update(default=100),
     "field.default-range", "$.models[2].plainFields[0].default",
     ("a number from 1.0 to 99.0",)),
    ("default-length", lambda d: models(d)[1]["plainFields"][0].update(default=""),
     "field.default-range", "$.models[1].plainFields[0].default",
     ("from 1 to 80 characters",)),
    ("default-text", lambda d: models(d)[2]["plainFields"][1].update(default="a\nb"),
     "field.default-text", "$.models[2].plainFields[1].default",
     ("printable text on one line",)),
    ("decimal-type", lambda d: models(d)[2]["plainFields"][0].update(scale=2),
     "field.decimal-type", "$.models[2].plainFields[0].scale", ("decimal",)),
    ("decimal-precision", lambda d: add_field(d, 2, name="price", type="decimal", precision=50),
     "field.decimal-precision", "$.models[2].plainFields[2].precision",
     ("an integer from 1 to 38",)),
    ("decimal-scale", lambda d: add_field(d, 2, name="price", type="decimal", precision=4,
                                       scale=6),
     "field.decimal-precision", "$.models[2].plainFields[2].scale",
     ("an integer from 0 to 4",)),
    # 6. required cycles
    ("required-cycle", lambda d: models(d)[1]["foreignFields"].append(
        {"name": "main_item_id", "relation": {"name": "mainItem", "targetModel": "cart_items"}}),
     "model.required-cycle", "$.models[1].foreignFields[1].name",
     ("make one of these foreign fields nullable: carts.main_item_id, cart_items.cart_id",)),
    ("required-self-reference", lambda d: models(d)[2]["foreignFields"].append(
        {"name": "parent_id", "relation": {"name": "parent", "targetModel": "cart_items"}}),
     "model.required-cycle", "$.models[2].foreignFields[2].name",
     ("make one of these foreign fields nullable: cart_items.parent_id",)),
    # 7. create operations fill every required column
    ("create-public-owner", lambda d: ops(d).append({
        "name": "create", "kind": "create", "model": "carts", "method": "post",
        "path": "/public/carts"}),
     "create.unfillable-field", "$.operations[7]",
     ("customer", "make carts.customer_id nullable", "bind customer_id with a path parameter")),
    ("create-excluded-plain", lambda d: models(d)[2].update(
        dtos={"create": {"exclude": ["quantity"]}}),
     "create.unfillable-field", "$.operations[5]",
     ("keep quantity in the create DTO", "make cart_items.quantity nullable")),
    # 7b. access (Operation.access overrides, ambiguous owners)
    ("access-public-with-actor", lambda d: ops(d)[3].update(access={"public": True}),
     "access.public-with-actor", "$.operations[3].access.public",
     ("public: false", "remove actor")),
    ("access-owner-without-actor", lambda d: ops(d)[3].update(
        actor=None, access={"owner": ["customer_id"]}),
     "access.owner-without-actor", "$.operations[3].access.owner",
     ("an actor", "remove access.owner")),
    ("access-bad-owner-chain", lambda d: ops(d)[6].update(access={"owner": ["cart_id"]}),
     "access.bad-owner-chain", "$.operations[6].access.owner", ("cart_id", "customer_id")),
    ("access-ambiguous-owner", lambda d: models(d)[1]["foreignFields"].append(
        {"name": "friend_id", "relation": {"name": "friend", "targetModel": "customers"}})
     or models(d)[1]["foreignFields"][0]["relation"].update(name="buyer")
     or models(d)[1]["foreignFields"][0].update(name="buyer_id"),
     "access.ambiguous-owner", "$.operations[3]",
     ("access: {owner: [buyer_id]}", "access: {owner: [friend_id]}", "access: {owner: []}")),
    # 8. actors
    ("actor-missing-password", lambda d: d["actors"][0].update(passwordField=None),
     "actor.missing-credentials", "$.actors[0].passwordField", ("email", "password_hash")),
    ("actor-guest-password", lambda d: d["actors"].append(
        {"name": "visitor", "kind": "guest", "model": "carts", "passwordField": "title"}),
     "actor.guest-password", "$.actors[1].passwordField",
     ("null", "kind: member", "kind: admin")),
    ("actor-identity-unique", lambda d: models(d)[0].update(uniqueIndexes=[]),
     "actor.identity-not-unique", "$.actors[0].identityField",
     ("a unique index on [email] in model customers",)),
    ("actor-shared-model", lambda d: d["actors"].append(
        {"name": "admin", "kind": "admin", "model": "customers"}),
     "actor.shared-model", "$.actors[1].model", ("carts", "cart_items")),
    ("actor-same-field", lambda d: d["actors"][0].update(passwordField="email"),
     "actor.same-field", "$.actors[0].passwordField", ("password_hash",)),
    ("actor-identity-password", lambda d: (
        add_field(d, 0, name="password", type="string"),
        d["actors"][0].update(identityField="password"),
        models(d)[0]["uniqueIndexes"].append({"fieldNames": ["password"]})),
     "actor.identity-name", "$.actors[0].identityField", ("email", "password_hash")),
    # DTO shapes
    ("dto-duplicate-field", lambda d: add_field(d, 0, name="password", type="string"),
     "dto.duplicate-field", "$.models[0].plainFields[3].name",
     ("a name other than: password",)),
    ("dto-reserved-field", lambda d: add_field(d, 1, name="page", type="int"),
     "dto.reserved-field", "$.models[1].plainFields[3].name",
     ("a name other than: limit, page, search, sort",)),
    # schemas
    ("schema-required", lambda d: d.update(schemas={"IThing": {
        "properties": {"a": {}}, "required": ["a", "b"]}}),
     "ref.unknown-field", "$.schemas.IThing.required[1]", ("a",)),
    ("schema-ref", lambda d: d.update(schemas={"IThing": {
        "properties": {"a": {"ref": "#/components/schemas/IMissing"}}}}),
     "ref.unknown-type", "$.schemas.IThing.properties.a.ref", Has("ICart", "IThing")),
    ("schema-enum", lambda d: d.update(schemas={"IThing": {
        "properties": {"a": {"type": "integer", "enum": ["1"]}}}}),
     "field.enum-type", "$.schemas.IThing.properties.a.enum", ("string",)),
    ("schema-format", lambda d: d.update(schemas={"IThing": {
        "properties": {"a": {"format": "date\ttime"}}}}),
     "schema.format", "$.schemas.IThing.properties.a.format", Has(ALLOWED_TEXT[0])),
    ("schema-prisma", lambda d: d.update(schemas={"IThing": {"xAutobePrismaSchema": "things"}}),
     "schema.unknown-prisma-model", "$.schemas.IThing.xAutobePrismaSchema",
     ("customers", "carts", "cart_items")),
    ("schema-class-name", lambda d: d.update(schemas={"ICartISummary": {}}),
     "dup.class-name", "$.schemas.ICartISummary",
     ("a schema name whose class is not ICartISummary",)),
    ("schema-class-name-schemas", lambda d: d.update(schemas={"IThing.IA": {}, "IThingIA": {}}),
     "dup.class-name", "$.schemas.IThingIA", ("a schema name whose class is not IThingIA",)),
]

WARNINGS = {
    "path.shadowed", "operation.method", "operation.body-type", "operation.auth-actor",
    "actor.identity-not-unique", "actor.guest-password", "access.ambiguous-owner",
    "field.auto-type",
    "dto.reserved-field", "schema.unknown-prisma-model",
}


@pytest.mark.parametrize(
    ("change", "code", "path", "allowed"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule(change: Callable[[Data], object], code: str, path: str,
              allowed: Allowed) -> None:
    diagnostics = run(mutated(change))
    d = found(diagnostics, code, path)
    check_allowed(d, allowed)
    assert d.message
    assert d.severity == ("warning" if code in WARNINGS else "error")
    assert not [x for x in diagnostics if x.code == "internal.rule-failed"]


def test_every_code_has_a_case() -> None:
    """Each rule code of the validator appears in the table above."""
    import re

    source = "".join(
        f.read_text(encoding="utf-8")
        for f in sorted((ROOT / "autobe_core" / "spec" / "validation").glob("*.py"))
    )
    codes = set(re.findall(r'"((?:name|dup|ref|path|param|operation|create|field|index|'
                           r'dto|model|actor|schema|access)\.[a-z-]+)"', source))
    tested = {case[2] for case in CASES} | {"dup.endpoint"}  # acceptance test
    assert codes - tested == set()
