"""The `dto` kind: one pydantic DTO module per model, ``app/dtos/<model>.py``."""

from autobe_core.generate.kinds.dto.generator import plan

__all__ = ["plan"]
