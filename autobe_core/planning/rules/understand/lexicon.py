"""The words the understanding pipeline knows, as tables: intent cues, filler words, the
catalog's synonyms in everyday words, and the words of field details.

Every word is written in its base form (a noun in the singular, a verb's lemma):
:mod:`.reading` reduces the request's words to those forms with lemminflect first, so
``uploads``, ``uploading`` and ``uploaded`` all read as ``upload``.
"""

from __future__ import annotations

from typing import Literal

from autobe_core.spec.model import OperationKind

Intent = Literal["add", "remove", "rename", "make", "allow", "forbid", "track", "restrict"]
"""What a request asks for. ``restrict``: "only X can ..." (allow X, forbid the others)."""

INTENTS: tuple[Intent, ...] = (
    "add", "remove", "rename", "make", "allow", "forbid", "track", "restrict",
)

ADD_VERBS = frozenset({
    "add", "create", "introduce", "support", "include", "need", "want", "have", "get",
    "give", "put", "store", "offer", "provide", "require", "build", "implement", "enable",
    "attach", "hold", "carry", "contain", "keep", "set up", "setup", "turn on", "bring",
})
"""Verbs (lemmas) that ask for something new."""

TRACK_VERBS = frozenset({"track", "record", "log", "capture", "remember", "note", "stamp"})
"""Verbs that ask to keep a fact: a cross-cutting feature, or a field."""

REMOVE_VERBS = frozenset({
    "remove", "delete", "drop", "eliminate", "scrap", "retire", "disable", "kill", "ditch",
    "discard", "lose", "turn off", "get rid of", "take out", "do away with",
})
"""Verbs that ask to take something away (a feature, a model, a field)."""

RENAME_VERBS = frozenset({"rename", "call", "name", "refer", "know", "relabel", "retitle"})
"""Verbs of a rename: "rename X to Y", "call X Y", "X should be called Y"."""

MAKE_VERBS = frozenset({"make", "be", "become", "mark", "turn", "set"})
"""Verbs of a modifier: "make X unique", "X must be unique"."""

ABILITY_WORDS = frozenset({
    "let", "allow", "permit", "able", "ability", "can", "could", "may", "possible", "free",
    "permission", "right",
})
"""Words of an ability: "let members ...", "should be able to", "can", "may"."""

NEGATIONS = frozenset({"not", "never", "no", "nobody", "without", "cannot"})
"""Words that negate the ability next to them."""

FORBID_VERBS = frozenset({
    "forbid", "disallow", "prevent", "stop", "revoke", "block", "deny", "prohibit", "restrict",
    "take away", "withdraw",
})
"""Verbs that take an ability away."""

MODIFIERS: dict[str, str] = {
    "unique": "unique",
    "distinct": "unique",
    "optional": "optional",
    "nullable": "optional",
    "required": "required",
    "mandatory": "required",
    "compulsory": "required",
    "indexed": "indexed",
    "index": "indexed",
    "searchable": "searchable",
}
"""Adjectives of "make X ADJ" and "X must be ADJ" -> the grammar's adjective."""

FILLER = frozenset({
    "a", "an", "the", "some", "any", "own", "other", "another", "new", "also", "too", "just",
    "really", "please", "now", "then", "anymore", "longer", "from", "on", "so", "that",
    "which", "who", "whom", "whose", "there", "here", "to", "for", "of", "in", "into", "onto",
    "with", "by", "at", "as", "and", "or", "it", "its", "it's", "they", "them", "their",
    "theirs", "his", "her", "hers", "my", "our", "your", "we", "i", "you", "he", "she",
    "should", "must", "shall", "will", "would", "do", "does", "did", "be", "is", "are",
    "was", "were", "been", "being", "has", "had", "going", "way", "thing", "option", "feature",
    "functionality", "capability", "system", "support", "well", "actually", "always",
    "already", "ever", "only", "every", "each", "all", "both", "either", "neither", "ok",
    "okay", "able", "ability", "let", "allow", "can", "could", "may", "might",
    "want", "need", "needs", "lot", "lots", "more", "one", "user's", "someone", "something",
    "other's", "each other", "one another", "when", "what", "whether", "if", "this", "these",
    "those", "about", "per", "via", "through", "using", "use", "up", "out", "off", "down",
    "over", "after", "before", "not", "no", "never", "instead", "than", "possible",
    "right", "permission", "let's", "anyway", "kindly", "quickly", "soon",
    "later", "today", "yet", "very", "much", "many", "between", "among", "role", "actor",
    "everything", "anything",
})
"""Words that carry no name and no meaning of their own to the rules (their meaning, when
they have one, is read as a cue first)."""

