"""The `operation` kind: one FastAPI router per API operation, ``app/operations/<id>.py``.

:mod:`.generator` cuts the slices and plans the modules; :mod:`.render` writes the text;
:mod:`.custom` adds each custom operation's typed interface and the handlers that call an
implementation (the user's).
"""

from autobe_core.generate.kinds.operation.custom import plan

__all__ = ["plan"]
