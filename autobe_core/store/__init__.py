"""Persistence below the history: the content-addressed blob store, the module-key index,
their database (one sqlite3 / psycopg connection, :mod:`.database`), the storage URL
configuration and the storage boundary (driver errors -> StoreError).
``autobe_core.service.storage.open_storage`` bundles them with the event store."""

from autobe_core.store.blobs import BlobMissing, BlobStore, ModuleIndex
from autobe_core.store.config import (
    StorageConfig,
    StorageConfigError,
    default_storage_url,
    parse_storage_url,
)
from autobe_core.store.errors import (
    DiskFull,
    StoreDamaged,
    StoreError,
    StoreFull,
    StoreUnavailable,
    is_disk_full,
    storage_errors,
)

__all__ = [
    "BlobMissing",
    "BlobStore",
    "DiskFull",
    "ModuleIndex",
    "StorageConfig",
    "StorageConfigError",
    "StoreDamaged",
    "StoreError",
    "StoreFull",
    "StoreUnavailable",
    "default_storage_url",
    "is_disk_full",
    "parse_storage_url",
    "storage_errors",
]
