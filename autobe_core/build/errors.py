"""Errors of building and writing trees: a bad path, a manifest that cannot be read, a
workspace that changed under a build, a checkout target that is not free, a corrupt blob.

All derive from :class:`BuildError`, an :class:`~autobe_core.errors.AutobeError`: the CLI
shows each as one message with its hint. Whatever raised them left the workspace (or the
checkout target) as it was.
"""

from __future__ import annotations

from autobe_core.errors import AutobeError


class BuildError(AutobeError):
    """A tree cannot be written or read back as generated."""


class ManifestError(BuildError):
    """A manifest that cannot be read back (corrupt JSON, wrong shape) or that contradicts
    itself or the files it should describe."""


class WorkspacePathError(BuildError):
    """A path that would land outside the workspace or is malformed, or a workspace (or
    a path in it) that is not what the tree needs there."""


class WorkspaceChangedError(BuildError):
    """The workspace changed between preparing a tree and swapping it in; nothing was
    swapped."""

    hint = (
        "something wrote to the workspace while autobe was building it; run `autobe build` "
        "once it is done (hand edits are kept)"
    )


class MaterializeError(BuildError):
    """The target of a checkout cannot receive the tree (not a directory, or not empty)."""

    hint = "check out into a new or an empty directory"


class CorruptBlobError(BuildError):
    """A blob whose bytes do not hash to the sha256 the manifest records."""

    hint = "the blob store is damaged; restore the project's .autobe/ directory from a backup"


class SavedCopyExists(BuildError, FileExistsError):
    """A saved copy of a hand edit is already where a new one would go (never overwritten).
    Also a :class:`FileExistsError`, which it is."""

    hint = "move the earlier saved copies away, then run the command again"
