"""Content organisation features: tags, categories, attachments, reviews, search."""

from __future__ import annotations

from autobe_core.planning.base import NotUnderstood
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
from autobe_core.planning.rules.words import camel
from autobe_core.spec.model import Model, Operation, PlainField, UniqueIndex
from autobe_core.spec.semantics import string_search_fields


class Tags(Feature):
    key = "tags"
    title = "tags"
    aliases = ("tags", "tag", "tagging", "labels", "keywords", "hashtags")
    verbs = ("tag", "label")
    example = "add tags to articles"
    adds = (
        "model `tags` (unique name) and the join model `<target>_tags` (one per target and "
        "tag); list / read tags, create (member), delete (admin); list, attach and detach "
        "the tags of a target"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        target = ctx.need_target()
        t = words_of(conv, target.name)
        tags = conv.table("tag")
        tag = Model(
            name=tags,
            namespace=conv.namespace_for(target),
            description="A keyword that content can be tagged with.",
            plain_fields=[text("name", 50, min_length=1), *timestamps(updated=False)],
            unique_indexes=[UniqueIndex(field_names=["name"])],
        )
        join_name = conv.table(conv.stem(target.name), "tag")
        target_fk = ctx.fk(target.name, conv.relation_name(target.name))
        tag_fk = ctx.fk(tags, "tag")
        join = Model(
            name=join_name,
            namespace=conv.namespace_for(target),
            description=f"A tag attached to {article(t)}.",
            stance="subsidiary",
            foreign_fields=[target_fk, tag_fk],
            plain_fields=timestamps(updated=False),
            unique_indexes=[UniqueIndex(field_names=[target_fk.name, tag_fk.name])],
        )
        reader = conv.reader(target)
        tag_res = ctx.resource(tags)
        join_res = ctx.resource(
            join_name, target, target_fk.name, param=camel(conv.stem(join_name)) + "Id"
        )
        curator = ctx.moderator() or ctx.owner
        ops = [
            tag_res.op("index", reader, "List the tags."),
            tag_res.op("at", reader, "Read one tag."),
            tag_res.op("create", ctx.owner, "Create a tag."),
            tag_res.op("erase", curator, "Delete a tag."),
            join_res.op("index", reader, f"List the tags of {article(t)}."),
            join_res.op("create", ctx.owner, f"Tag {article(t)}."),
            join_res.op("erase", ctx.owner, f"Remove a tag from {article(t)}."),
        ]
        return Parts(models=[tag, join], operations=ops)


class Categories(Feature):
    key = "categories"
    title = "categories"
    aliases = ("categories", "category", "categorization", "categorisation", "sections")
    verbs = ("categorize", "categorise")
    example = "add categories to products"
    adds = (
        "model `categories` (unique name, description, position) and a nullable "
        "`<category>_id` on the target; list / read categories (as the target is read), "
        "create / update / delete by the admin"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        target = ctx.need_target()
        t = words_of(conv, target.name)
        name = conv.table("category")
        model = Model(
            name=name,
            namespace=conv.namespace_for(target),
            description=f"A category that {t}s are filed under.",
            plain_fields=[
                text("name", 100, min_length=1),
                text("description", 1000, nullable=True),
                PlainField(name="position", type="int", minimum=0, maximum=10000),
                *timestamps(),
            ],
            unique_indexes=[UniqueIndex(field_names=["name"])],
        )
        fk = ctx.fk(
            name, "category", nullable=True, description=f"The category of the {t}, if any."
        )
        reader = conv.reader(target)
        curator = ctx.moderator() or ctx.owner
        res = ctx.resource(name)
        ops = [
            res.op("index", reader, "List the categories."),
            res.op("at", reader, "Read one category."),
            res.op("create", curator, "Create a category."),
            res.op("update", curator, "Update a category."),
            res.op("erase", curator, "Delete a category."),
        ]
        return Parts(models=[model], fields=[(target.name, fk)], operations=ops)


class Attachments(Feature):
    key = "attachments"
    title = "file attachments"
    aliases = (
        "attachments",
        "attachment",
        "file attachments",
        "files",
        "file uploads",
        "uploads",
        "images",
    )
    verbs = ("attach files to", "upload files to", "attach")
    example = "add file attachments to items"
    adds = (
        "model `<target>_attachments` (name, url, content type, size; uploaded by the "
        "member); list and read (as the target is read), upload (create) and delete by the "
        "owner"
    )

    def parts(self, ctx: Ctx) -> Parts:
        target = ctx.need_target()
        t = words_of(ctx.conv, target.name)
        c = child_model(
            ctx,
            "attachment",
            f"A file attached to {article(t)}.",
            [
                text("name", 255, min_length=1, description="The file name."),
                PlainField(
                    name="url", type="uri", max_length=2000, description="Where the file is."
                ),
                text("content_type", 100, nullable=True, description="The MIME type."),
                PlainField(name="size", type="int", minimum=0, description="Bytes."),
                *timestamps(updated=False),
            ],
            owner_relation="uploader",
            stance="subsidiary",
        )
        reader = ctx.conv.reader(target)
        res = c.resource
        ops = [
            res.op("index", reader, f"List the files attached to {article(t)}."),
            res.op("at", reader, "Read one attachment."),
            res.op("create", ctx.owner, f"Attach a file to {article(t)}."),
            res.op("erase", ctx.owner, "Delete an attachment."),
        ]
        return Parts(models=[c.model], operations=ops)


class Reviews(Feature):
    key = "reviews"
    title = "reviews"
    aliases = (
        "reviews",
        "review",
        "ratings and reviews",
        "reviews and ratings",
        "rated reviews",
        "testimonials",
    )
    verbs = ("review", "rate and review")
    example = "add ratings and reviews to products"
    adds = (
        "model `<target>_reviews` (rating 1..5, title, body; one per member and target); "
        "list and read, write / edit / delete by the owner, delete by the admin"
    )

    def parts(self, ctx: Ctx) -> Parts:
        target = ctx.need_target()
        t = words_of(ctx.conv, target.name)
        c = child_model(
            ctx,
            "review",
            f"{article(ctx.owner.name if ctx.owner else 'user').capitalize()}'s review of "
            f"{article(t)}.",
            [
                PlainField(name="rating", type="int", minimum=1, maximum=5),
                text("title", 200, nullable=True),
                text("body", 4000, min_length=1),
                *timestamps(),
            ],
            owner_relation="author",
            unique=True,
        )
        reader = ctx.conv.reader(target)
        ops = c.resource.owned_rows(
            reader,
            noun="review",
            listing=f"List the reviews of {article(t)}.",
            creating=f"Review {article(t)}.",
        )
        return Parts(models=[c.model], operations=ops)


class Search(Feature):
    key = "search"
    title = "search"
    aliases = (
        "search",
        "full text search",
        "full-text search",
        "text search",
        "search indexes",
        "searching",
        "keyword search",
    )
    verbs = ("search", "find")
    example = "add search to articles"
    adds = (
        "a gin (text) index on every free-text string field of the target (which has none "
        "yet) and a search operation `PATCH .../<target>/search`; the `search` parameter "
        "of every list operation matches those fields (case-insensitive substring)"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        target = ctx.need_target()
        fields = string_search_fields(target, ctx.spec)
        if not fields:
            raise NotUnderstood(
                f"{target.name} has no free-text string field to search",
                [f"add field NAME:string to {target.name}"],
            )
        reader = conv.reader(target)
        anchor = conv.anchor(target)
        t = words_of(conv, target.name)
        search = Operation(
            path=f"{conv.base(reader)}/{anchor.segment}/search",
            method="patch",
            name="index",
            kind="index",
            model=target.name,
            actor=reader.name if reader else None,
            summary=f"Search the {t}s: `search` matches {', '.join(fields)}.",
        )
        existing = [g.field_name for g in target.gin_indexes]
        parts = Parts(by_endpoint=True)
        if not existing:
            parts.indexes = [(target.name, "gin", (f,)) for f in fields]
            parts.operations = [search]
        else:
            # Searchable already. The feature is then those gin indexes (so "remove
            # search" removes them) with the search operation only where an earlier
            # "add search" put it: never a mix of the project's indexes and the
            # recipe's, which a removal could not tell apart.
            parts.indexes = [(target.name, "gin", (f,)) for f in existing]
            if any((o.method, o.path) == (search.method, search.path) for o in ctx.spec.operations):
                parts.operations = [search]
        parts.notes.append(
            f"every list operation of {target.name} takes `search`: a case-insensitive "
            f"substring of {', '.join(fields)}"
        )
        return parts


FEATURES: tuple[Feature, ...] = (Tags(), Categories(), Attachments(), Reviews(), Search())
