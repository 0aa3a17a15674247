"""No traceback, whatever the state or the input: every ``autobe`` command, over every
broken state a project can be in and over bad arguments, ends with a clear message on
standard error (``error: ...`` first, or click's usage error), a non-zero exit, and the
project as it was (head revision, every byte of ``backend/`` and of ``.autobe/``).

- :data:`~.harness.COMMANDS` holds valid arguments for every command; a command added to
  the CLI without a row there fails ``test_the_table_names_every_command``;
- :data:`~.harness.STATES` are the broken states: no project, a garbage / truncated / 0-byte /
  missing database, a garbage / missing config, a missing or garbage manifest, damaged
  blobs, ``backend`` that is a file, a lock that cannot be taken, another process holding
  the project, a workspace behind the head. Each names the commands that still work in
  it; every other command must fail with the state's message;
- :data:`~.test_bad_arguments.BAD` are bad arguments per command (files that are
  directories, missing or empty; targets that are files or not empty; references to no
  revision; names that cannot be tags; unknown options). Bad file *contents* (binary,
  deep, endless, lone surrogates), revision references like ``²`` and planner names are
  in ``tests/e2e/test_cli_inputs.py``.

Most cases run in this process through the CLI's own error boundary (``cli`` in
standalone mode, exceptions not re-raised by the runner: what escapes is a bug); a
representative few run the real ``autobe`` executable in a working directory.

Modules: :mod:`.harness` (the checks, the command table, the broken states), one test
module per kind of input (``test_broken_states``, ``test_bad_arguments``,
``test_real_executable``); ``conftest`` holds the prepared project.
"""
