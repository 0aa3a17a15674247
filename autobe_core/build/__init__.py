"""Building a workspace: the manifest, the one tree writer (stage, then swap), clean and
incremental builds, hand edits, checkouts. Clients import from here.

- :mod:`.manifest`: which generated file is where, with what content and origin.
- :mod:`.workspace`: path rules, the atomic swap, crash recovery, reading the manifest.
- :mod:`.trees`: the one writer of trees (``stage_tree``, ``replace_tree``,
  ``materialize``).
- :mod:`.builder`: clean builds; :mod:`.incremental`: prepare / commit / discard.
- :mod:`.edits`: hand edits a change would destroy, and saving them first.
- :mod:`.errors`: :class:`BuildError` and its subclasses (all ``AutobeError``).

Each name is imported from its module when first used (:mod:`autobe_core.lazy`):
reading a manifest does not import the generators.
"""

from typing import TYPE_CHECKING

from autobe_core.lazy import lazy_exports

if TYPE_CHECKING:
    from autobe_core.build.builder import BuildProgress, BuildResult, clean_build
    from autobe_core.build.edits import (
        edited_conflicts,
        edited_files,
        fresh_dir,
        missing_files,
        save_copies,
        user_content,
    )
    from autobe_core.build.errors import (
        BuildError,
        CorruptBlobError,
        ManifestError,
        MaterializeError,
        SavedCopyExists,
        WorkspaceChangedError,
        WorkspacePathError,
    )
    from autobe_core.build.incremental import (
        Lookup,
        Source,
        Staged,
        commit,
        discard,
        incremental_build,
        prepare,
    )
    from autobe_core.build.manifest import (
        IGNORED_DIRS,
        MANIFEST_NAME,
        Manifest,
        ManifestDiff,
        ManifestEntry,
        file_bytes,
        modified_files,
        sha256_bytes,
        text_sha256,
        untracked_files,
    )
    from autobe_core.build.trees import Put, materialize, puts_of, replace_tree, stage_tree
    from autobe_core.build.workspace import (
        check_path,
        check_paths,
        leftovers,
        read_manifest,
        recover,
        swap,
    )

LAZY: dict[str, tuple[str, ...]] = {
    "builder": ("BuildProgress", "BuildResult", "clean_build"),
    "edits": (
        "edited_conflicts",
        "edited_files",
        "fresh_dir",
        "missing_files",
        "save_copies",
        "user_content",
    ),
    "errors": (
        "BuildError",
        "CorruptBlobError",
        "ManifestError",
        "MaterializeError",
        "SavedCopyExists",
        "WorkspaceChangedError",
        "WorkspacePathError",
    ),
    "incremental": (
        "Lookup",
        "Source",
        "Staged",
        "commit",
        "discard",
        "incremental_build",
        "prepare",
    ),
    "manifest": (
        "IGNORED_DIRS",
        "MANIFEST_NAME",
        "Manifest",
        "ManifestDiff",
        "ManifestEntry",
        "file_bytes",
        "modified_files",
        "sha256_bytes",
        "text_sha256",
        "untracked_files",
    ),
    "trees": ("Put", "materialize", "puts_of", "replace_tree", "stage_tree"),
    "workspace": ("check_path", "check_paths", "leftovers", "read_manifest", "recover", "swap"),
}
"""Module (in this package) -> the names it re-exports, imported on first use."""

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(__name__, LAZY)

__all__ = [
    "IGNORED_DIRS",
    "MANIFEST_NAME",
    "BuildError",
    "BuildProgress",
    "BuildResult",
    "CorruptBlobError",
    "Lookup",
    "Manifest",
    "ManifestDiff",
    "ManifestEntry",
    "ManifestError",
    "MaterializeError",
    "Put",
    "SavedCopyExists",
    "Source",
    "Staged",
    "WorkspaceChangedError",
    "WorkspacePathError",
    "check_path",
    "check_paths",
    "clean_build",
    "commit",
    "discard",
    "edited_conflicts",
    "edited_files",
    "file_bytes",
    "fresh_dir",
    "incremental_build",
    "leftovers",
    "materialize",
    "missing_files",
    "modified_files",
    "prepare",
    "puts_of",
    "read_manifest",
    "recover",
    "replace_tree",
    "save_copies",
    "sha256_bytes",
    "stage_tree",
    "swap",
    "text_sha256",
    "untracked_files",
    "user_content",
]
