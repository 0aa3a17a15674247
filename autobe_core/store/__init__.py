"""Persistence below the history: the content-addressed blob store, the module-key index
and the storage URL configuration. ``autobe_core.service.storage.open_storage`` bundles
them with the event store."""

from autobe_core.store.blobs import BlobMissing, BlobStore, ModuleIndex, StoreError
from autobe_core.store.config import (
    StorageConfig,
    StorageConfigError,
    default_storage_url,
    parse_storage_url,
)

__all__ = [
    "BlobMissing",
    "BlobStore",
    "ModuleIndex",
    "StorageConfig",
    "StorageConfigError",
    "StoreError",
    "default_storage_url",
    "parse_storage_url",
]
