"""The `test` kind: the generated backend's own end-to-end tests.

:mod:`.generator` plans the modules; :mod:`.slices` cuts what each test module reads;
:mod:`.render` holds the pieces every test module shares; :mod:`.crud`, :mod:`.write` and
:mod:`.auth` write the cases of each operation kind; :mod:`.factories` renders the factories.
"""

from autobe_core.generate.kinds.test.generator import plan

__all__ = ["plan"]
