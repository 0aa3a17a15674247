"""The `operation` kind: one FastAPI router per API operation, ``app/operations/<id>.py``.

:mod:`.generator` cuts the slices and plans the modules; :mod:`.render` writes the text.
"""

from autobe_core.generate.kinds.operation.generator import plan

__all__ = ["plan"]
