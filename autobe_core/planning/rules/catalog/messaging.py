"""Messaging features: notifications and direct messages."""

from __future__ import annotations

from autobe_core.planning.base import NotUnderstood
from autobe_core.planning.rules.catalog.base import (
    Ctx,
    Feature,
    Parts,
    article,
    text,
    timestamps,
    words_of,
)
from autobe_core.spec.model import Model, PlainField


class Notifications(Feature):
    key = "notifications"
    title = "notifications"
    aliases = ("notifications", "notification", "alerts", "inbox notifications", "notices")
    verbs = ("notify",)
    linked = True
    example = "add notifications"
    adds = (
        "model `notifications` (recipient = the member, optional link to the main model, "
        "title, body, link, is_read, read_at); the member lists, reads, marks read (update) "
        "and deletes their own; the admin sends (create) and lists them"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        owner = ctx.owner
        if owner is None:
            raise NotUnderstood("notifications need an actor to notify; the project has none")
        target = ctx.target
        name = conv.table("notification")
        fks = [ctx.fk(owner.model, "recipient")]
        if target is not None and target.name != owner.model:
            t = words_of(conv, target.name)
            fks.append(
                ctx.fk(
                    target.name,
                    conv.relation_name(target.name, "subject"),
                    nullable=True,
                    description=f"The {t} the notification is about, if any.",
                )
            )
        model = Model(
            name=name,
            namespace=conv.namespace_for(target),
            description=f"A message to {article(owner.name)} about something that happened.",
            foreign_fields=fks,
            plain_fields=[
                text("title", 200, min_length=1),
                text("body", 2000),
                PlainField(name="link", type="uri", nullable=True, max_length=2000),
                PlainField(name="is_read", type="boolean", default=False),
                PlainField(name="read_at", type="datetime", nullable=True),
                *timestamps(updated=False),
            ],
        )
        res = ctx.resource(name)
        ops = [
            res.op("index", owner, "List your notifications."),
            res.op("at", owner, "Read one of your notifications."),
            res.op("update", owner, "Mark a notification read (or unread)."),
            res.op("erase", owner, "Delete one of your notifications."),
        ]
        notes = []
        sender = ctx.moderator()
        if sender is not None:
            ops += [
                res.op("create", sender, f"Send a notification to {article(owner.name)}."),
                res.op("index", sender, "List every notification."),
            ]
        else:
            notes.append(
                "no admin actor: notifications are created by your own code (no create operation)"
            )
        return Parts(models=[model], operations=ops, notes=notes)


class DirectMessages(Feature):
    key = "direct messages"
    title = "direct messages"
    aliases = (
        "direct messages",
        "direct message",
        "dms",
        "dm",
        "private messages",
        "private messaging",
        "messages",
        "messaging",
        "chat",
    )
    verbs = ("message", "send messages to", "dm", "send direct messages to")
    target = "none"
    example = "add direct messages"
    adds = (
        "model `direct_messages` (sender = the member, recipient, body, read_at); the "
        "sender lists, reads, sends (create) and deletes their messages"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        owner = ctx.owner
        if owner is None:
            raise NotUnderstood("direct messages need an actor; the project has none")
        name = conv.table("direct_message")
        model = Model(
            name=name,
            namespace=conv.namespace_for(None),
            description=f"A private message from one {owner.name} to another.",
            foreign_fields=[
                ctx.fk(owner.model, "sender", name="sender_id"),
                ctx.fk(owner.model, "recipient", name="recipient_id"),
            ],
            plain_fields=[
                text("body", 4000, min_length=1),
                PlainField(name="read_at", type="datetime", nullable=True),
                *timestamps(updated=False),
            ],
        )
        res = ctx.resource(name)
        ops = [
            res.op("index", owner, "List the messages you sent (filter by recipient_id)."),
            res.op("at", owner, "Read a message you sent."),
            res.op("create", owner, f"Send a message to another {owner.name}."),
            res.op("erase", owner, "Delete a message you sent."),
        ]
        return Parts(
            models=[model],
            operations=ops,
            notes=[
                "the generated operations are the sender's (the owner key is sender_id); "
                "a recipient's inbox needs a custom operation"
            ],
        )


FEATURES: tuple[Feature, ...] = (Notifications(), DirectMessages())
