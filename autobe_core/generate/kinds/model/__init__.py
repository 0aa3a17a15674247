"""The `model` kind: one SQLAlchemy ORM module per model, ``app/models/<model>.py``."""

from autobe_core.generate.kinds.model.generator import plan

__all__ = ["plan"]
