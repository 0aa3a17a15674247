"""One writer per project: an exclusive, non-blocking lock on ``.autobe/lock``.

A second ``autobe change`` on the same project fails at once with a conflict naming the
holder, instead of waiting or interleaving. The operating system releases the lock when
the holder exits, also when it is killed, so a crash never leaves a stale lock.
The event store's optimistic concurrency stays as the second guard (two machines
sharing one PostgreSQL store).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from types import TracebackType

from autobe_core.errors import AutobeError


class ProjectBusy(AutobeError):
    """Another process holds the project's write lock."""


class ProjectLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            os.close(fd)
            raise ProjectBusy(
                "conflict: another autobe process is changing this project "
                f"({holder or 'unknown'})",
                "wait for it to finish, then run your command again; nothing was changed",
            ) from None
        # Who holds it, for the message of a second writer: best effort (a full disk
        # must not stop the holder; the lock is the flock, not this text).
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


PROC_LOCKS = Path("/proc/locks")


def lock_holder(path: Path) -> str | None:
    """Who holds the write lock at ``path`` (``pid N since HH:MM:SS``, or ``unknown``);
    None when nobody does. Only looks: on Linux it reads ``/proc/locks`` and never
    touches the lock; elsewhere it tries a shared lock for an instant."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    try:
        table = PROC_LOCKS.read_text(encoding="ascii", errors="replace")
    except OSError:
        held = _probe(path)
    else:
        inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
        held = any(
            len(f := line.split()) > 5 and f[1] == "FLOCK" and f[5] == inode
            for line in table.splitlines()
        )
    if not held:
        return None
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()[:200] or "unknown"
    except OSError:
        return "unknown"


def _probe(path: Path) -> bool:
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
