"""Rules on actors: the model they authenticate against and its credential fields."""

from __future__ import annotations

from autobe_core.spec.model import Actor, ProjectSpec
from autobe_core.spec.semantics import PASSWORD_INPUT
from autobe_core.spec.validation.common import Path, Report

CREDENTIAL_KINDS = ("member", "admin")
"""Actor kinds that log in with an identity and a password."""


def check_actors(spec: ProjectSpec, report: Report) -> None:
    model_names = [m.name for m in spec.models]
    first_by_model: dict[str, int] = {}
    for i, actor in enumerate(spec.actors):
        base: Path = ["actors", i]
        model = spec.model(actor.model)
        if model is None:
            report.error(
                [*base, "model"],
                "ref.unknown-model",
                f"actor {actor.name!r} authenticates against unknown model {actor.model!r}",
                model_names,
            )
        elif actor.model in first_by_model:
            other = spec.actors[first_by_model[actor.model]]
            report.error(
                [*base, "model"],
                "actor.shared-model",
                f"actors {other.name!r} and {actor.name!r} both authenticate against "
                f"model {actor.model!r}; the generated join/login cannot tell them "
                "apart",
                [n for n in model_names if n not in first_by_model],
            )
        else:
            first_by_model[actor.model] = i
        if actor.kind in CREDENTIAL_KINDS:
            for key, value in (
                ("identityField", actor.identity_field),
                ("passwordField", actor.password_field),
            ):
                if value is None:
                    report.error(
                        [*base, key],
                        "actor.missing-credentials",
                        f"{actor.kind} actor {actor.name!r} logs in, so it needs {key}",
                        _strings(spec, actor),
                    )
        elif actor.password_field is not None and "password_field" in actor.model_fields_set:
            report.warning(
                [*base, "passwordField"],
                "actor.guest-password",
                f"guest actor {actor.name!r} never logs in; its passwordField is not used",
                ("null", "kind: member", "kind: admin"),
            )
        if model is not None:
            _check_credentials(spec, actor, base, report)


def _strings(spec: ProjectSpec, actor: Actor) -> list[str]:
    model = spec.model(actor.model)
    if model is None:
        return []
    return [p.name for p in model.plain_fields if p.type == "string"]


def _credential_fields(actor: Actor) -> list[tuple[str, str]]:
    """The credential fields this actor uses: all set ones for members and admins,
    only explicitly given ones for guests (their defaults are never read)."""
    pairs = [
        ("identityField", "identity_field", actor.identity_field),
        ("passwordField", "password_field", actor.password_field),
    ]
    return [
        (key, value)
        for key, attr, value in pairs
        if value is not None and (actor.kind in CREDENTIAL_KINDS or attr in actor.model_fields_set)
    ]


def _check_credentials(spec: ProjectSpec, actor: Actor, base: Path, report: Report) -> None:
    model = spec.model(actor.model)
    assert model is not None
    strings = _strings(spec, actor)
    used = _credential_fields(actor)
    for key, name in used:
        field = model.plain(name)
        if field is None:
            report.error(
                [*base, key],
                "ref.unknown-field",
                f"{key} {name!r} of actor {actor.name!r} is not a plain field of "
                f"model {model.name!r}",
                strings,
            )
        elif field.type != "string":
            report.error(
                [*base, key],
                "actor.field-type",
                f"{key} {name!r} of actor {actor.name!r} has type {field.type!r}; "
                "credentials are strings",
                strings,
            )
    values = dict(used)
    identity = values.get("identityField")
    password = values.get("passwordField")
    if identity is not None and identity == password:
        report.error(
            [*base, "passwordField"],
            "actor.same-field",
            f"actor {actor.name!r} uses {identity!r} as both identity and password",
            [s for s in strings if s != identity],
        )
    if identity == PASSWORD_INPUT:
        report.error(
            [*base, "identityField"],
            "actor.identity-name",
            f"the login DTO of actor {actor.name!r} holds the identity field and "
            f"{PASSWORD_INPUT!r}; the identity field cannot be called "
            f"{PASSWORD_INPUT!r}",
            [s for s in strings if s != PASSWORD_INPUT],
        )
    if (
        identity is not None
        and model.plain(identity) is not None
        and not any(index.field_names == [identity] for index in model.unique_indexes)
    ):
        report.warning(
            [*base, "identityField"],
            "actor.identity-not-unique",
            f"identity field {model.name}.{identity} of actor {actor.name!r} has "
            "no unique index: two accounts could share it",
            (f"a unique index on [{identity}] in model {model.name}",),
        )