EVERY_WORDS = frozenset({"every", "each", "all", "any"})
"""Words that, before a scope noun, mean every model."""

SCOPE_NOUNS = frozenset({
    "table", "model", "entity", "record", "row", "resource", "object", "item", "thing",
    "collection", "type", "kind",
})
"""Nouns that, after ``every`` / ``each`` / ``all``, mean every model of the project
(``item`` only when the project has no model of that name)."""

PUBLIC_WORDS = frozenset({
    "anyone", "anybody", "everyone", "everybody", "public", "visitor", "guest", "anonymous",
    "stranger", "non-member", "outsider",
})
"""Who is no actor: the public (unless the project has a guest actor)."""

GENERIC_ACTOR_WORDS = frozenset({"user", "people", "person", "somebody", "someone", "folk"})
"""Words for whoever uses the project: its owner actor, unless an actor has the name."""

OPERATION_VERBS: dict[str, tuple[OperationKind, ...]] = {
    "create": ("create",),
    "add": ("create",),
    "post": ("create",),
    "write": ("create",),
    "submit": ("create",),
    "publish": ("create",),
    "open": ("at",),
    "make": ("create",),
    "start": ("create",),
    "place": ("create",),
    "file": ("create",),
    "read": ("index", "at"),
    "view": ("index", "at"),
    "see": ("index", "at"),
    "browse": ("index", "at"),
    "access": ("index", "at"),
    "look": ("index", "at"),
    "get": ("at",),
    "fetch": ("at",),
    "list": ("index",),
    "search": ("index",),
    "update": ("update",),
    "edit": ("update",),
    "modify": ("update",),
    "change": ("update",),
    "alter": ("update",),
    "amend": ("update",),
    "delete": ("erase",),
    "remove": ("erase",),
    "erase": ("erase",),
    "destroy": ("erase",),
    "manage": ("index", "at", "create", "update", "erase"),
    "moderate": ("index", "at", "update", "erase"),
    "hide": ("update",),
    "pin": ("update",),
    "unpin": ("update",),
    "lock": ("update",),
    "unlock": ("update",),
    "approve": ("update",),
    "archive": ("update",),
    "close": ("update",),
    "administer": ("index", "at", "create", "update", "erase"),
}
"""Verbs of operations (lemmas) -> the operation kinds they mean."""

SET_VERBS = frozenset({"set", "change", "edit", "modify", "update", "toggle", "flip", "assign"})
"""Verbs of "only X can set F": writing one field."""

