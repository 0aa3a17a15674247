"""Moderation: reports of abusive content, reviewed by the admin."""

from __future__ import annotations

from autobe_core.planning.rules.catalog.base import (
    Ctx,
    Feature,
    Parts,
    article,
    child_model,
    text,
    timestamps,
    words_of,
)
from autobe_core.spec.model import PlainField


class Reports(Feature):
    key = "reports"
    title = "reports"
    aliases = (
        "reports",
        "report",
        "reporting",
        "moderation",
        "abuse reports",
        "content reports",
        "flags",
        "flagging",
    )
    verbs = ("report", "flag")
    example = "add reports to comments"
    adds = (
        "model `<target>_reports` (reason enum, explanation, status open/resolved/"
        "dismissed, resolved_at, reviewer = the admin); the member reports (create) and "
        "lists their reports; the admin lists, reads and resolves (update) them"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        target = ctx.need_target()
        t = words_of(conv, target.name)
        mod = ctx.moderator()
        c = child_model(
            ctx,
            "report",
            f"{article(ctx.owner.name if ctx.owner else 'user').capitalize()}'s report of "
            f"an abusive {t}.",
            [
                PlainField(
                    name="reason", type="string", enum=["spam", "abuse", "off_topic", "other"]
                ),
                text("explanation", 2000, nullable=True),
                PlainField(
                    name="status",
                    type="string",
                    enum=["open", "resolved", "dismissed"],
                    default="open",
                    description="Open until a moderator resolves or dismisses it.",
                ),
                PlainField(name="resolved_at", type="datetime", nullable=True),
                *timestamps(),
            ],
            owner_relation="reporter",
        )
        model = c.model
        if mod is not None:
            reviewer = ctx.fk(
                mod.model,
                "reviewer",
                name="reviewer_id",
                nullable=True,
                description=f"The {mod.name} who handled the report.",
            )
            model = model.model_copy(update={"foreign_fields": [*model.foreign_fields, reviewer]})
        res = c.resource
        ops = [
            res.op("create", ctx.owner, f"Report {article(t)}."),
            res.op("index", ctx.owner, "List your reports.", nested=False),
        ]
        notes = []
        if mod is not None:
            ops += [
                res.op("index", mod, "List the reports to review.", nested=False),
                res.op("at", mod, "Read one report."),
                res.op("update", mod, "Resolve or dismiss a report."),
            ]
        else:
            notes.append("no admin actor: nobody reviews the reports through the API yet")
        return Parts(models=[model], operations=ops, notes=notes)


FEATURES: tuple[Feature, ...] = (Reports(),)
