"""Storage: one URL names the database that holds the event store, the blob store and
the module index (``open_storage``)."""

from autobe_core.store.blobs import BlobStore, ModuleIndex, StoreError
from autobe_core.store.config import (
    StorageConfig,
    StorageConfigError,
    default_storage_url,
    parse_storage_url,
)
from autobe_core.store.storage import Storage, destroy_storage, open_storage

__all__ = [
    "BlobStore",
    "ModuleIndex",
    "Storage",
    "StorageConfig",
    "StorageConfigError",
    "StoreError",
    "default_storage_url",
    "destroy_storage",
    "open_storage",
    "parse_storage_url",
]
