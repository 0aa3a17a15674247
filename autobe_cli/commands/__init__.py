"""The ``autobe`` commands, one module per area; :data:`COMMANDS` is what the group holds.

Each command is imported only when it runs (:mod:`autobe_cli.lazy`): a new command is one
entry here, its name -> ``LazyCommand("module:attribute", "its short help")`` (the short
help is what ``autobe --help`` lists without importing it; a test checks it equals the
command's own).
"""

from __future__ import annotations

from autobe_cli.lazy import LazyCommand

COMMANDS: dict[str, LazyCommand] = {
    "init": LazyCommand(
        "autobe_cli.commands.project:init",
        "Create a project in DIRECTORY from a spec file: revision 1, built.",
    ),
    "build": LazyCommand(
        "autobe_cli.commands.project:build",
        "Make the workspace hold the head revision's files (regenerating what is missing).",
    ),
    "check": LazyCommand(
        "autobe_cli.commands.checking:check",
        "Recompile and test the backend: compile, mypy --strict, migrate (an empty database "
        "up, compared with the models, down and up), import, pytest.",
    ),
    "graph": LazyCommand(
        "autobe_cli.commands.project:graph",
        "Export the module dependency graph.",
    ),
    "spec": LazyCommand(
        "autobe_cli.commands.project:spec",
        "Print the project's spec (at head, or at --revision).",
    ),
    "access": LazyCommand(
        "autobe_cli.commands.access:access",
        "Who may call each operation, the owner chain it checks, the parents it guards.",
    ),
    "status": LazyCommand(
        "autobe_cli.commands.project:status",
        "Head revision, workspace state (edited / untracked files), last verification.",
    ),
    "change": LazyCommand(
        "autobe_cli.commands.history:change",
        'Change the project: REQUEST in words ("add notifications"), or --edits FILE.',
    ),
    "implement": LazyCommand(
        "autobe_cli.commands.implementing:implement",
        "Implement OPERATION yourself: its id (put_todo_user_lists_by_list_id) or "
        '"METHOD PATH".',
    ),
    "realize": LazyCommand(
        "autobe_cli.commands.realizing:realize",
        "Have the configured model write the custom operations without a user file "
        '(OPERATIONS: ids or "METHOD PATH"; default: every one that is not realized or whose '
        "interface or context changed).",
    ),
    "log": LazyCommand(
        "autobe_cli.commands.history:log",
        "The revisions: who asked for what, which modules it touched, verification, tokens.",
    ),
    "show": LazyCommand(
        "autobe_cli.commands.history:show",
        "One revision in full: request, edits, modules and why, verification.",
    ),
    "diff": LazyCommand(
        "autobe_cli.commands.history:diff",
        "Spec diff and unified code diff between revisions A and B (default: head).",
    ),
    "blame": LazyCommand(
        "autobe_cli.commands.history:blame",
        "The revision and request that last changed each generated file (under PATH).",
    ),
    "rollback": LazyCommand(
        "autobe_cli.commands.history:rollback",
        "Record a new revision equal to REV (nothing is regenerated when its blobs exist).",
    ),
    "checkout": LazyCommand(
        "autobe_cli.commands.history:checkout",
        "Write revision REV's generated files into a directory.",
    ),
    "tag": LazyCommand("autobe_cli.commands.history:tag", "Name a revision (default: head)."),
    "import": LazyCommand(
        "autobe_cli.commands.importing:import_command",
        "Import an AutoBe project: PATH is its folder (holding autobe/prisma.json and, when "
        "present, autobe/document.json), or its prisma.json [and document.json].",
    ),
    "db": LazyCommand(
        "autobe_cli.commands.database:db",
        "The backend's database: where it is, bring it to the head, the SQL for review.",
    ),
    "serve": LazyCommand(
        "autobe_cli.commands.database:serve",
        "Run the backend (uvicorn app.main:app in backend/) once its database is at the head;"
        " Ctrl-C stops it.",
    ),
    "admin": LazyCommand(
        "autobe_cli.commands.admin:admin",
        "Accounts made outside the API (the first account of a privileged actor).",
    ),
    "verifier": LazyCommand("autobe_cli.commands.verifier:verifier", "The mypy daemon."),
}
