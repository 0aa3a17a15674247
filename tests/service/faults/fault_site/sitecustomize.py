"""Fault injection for ``tests/service/faults/``: put this directory on
the ``PYTHONPATH`` of an ``autobe`` child process and Python imports this module at
start-up, before autobe.

It wraps the operating-system calls every write of autobe goes through (``os`` and
``open``; ``shutil`` and ``pathlib`` call these) and counts the calls on paths under
``AUTOBE_TEST_FAULT_ROOT``, per kind of operation:

======  ==================================================================================
open    ``os.open`` with a writing flag, ``open()`` / ``io.open`` with a writing mode
write   ``os.write`` / ``os.sendfile`` to, or ``.write()`` of, a file opened that way
fsync   ``os.fsync`` of such a file
rename  ``os.rename``, ``os.replace``
mkdir   ``os.mkdir``
remove  ``os.unlink``, ``os.remove``, ``os.rmdir`` (also by descriptor, as ``rmtree`` does)
chmod   ``os.chmod``, ``os.utime``
======  ==================================================================================

``AUTOBE_TEST_FAULT`` says what to do: ``trace`` only counts; ``<op>:<n>:<action>`` acts
at the n-th call (from 1) of ``<op>`` (or of ``any`` operation):

- ``kill``: SIGKILL this process there (a kill -9 at a known write point); a write first
  writes half its bytes (a torn write), anything else never happens;
- ``ENOSPC``: raise ``OSError(ENOSPC)`` (a full disk; a write writes half first);
- ``EACCES``: raise ``PermissionError(EACCES)``.

``AUTOBE_TEST_FAULT_LOG`` names a file that gets one line per counted call:
``<n of any> <op> <path relative to the root>``, ending in `` !`` for the call that was
faulted. The variables are removed from the environment at once, so the tools autobe
runs (mypy, pytest) are not affected.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import signal
from typing import Any

_SPEC = os.environ.pop("AUTOBE_TEST_FAULT", "")
_ROOT = os.environ.pop("AUTOBE_TEST_FAULT_ROOT", "")
_LOG = os.environ.pop("AUTOBE_TEST_FAULT_LOG", "")

WRITING_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
OPS = ("open", "write", "fsync", "rename", "mkdir", "remove", "chmod")
ACTIONS = ("kill", "ENOSPC", "EACCES")


class _Injector:
    def __init__(self, spec: str, root: str, log: str) -> None:
        self.root = os.path.realpath(root)
        self.log = log
        self.counts = dict.fromkeys((*OPS, "any"), 0)
        self.op, self.n, self.action = "", 0, ""
        if spec != "trace":
            op, n, action = spec.split(":")
            if op not in (*OPS, "any") or action not in ACTIONS:
                raise SystemExit(f"sitecustomize: bad AUTOBE_TEST_FAULT {spec!r}")
            self.op, self.n, self.action = op, int(n), action
        self.fds: dict[int, str] = {}
        self.real_open = builtins.open

    def path(self, path: Any, dir_fd: int | None = None) -> str | None:
        """``path`` made absolute when it is under the root, else None."""
        if isinstance(path, int):
            return self.fds.get(path)
        try:
            text = os.fsdecode(os.fspath(path))
        except TypeError:
            return None
        if dir_fd is not None and not os.path.isabs(text):
            try:
                text = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), text)
            except OSError:
                return None
        full = os.path.abspath(text)
        return full if full == self.root or full.startswith(self.root + os.sep) else None

    def hit(self, op: str, path: str | None) -> bool:
        """Count one call; True when it is the call to fault."""
        if path is None:
            return False
        self.counts[op] += 1
        self.counts["any"] += 1
        chosen = self.op in (op, "any") and self.counts[self.op] == self.n
        if self.log:
            rel = os.path.relpath(path, self.root)
            with self.real_open(self.log, "a", encoding="utf-8") as handle:
                handle.write(f"{self.counts['any']} {op} {rel}{' !' if chosen else ''}\n")
        return chosen

    def fault(self, path: str) -> None:
        if self.action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if self.action == "ENOSPC":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)


def _install(inj: _Injector) -> None:
    real = {name: getattr(os, name) for name in (
        "open", "write", "sendfile", "fsync", "close", "rename", "replace", "mkdir",
        "unlink", "remove", "rmdir", "chmod", "utime",
    )}
    real_open = builtins.open

    def simple(op: str, name: str, *path_args: int) -> None:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for i in path_args:
                path = inj.path(args[i], kwargs.get("dir_fd") or kwargs.get(
                    "src_dir_fd" if i == 0 else "dst_dir_fd"))
                if path is not None:
                    if inj.hit(op, path):
                        inj.fault(path)
                    break
            return real[name](*args, **kwargs)

        setattr(os, name, wrapper)

    simple("rename", "rename", 0, 1)
    simple("rename", "replace", 0, 1)
    simple("mkdir", "mkdir", 0)
    for name in ("unlink", "remove", "rmdir"):
        simple("remove", name, 0)
    simple("chmod", "chmod", 0)
    simple("chmod", "utime", 0)

    def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        full = inj.path(path, kwargs.get("dir_fd")) if flags & WRITING_FLAGS else None
        if full is not None and inj.hit("open", full):
            inj.fault(full)
        fd: int = real["open"](path, flags, *args, **kwargs)
        if full is not None:
            inj.fds[fd] = full
        return fd

    def torn(fd: int, data: Any) -> None:
        """Half of ``data`` reaches the file before the fault."""
        view = memoryview(data)
        real["write"](fd, view[: len(view) // 2])

    def os_write(fd: int, data: Any) -> int:
        path = inj.fds.get(fd)
        if inj.hit("write", path):
            assert path is not None
            torn(fd, data)
            inj.fault(path)
        written: int = real["write"](fd, data)
        return written

    def os_sendfile(out_fd: int, *args: Any, **kwargs: Any) -> int:
        path = inj.fds.get(out_fd)
        if inj.hit("write", path):
            assert path is not None
            inj.fault(path)
        sent: int = real["sendfile"](out_fd, *args, **kwargs)
        return sent

    def os_fsync(fd: Any) -> None:
        number = fd if isinstance(fd, int) else fd.fileno()
        path = inj.fds.get(number)
        if inj.hit("fsync", path):
            assert path is not None
            inj.fault(path)
        real["fsync"](fd)

    def os_close(fd: int) -> None:
        inj.fds.pop(fd, None)
        real["close"](fd)

    class Writer:
        """A file opened for writing under the root: its writes are counted."""

        def __init__(self, handle: Any, path: str) -> None:
            self._handle, self._path = handle, path
            inj.fds[handle.fileno()] = path

        def write(self, data: Any) -> int:
            if inj.hit("write", self._path):
                self._handle.write(data[: len(data) // 2])
                self._handle.flush()
                inj.fault(self._path)
            written: int = self._handle.write(data)
            return written

        def close(self) -> None:
            if not self._handle.closed:
                inj.fds.pop(self._handle.fileno(), None)
            self._handle.close()

        def __enter__(self) -> Writer:
            return self

        def __exit__(self, *exc: object) -> None:
            self.close()

        def __iter__(self) -> Any:
            return iter(self._handle)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._handle, name)

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        full = None
        if any(c in mode for c in "wax+") and not isinstance(file, int):
            full = inj.path(file)
        if full is not None and inj.hit("open", full):
            inj.fault(full)
        handle = real_open(file, mode, *args, **kwargs)
        return Writer(handle, full) if full is not None else handle

    os.open = os_open
    os.write = os_write
    os.sendfile = os_sendfile
    os.fsync = os_fsync
    os.close = os_close
    builtins.open = open_
    io.open = open_


if _SPEC and _ROOT:
    _install(_Injector(_SPEC, _ROOT, _LOG))
