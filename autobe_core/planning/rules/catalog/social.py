"""Social features: comments, likes, reactions, votes, bookmarks, follows, wishlists."""

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
from autobe_core.spec.model import Model, PlainField, UniqueIndex


def _owner(ctx: Ctx) -> str:
    return ctx.owner.name if ctx.owner else "user"


class Comments(Feature):
    key = "comments"
    title = "comments"
    aliases = ("comments", "comment", "commenting", "comment threads", "discussion")
    verbs = ("comment on", "comment")
    example = "add comments to articles"
    adds = (
        "model `<target>_comments` (body, timestamps; belongs to the target, owned by the "
        "member actor); list and read (public when the target is publicly readable), "
        "create / update / delete by the owner, delete by the admin (moderation)"
    )

    def parts(self, ctx: Ctx) -> Parts:
        t = words_of(ctx.conv, ctx.need_target().name)
        c = child_model(
            ctx,
            "comment",
            f"A comment {article(_owner(ctx))} wrote on {article(t)}.",
            [text("body", 4000, min_length=1), *timestamps()],
            owner_relation="author",
        )
        reader = ctx.conv.reader(ctx.need_target())
        ops = c.resource.owned_rows(
            reader,
            noun="comment",
            listing=f"List the comments on {article(t)}.",
            creating=f"Comment on {article(t)}.",
        )
        return Parts(models=[c.model], operations=ops)


class _Marks(Feature):
    """One row per (target, owner): likes, reactions, votes, ratings."""

    word = ""
    noun = ""
    relation = "author"
    choices: tuple[str, str, list[str]] | None = None
    """(field name, description, enum values) of the mark's kind, if any."""
    changeable = True

    def extra(self) -> list[PlainField]:
        if self.choices is None:
            return []
        name, description, values = self.choices
        return [PlainField(name=name, type="string", enum=values, description=description)]

    def parts(self, ctx: Ctx) -> Parts:
        target = ctx.need_target()
        t = words_of(ctx.conv, target.name)
        plain = [*self.extra(), *timestamps(updated=self.changeable)]
        c = child_model(
            ctx,
            self.word,
            f"One {_owner(ctx)}'s {self.noun} of {article(t)}.",
            plain,
            owner_relation=self.relation,
            unique=True,
            stance="subsidiary",
        )
        reader = ctx.conv.reader(target)
        res = c.resource
        ops = [
            res.op("index", reader, f"List the {self.noun}s of {article(t)}."),
            res.op("create", ctx.owner, f"Add your {self.noun} to {article(t)}."),
        ]
        if self.changeable:
            ops.append(res.op("update", ctx.owner, f"Change your {self.noun}."))
        ops.append(res.op("erase", ctx.owner, f"Withdraw your {self.noun}."))
        return Parts(models=[c.model], operations=ops)


class Likes(_Marks):
    key = "likes"
    title = "likes"
    aliases = ("likes", "like", "liking", "hearts", "favourite counts", "thumbs up")
    verbs = ("like",)
    word = "like"
    noun = "like"
    relation = "liker"
    changeable = False
    example = "add likes to comments"
    adds = (
        "model `<target>_likes` (one per member and target: unique); list, like "
        "(create) and unlike (delete)"
    )


class Reactions(_Marks):
    key = "reactions"
    title = "reactions"
    aliases = ("reactions", "reaction", "emoji reactions", "emojis")
    verbs = ("react to", "react on")
    word = "reaction"
    noun = "reaction"
    relation = "reactor"
    choices = (
        "reaction_type",
        "Which reaction.",
        ["like", "love", "laugh", "wow", "sad", "angry"],
    )
    example = "add reactions to articles"
    adds = (
        "model `<target>_reactions` (reaction_type enum like/love/laugh/wow/sad/angry, "
        "one per member and target); list, react, change, withdraw"
    )


class Votes(_Marks):
    key = "votes"
    title = "votes"
    aliases = ("votes", "vote", "voting", "upvotes", "up and down votes", "upvotes and downvotes")
    verbs = ("vote on", "upvote", "downvote", "vote for")
    word = "vote"
    noun = "vote"
    relation = "voter"
    choices = ("vote_type", "Up or down.", ["up", "down"])
    example = "add votes to items"
    adds = (
        "model `<target>_votes` (vote_type up/down, one per member and target); list, "
        "vote, change, withdraw"
    )


