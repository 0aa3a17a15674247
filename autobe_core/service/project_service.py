"""``ProjectService``: the one entry point the CLI (or any other client) calls.

One method per use case; each opens a unit of work (:class:`ProjectSession`) on the
project's storage, calls the use-case module that does the work, and returns data.
Nothing here prints: progress goes through callbacks (:class:`Hooks`).

=========================  ======================================================
create a project           :meth:`init`, :meth:`create`, :meth:`import_project`
read the head / history    :meth:`spec`, :meth:`graph`, :meth:`status`, :meth:`log`,
                           :meth:`rejections`, :meth:`show`, :meth:`diff`, :meth:`blame`
the workspace              :meth:`build`, :meth:`check`, :meth:`checkout`
the database               :meth:`database_status`, :meth:`database_upgrade`,
                           :meth:`database_sql`, :meth:`serve`, :meth:`create_account`
change it                  :meth:`propose` -> :meth:`apply` (or :meth:`change`),
                           :meth:`rollback`, :meth:`tag`
realize custom operations  :meth:`realize` (an LLM writes them; docs/llm.md)
=========================  ======================================================

Storage is injected: a :class:`StorageFactory` (default :class:`ConfiguredStorage`, the
project's storage URL; :class:`MemoryStorage` for tests and tools).

Each method imports the use-case module it calls: ``autobe log`` does not import the
generators, the planners, the database tools or an LLM client.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from autobe_core.service.layout import ProjectLayout
from autobe_core.service.session import ProjectSession
from autobe_core.service.storage import ConfiguredStorage, StorageFactory

if TYPE_CHECKING:  # each use case's module is imported by the methods running it
    from autobe_core.generate import MigrationSlice
    from autobe_core.graph import ModuleGraph
    from autobe_core.history import Rejection
    from autobe_core.planning.base import PlannerChain
    from autobe_core.planning.llm import LlmConfig
    from autobe_core.realize import TryCallback
    from autobe_core.service.accounts import AccountCreated
    from autobe_core.service.changes import ChangeOptions, ChangeOutcome
    from autobe_core.service.creation import ImportOutcome, InitResult
    from autobe_core.service.database import DatabaseStatus, SqlScript, UpgradeOutcome
    from autobe_core.service.hooks import BuildProgress, Hooks
    from autobe_core.service.proposals import ChangeRequest, Proposal
    from autobe_core.service.queries import BlameEntry, LogEntry, RevisionDiff
    from autobe_core.service.realizing import RealizeOutcome
    from autobe_core.service.serving import ServeCommand
    from autobe_core.service.workspace import BuildOutcome, Status
    from autobe_core.spec.model import ProjectSpec
    from autobe_core.verify import LadderProgress, LadderResult, RungName


class ProjectService:
    """The use cases of one project directory."""

    def __init__(self, layout: ProjectLayout, storages: StorageFactory | None = None) -> None:
        self.layout = layout
        self.storages: StorageFactory = storages or ConfiguredStorage()

    @classmethod
    def open(cls, start: Path, storages: StorageFactory | None = None) -> ProjectService:
        """The project containing ``start`` (ProjectNotFound when there is none)."""
        return cls(ProjectLayout.find(start), storages)

    def session(self, *, write: bool = False) -> ProjectSession:
        """A unit of work on the project's storage (``with service.session() as s:``);
        ``write`` takes the project's write lock."""
        return ProjectSession(self.layout, self.storages, write=write)

    # -- creating a project

    @classmethod
    def init(
        cls,
        root: Path,
        spec_path: Path,
        *,
        author: str = "",
        store: str | None = None,
        progress: BuildProgress | None = None,
        storages: StorageFactory | None = None,
    ) -> InitResult:
        """Create a project whose revision 1 is the spec file, and build its workspace."""
        from autobe_core.spec.io import load_spec

        spec = load_spec(spec_path)
        return cls.create(root, spec, text=f"init from {spec_path.name}", planner="init",
                          author=author, store=store, progress=progress, storages=storages)

    @classmethod
    def create(
        cls,
        root: Path,
        spec: ProjectSpec,
        *,
        text: str,
        planner: str,
        author: str = "",
        store: str | None = None,
        progress: BuildProgress | None = None,
        storages: StorageFactory | None = None,
    ) -> InitResult:
        """Create a project whose revision 1 is ``spec`` (recorded as the change from the
        empty spec, with ``text`` and ``planner`` saying where it came from) and build
        its workspace. Nothing is written unless the spec is valid; a failure later
        removes what was created."""
        from autobe_core.service import creation

        return creation.create(
            ProjectLayout(root.resolve()), spec, storages or ConfiguredStorage(),
            text=text, planner=planner, author=author, store=store, progress=progress,
        )

    @classmethod
    def import_project(
        cls,
        paths: Sequence[Path],
        to: Path | None = None,
        *,
        name: str | None = None,
        author: str = "",
        store: str | None = None,
        progress: BuildProgress | None = None,
        storages: StorageFactory | None = None,
    ) -> ImportOutcome:
        """Import the AutoBe project at ``paths`` (a folder, or its prisma.json and
        document.json) into ``to`` (default: ``./<project name>``): revision 1, built,
        and the import report (also saved under ``.autobe/``)."""
        from autobe_core.service import creation

        return creation.import_project(
            paths, to, storages or ConfiguredStorage(),
            name=name, author=author, store=store, progress=progress,
        )

    # -- reading the head and the history

    def spec(self, revision: str | int = "head") -> ProjectSpec:
        with self.session() as session:
            project = session.project()
            return session.spec_at(project, project.resolve(revision))

    def spec_text(self, fmt: str = "yaml", revision: str | int = "head") -> str:
        from autobe_core.spec.io import dump_spec

        return dump_spec(self.spec(revision), fmt)

    def migrations(self, revision: str | int = "head") -> tuple[MigrationSlice, ...]:
        """The chain of database migrations of a revision, oldest first."""
        from autobe_core.service.migrations import chain_at

        with self.session() as session:
            project = session.project()
            return chain_at(project, project.resolve(revision))

    def graph(self, revision: str | int = "head") -> ModuleGraph:
        from autobe_core.graph import ModuleGraph
        from autobe_core.service.migrations import chain_at

        with self.session() as session:
            project = session.project()
            number = project.resolve(revision)
            return ModuleGraph(
                session.spec_at(project, number),
                migrations=chain_at(project, number),
            )

    def graph_text(self, fmt: str = "dot", revision: str | int = "head") -> str:
        from autobe_core.graph import to_dot, to_json_text

        graph = self.graph(revision)
        return to_dot(graph) if fmt == "dot" else to_json_text(graph)

    def status(self) -> Status:
        from autobe_core.service import workspace

        with self.session() as session:
            return workspace.status(session)

    def log(self) -> list[LogEntry]:
        from autobe_core.service import queries

        with self.session() as session:
            return queries.log(session)

    def rejections(self) -> list[Rejection]:
        from autobe_core.service import queries

        with self.session() as session:
            return queries.rejections(session)

    def show(self, revision: str | int) -> LogEntry:
        from autobe_core.service import queries

        with self.session() as session:
            return queries.show(session, revision)

    def diff(self, a: str | int, b: str | int = "head") -> RevisionDiff:
        from autobe_core.service import queries

        with self.session() as session:
            return queries.diff(session, a, b)

    def blame(self, prefix: str = "") -> list[BlameEntry]:
        """For each file at head (under ``prefix``), the revision that last changed it."""
        from autobe_core.service import queries

        with self.session() as session:
            return queries.blame(session, prefix)

    # -- the workspace

    def build(
        self,
        progress: BuildProgress | None = None,
        *,
        keep_mine: bool = False,
        force: bool = False,
    ) -> BuildOutcome:
        """Make the workspace hold the head revision's files (a no-op when it does).
        Files that would be written over stop it (UserEditsConflict) only when there is
        no manifest; ``keep_mine`` keeps them; ``force`` saves every hand edit under
        .autobe/saved/ and writes the head's files over it."""
        from autobe_core.service import workspace

        with self.session(write=True) as session:
            return workspace.build(session, progress, keep_mine=keep_mine, force=force)

    def check(
        self,
        rungs: Sequence[RungName] | None = None,
        progress: LadderProgress | None = None,
    ) -> LadderResult:
        """Run the recompile ladder on the workspace, which must hold the head's files
        (WorkspaceNotAtHead names the revision it holds otherwise); when every rung ran,
        the result is recorded (on the head revision when the files are unedited)."""
        from autobe_core.service import workspace

        return workspace.check(self.session, rungs, progress)

    def checkout(self, revision: str | int, target: Path) -> tuple[int, int]:
        """Write revision ``revision``'s files into ``target`` (new or empty); returns
        (revision number, number of files)."""
        from autobe_core.service import queries

        with self.session() as session:
            return queries.checkout(session, revision, target)

    # -- the database

    def database_status(self, url: str | None = None) -> DatabaseStatus:
        """Where the database (``url``, else AUTOBE_DATABASE_URL, else the backend's
        default) is against the head's chain of migrations, and what is pending."""
        from autobe_core.service import database

        with self.session() as session:
            return database.status(session, url)

    def database_upgrade(self, url: str | None = None) -> UpgradeOutcome:
        """Bring the database to the head's migration (MigrationFailed, the database
        left where it was, when a migration fails)."""
        from autobe_core.service import database

        with self.session() as session:
            found = database.status(session, url)
        return database.run_upgrade(self.layout.workspace, found)

    def database_sql(
        self,
        start: str | int | None = None,
        end: str | int = "head",
        url: str | None = None,
    ) -> SqlScript:
        """The SQL from revision ``start``'s schema (None: an empty database) to revision
        ``end``'s, for the dialect of ``url`` (else AUTOBE_DATABASE_URL, else PostgreSQL)."""
        from autobe_core.service import database

        with self.session() as session:
            return database.sql(session, start, end, url)

    def serve(
        self,
        host: str = "127.0.0.1",
        port: int = 8000,
        url: str | None = None,
        ready: Callable[[ServeCommand], None] | None = None,
    ) -> int:
        """Run the backend (uvicorn) on a database at the head's migration
        (DatabaseBehind otherwise) until it stops; ``ready(command)`` is called just
        before it starts. Returns the server's exit status."""
        from autobe_core.service import database, serving

        with self.session() as session:
            found = database.status(session, url)
        command = serving.serve_command(self.layout.workspace, found, host, port)
        if ready is not None:
            ready(command)
        return serving.run_server(command)

    def create_account(
        self,
        actor: str,
        email: str,
        password: Callable[[], str],
        fields: Mapping[str, str] | None = None,
        url: str | None = None,
    ) -> AccountCreated:
        """Make an account of a privileged actor with the backend's ``app/admin.py`` on the
        database (``url``, else AUTOBE_DATABASE_URL, else the backend's default), which
        must be at the head's migration (AccountRefused says why it was not made);
        ``password()`` is asked once the checks pass."""
        from autobe_core.service import accounts, database

        with self.session() as session:
            project = session.project()
            spec = session.spec_at(project, project.head)
            found = database.status(session, url)
        return accounts.create(self.layout.workspace, spec, found, actor, email, password,
                               fields or {})

    # -- changing the project

    def propose(
        self,
        request: ChangeRequest,
        *,
        text: str | None = None,
        chain: PlannerChain | None = None,
    ) -> Proposal:
        """What ``request`` would do to the head, nothing written: words are planned by
        ``chain`` (default: rules, then an LLM when configured; NotUnderstood when none
        understands them); a Plan, a ChangeSet or a change file is taken as it is.
        ``text`` is the request as the log shows it (default: the words, or the edits'
        summary)."""
        with self.session() as session:
            return self._propose(session, request, text, chain)

    def apply(
        self,
        proposal: Proposal,
        options: ChangeOptions | None = None,
        hooks: Hooks | None = None,
    ) -> ChangeOutcome:
        """Record ``proposal`` as the next revision: regenerate what it affects, verify,
        commit. Edits that do not apply are recorded as rejected (and raised as
        DiagnosticError); a tree that fails verification is recorded as rejected
        (``outcome.rejected``). HeadMoved when another change landed since the proposal."""
        from autobe_core.service import changes
        from autobe_core.service.hooks import Hooks

        options = options or changes.ChangeOptions()
        with self.session(write=True) as session, self._tests_ahead(options):
            return changes.apply_proposal(session, proposal, options, hooks or Hooks())

    def change(
        self,
        request: ChangeRequest,
        options: ChangeOptions | None = None,
        *,
        text: str | None = None,
        chain: PlannerChain | None = None,
        hooks: Hooks | None = None,
    ) -> ChangeOutcome:
        """:meth:`propose` and :meth:`apply` in one unit of work, holding the write lock
        throughout (no other change can land in between): for scripts and tests, where
        nobody confirms."""
        from autobe_core.service import changes
        from autobe_core.service.hooks import Hooks

        options = options or changes.ChangeOptions()
        with self.session(write=True) as session, self._tests_ahead(options):
            proposal = self._propose(session, request, text, chain)
            return changes.apply_proposal(session, proposal, options, hooks or Hooks())

    def _propose(self, session: ProjectSession, request: ChangeRequest, text: str | None,
                 chain: PlannerChain | None) -> Proposal:
        """``request`` proposed against the head (its module table read when one was
        kept, so the head is not planned again)."""
        from autobe_core.service import module_tables, proposals
        from autobe_core.service.migrations import chain_at

        project = session.project()
        spec = session.spec_at(project, project.head)
        wanted = proposals.to_request(request, spec, text=text, chain=chain)
        base_chain = chain_at(project, project.head)
        return proposals.propose(project.head, spec, wanted, base_chain,
                                 module_tables.load(self.layout, spec, base_chain))

    def _tests_ahead(self, options: ChangeOptions) -> AbstractContextManager[object]:
        """A change that will be verified starts its tests' process while it plans and
        stages (see :mod:`autobe_core.verify.ahead`)."""
        from autobe_core.verify import WARM_DIR, started_ahead

        return started_ahead(self.layout.state / WARM_DIR) if options.verify else nullcontext()

    def realize(
        self,
        config: LlmConfig,
        *,
        only: Sequence[str] = (),
        max_tries: int | None = None,
        options: ChangeOptions | None = None,
        hooks: Hooks | None = None,
        on_try: TryCallback | None = None,
        mypy_cache: Path | None = None,
    ) -> RealizeOutcome:
        """Have the model ``config`` names write the custom operations that have no user
        file and no current realized code (``only``: these operation ids or endpoints),
        each checked by mypy --strict and its generated tests within ``max_tries``
        (default ``config.max_tries``); what passed is recorded as one revision (planner
        ``realize``, its tokens and tries). See docs/llm.md."""
        from autobe_core.service import realizing

        return realizing.realize(
            lambda write: self.session(write=write), config, only=only,
            max_tries=max_tries, options=options, hooks=hooks, on_try=on_try,
            mypy_cache=mypy_cache)

    def rollback(
        self,
        revision: str | int,
        options: ChangeOptions | None = None,
        hooks: Hooks | None = None,
    ) -> ChangeOutcome:
        """A new revision whose spec and files equal revision ``revision``'s (nothing is
        generated when its modules are in the index)."""
        from autobe_core.service import changes
        from autobe_core.service.hooks import Hooks

        with self.session(write=True) as session:
            return changes.rollback(
                session, revision, options or changes.ChangeOptions(), hooks or Hooks()
            )

    def tag(self, name: str, revision: str | int = "head") -> int:
        """Name a revision; returns its number."""
        with self.session(write=True) as session:
            project = session.project()
            number = project.resolve(revision)
            project.tag(name, number)
            session.save(project)
            return number
