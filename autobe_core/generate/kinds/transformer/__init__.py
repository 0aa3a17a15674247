"""The `transformer` kind: ORM rows -> response DTOs, ``app/transformers/<model>.py``."""

from autobe_core.generate.kinds.transformer.generator import plan

__all__ = ["plan"]