class Ratings(_Marks):
    key = "ratings"
    title = "ratings"
    aliases = ("ratings", "rating", "star ratings", "stars", "scores")
    verbs = ("rate",)
    word = "rating"
    noun = "rating"
    relation = "rater"
    example = "add ratings to products"
    adds = (
        "model `<target>_ratings` (score 1..5, one per member and target); list, rate, "
        "change, withdraw"
    )

    def extra(self) -> list[PlainField]:
        return [
            PlainField(name="score", type="int", minimum=1, maximum=5, description="1 to 5 stars.")
        ]


class Bookmarks(Feature):
    key = "bookmarks"
    title = "bookmarks"
    aliases = ("bookmarks", "bookmark", "favorites", "favourites", "favorite", "saved items")
    verbs = ("bookmark", "favorite", "favourite", "save")
    example = "add bookmarks to articles"
    adds = (
        "model `<target>_bookmarks` (owner first, optional note, one per member and "
        "target); the member's own list, bookmark (create), remove"
    )

    def parts(self, ctx: Ctx) -> Parts:
        t = words_of(ctx.conv, ctx.need_target().name)
        c = child_model(
            ctx,
            "bookmark",
            f"{article(t).capitalize()} {article(_owner(ctx))} bookmarked.",
            [text("note", 500, nullable=True), *timestamps(updated=False)],
            owner_relation="owner",
            owner_first=True,
            unique=True,
            stance="subsidiary",
        )
        res = c.resource
        ops = [
            res.op("index", ctx.owner, "List your bookmarks.", nested=False),
            res.op("create", ctx.owner, f"Bookmark {article(t)}."),
            res.op("erase", ctx.owner, "Remove a bookmark."),
        ]
        return Parts(models=[c.model], operations=ops)


class Wishlist(Feature):
    key = "wishlist"
    title = "a wishlist"
    aliases = ("wishlist", "wishlists", "wish list", "wish lists", "wishes")
    verbs = ("wish for", "wishlist")
    example = "add a wishlist for products"
    adds = (
        "model `wishlist_<targets>` (owner first, target, note, one per member and "
        "target); the member's wishlist, add to it (create), remove"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        target = ctx.need_target()
        t = words_of(conv, target.name)
        c = child_model(
            ctx,
            "",
            f"{article(t).capitalize()} on {article(_owner(ctx))}'s wishlist.",
            [text("note", 200, nullable=True), *timestamps(updated=False)],
            owner_relation="owner",
            owner_first=True,
            unique=True,
            stance="subsidiary",
            name=conv.table("wishlist", conv.stem(target.name)),
            segment="wishlist",
        )
        res = c.resource
        ops = [
            res.op("index", ctx.owner, "List your wishlist.", nested=False),
            res.op("create", ctx.owner, f"Put {article(t)} on your wishlist."),
            res.op("erase", ctx.owner, "Take an entry off your wishlist."),
        ]
        return Parts(models=[c.model], operations=ops)


class Follows(Feature):
    key = "follows"
    title = "follows"
    aliases = ("follows", "follow", "followers", "following", "subscriptions", "subscribers")
    verbs = ("follow", "subscribe to")
    target = "account"
    example = "add follows"
    adds = (
        "model `<account>_follows` (follower = the member, followee = another account, "
        'or the target model named: "add follows to categories"); the member\'s follows, '
        "follow (create), unfollow (delete)"
    )

    def parts(self, ctx: Ctx) -> Parts:
        conv = ctx.conv
        target = ctx.need_target()
        t = words_of(conv, target.name)
        owner = ctx.owner
        if owner is None:
            raise ValueError("follows need an owner actor")
        table = conv.table(conv.stem(target.name), "follow")
        same = target.name == owner.model
        follower = ctx.fk(owner.model, "follower", name="follower_id" if same else None)
        followee = ctx.fk(
            target.name,
            "followee" if same else conv.relation_name(target.name),
            name="followee_id" if same else None,
        )
        model = Model(
            name=table,
            namespace=conv.namespace_for(target),
            description=f"{article(owner.name).capitalize()} following {article(t)}.",
            stance="subsidiary",
            foreign_fields=[follower, followee],
            plain_fields=timestamps(updated=False),
            unique_indexes=[UniqueIndex(field_names=[follower.name, followee.name])],
        )
        res = ctx.resource(table, target, followee.name, segment="follows")
        ops = [
            res.op("index", owner, f"List the {t}s you follow.", nested=False),
            res.op("create", owner, f"Follow {article(t)}."),
            res.op("erase", owner, "Unfollow."),
        ]
        return Parts(models=[model], operations=ops)


FEATURES: tuple[Feature, ...] = (
    Comments(),
    Likes(),
    Reactions(),
    Votes(),
    Ratings(),
    Bookmarks(),
    Wishlist(),
    Follows(),
)
