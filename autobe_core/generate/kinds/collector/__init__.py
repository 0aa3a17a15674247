"""The `collector` kind: request DTOs -> ORM rows and queries, ``app/collectors/<model>.py``."""

from autobe_core.generate.kinds.collector.generator import plan

__all__ = ["plan"]
