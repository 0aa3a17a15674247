"""Fault injection: kill -9, failing writes and damaged state at the write points of
``init``, ``import``, ``change``, ``rollback``, ``build`` and ``checkout``, in real
``autobe`` processes on real files and SQLite. After every fault the project is whole:

- the tree the command writes (``backend/``, or a checkout's target) holds exactly the
  old or the new revision's files (a kill in the middle of the swap leaves the old tree
  aside, and the next command puts it back);
- every file of the user's made before the fault is there byte for byte: a hand edit of
  a generated file, untracked files (with ``--force``: its saved copy under
  ``.autobe/saved/``);
- the head is the old or the new revision, and the history has no gap;
- the command and the next ones (``status``, then the same command again, or ``build``
  when the revision landed) either work or fail with one ``error:`` message, never a
  traceback; after them the workspace is the head's files with the user's kept.

How faults are made:

- kill -9 at a step, through the ``AUTOBE_TEST_PAUSE_AT`` seam (:data:`PAUSE_ENV`);
- kill -9, ``OSError(ENOSPC)`` or ``PermissionError`` at the n-th call of the write path
  (open, write, fsync, rename, mkdir, remove, chmod) through ``fault_site/sitecustomize.py``
  on the child's ``PYTHONPATH``. The points are picked from a trace of the same command
  run without a fault, so they follow the code when it changes;
- each persistent artefact damaged in turn: the SQLite database, ``.autobe/config.json``,
  ``backend/.autobe-manifest.json``, blobs in the store, the lock file;
- a real full disk: a small tmpfs filled to a given number of free bytes (root only).

The default run takes a few points per command; ``-m slow`` sweeps every write point of
every command (``test_every_write_point``), every step and every damage.

Modules: :mod:`.harness` (running commands in a child with faults, the commands and the
scenario every test checks), one test module per kind of fault (``test_write_points``,
``test_kill_steps``, ``test_damaged_state``, ``test_full_disk``); ``conftest`` holds the
shared lab of prepared projects.
"""
