"""Building a workspace: the manifest, the atomic writer, clean builds."""

from autobe_core.build.builder import BuildProgress, BuildResult, clean_build
from autobe_core.build.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestDiff,
    ManifestEntry,
    ManifestError,
    modified_files,
    untracked_files,
)
from autobe_core.build.workspace import (
    WorkspacePathError,
    read_manifest,
    recover,
    write_clean,
)

__all__ = [
    "MANIFEST_NAME",
    "BuildProgress",
    "BuildResult",
    "Manifest",
    "ManifestDiff",
    "ManifestEntry",
    "ManifestError",
    "WorkspacePathError",
    "clean_build",
    "modified_files",
    "read_manifest",
    "recover",
    "untracked_files",
    "write_clean",
]