FEATURE_PHRASES: dict[str, str] = {
    "upload picture": "attachments",
    "upload photo": "attachments",
    "upload image": "attachments",
    "upload file": "attachments",
    "upload document": "attachments",
    "upload": "attachments",
    "picture": "attachments",
    "photo": "attachments",
    "image": "attachments",
    "screenshot": "attachments",
    "attach picture": "attachments",
    "attach photo": "attachments",
    "attach image": "attachments",
    "attach file": "attachments",
    "attached file": "attachments",
    "document": "attachments",
    "upvote": "votes",
    "downvote": "votes",
    "vote": "votes",
    "thumbs up": "likes",
    "heart": "likes",
    "like": "likes",
    "react": "reactions",
    "emoji": "reactions",
    "follow": "follows",
    "follower": "follows",
    "subscribe": "follows",
    "private message": "direct messages",
    "direct message": "direct messages",
    "message": "direct messages",
    "dm": "direct messages",
    "chat": "direct messages",
    "report": "reports",
    "flag": "reports",
    "abuse report": "reports",
    "bookmark": "bookmarks",
    "favorite": "bookmarks",
    "favourite": "bookmarks",
    "save": "bookmarks",
    "saved": "bookmarks",
    "star": "ratings",
    "rate": "ratings",
    "rating": "ratings",
    "score": "ratings",
    "review": "reviews",
    "tag": "tags",
    "label": "tags",
    "hashtag": "tags",
    "keyword": "tags",
    "categorize": "categories",
    "categorise": "categories",
    "category": "categories",
    "notify": "notifications",
    "notification": "notifications",
    "alert": "notifications",
    "comment": "comments",
    "discuss": "comments",
    "discussion": "comments",
    "wishlist": "wishlist",
    "wish list": "wishlist",
    "search": "search",
    "full text search": "search",
    "keyword search": "search",
    "who create": "created_by",
    "who made": "created_by",
    "who make": "created_by",
    "who write": "created_by",
    "who add": "created_by",
    "creator": "created_by",
    "author": "created_by",
    "timestamp": "timestamps",
    "creation time": "timestamps",
    "creation date": "timestamps",
    "when create": "timestamps",
    "when update": "timestamps",
    "when modify": "timestamps",
    "when change": "timestamps",
    "soft delete": "soft delete",
    "trash": "soft delete",
    "recycle bin": "soft delete",
    "undelete": "soft delete",
    "restore": "soft delete",
    "audit": "audit fields",
    "audit trail": "audit fields",
    "audit field": "audit fields",
}
"""Everyday words (base forms, longest match first) -> the catalog feature they mean,
beyond each feature's own names (:mod:`~autobe_core.planning.rules.catalog`)."""

AMBIGUOUS_FEATURE_WORDS = frozenset({
    "picture", "photo", "image", "document", "message", "report", "flag", "save", "saved",
    "star", "score", "rating", "review", "label", "keyword", "category", "comment",
    "notification", "alert", "search", "restore", "like", "heart", "vote", "tag", "file",
})
"""Feature words that are also ordinary nouns: a model or field of that name, when the
project has one, wins (``reviews`` on a shopping project is its model)."""

SOFT_DELETE_WORDS = frozenset({"deleted", "erased", "removed", "deleting", "deletion"})
"""With "keep" (``keep deleted rows``): soft delete."""

TYPE_NOUNS: dict[str, str] = {
    "timestamp": "datetime",
    "time": "datetime",
    "date": "datetime",
    "datetime": "datetime",
    "deadline": "datetime",
    "number": "int",
    "count": "int",
    "integer": "int",
    "amount": "decimal",
    "price": "decimal",
    "money": "decimal",
    "flag": "boolean",
    "boolean": "boolean",
    "checkbox": "boolean",
    "toggle": "boolean",
    "text": "string",
    "string": "string",
    "note": "string",
    "link": "uri",
    "url": "uri",
    "email": "email",
}
"""Nouns that say a field's type when they close the field's words (``a completion
timestamp``, ``a priority number``)."""

ROLE_NOUNS = frozenset({"role", "actor", "account type", "user type", "kind of user"})
"""Nouns of "add a moderator role": a new actor."""

LIGHT_VERBS = frozenset({
    "leave", "send", "give", "write", "post", "do", "group", "sort", "organize", "organise",
    "file", "put", "receive", "get", "use", "place", "mark",
})
"""Verbs that carry a feature noun without meaning of their own: "leave comments", "send
alerts", "group items into categories"."""
