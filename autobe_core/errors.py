"""The one root of autobe's exceptions.

Every exception class defined in ``autobe_core`` derives from :class:`AutobeError`
(``tests/test_errors.py`` checks it), so a client catches one type: the CLI prints any of
them as one message (and its hint) and exits non-zero, with a traceback only under
``--debug``. Each package keeps its own subclasses beside its code (``build.errors``,
``history.errors``, ``store``, ...); the few defined here belong to no single package.
"""

from __future__ import annotations


class AutobeError(Exception):
    """A failure with a message for the user and, where useful, what to do next.

    ``message`` says what went wrong; ``hint`` what to do about it. A subclass may give a
    default hint as a class attribute; a raise site may give its own. A subclass that keeps
    its failure as fields (a dataclass) and does not call this ``__init__`` gets its
    ``str()`` as its message.
    """

    hint: str | None = None
    """What to do next (None: nothing useful to say)."""

    def __init__(self, message: str = "", hint: str | None = None) -> None:
        super().__init__(message)
        self._message = message
        if hint is not None:
            self.hint = hint

    @property
    def message(self) -> str:
        """What went wrong, without the hint."""
        given: str | None = self.__dict__.get("_message")
        if given is not None:
            return given
        if type(self).__str__ is AutobeError.__str__:
            return Exception.__str__(self)
        return str(self)

    @message.setter
    def message(self, value: str) -> None:
        self._message = value

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ProjectNotFound(AutobeError):
    """No autobe project where one was looked for."""


class ProjectExists(AutobeError):
    """A project already exists where a new one was to be created."""


class NotBuilt(AutobeError):
    """The workspace has not been built yet."""
