"""The acting account and its store: what every service function receives first.

A `Ctx` is made once per process (`connect`) and handed to the TUI and the CLI. Service
functions open their own short transaction with `ctx.write()` / `ctx.read()`; no ORM object
ever leaves them.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from inquiry_tui.config import db_url, env_login, os_user_exists, real_os_user
from inquiry_tui.domain.errors import (
    AccountDeactivated,
    InquiryError,
    NotFound,
    PermissionDenied,
    StaleWrite,
    ValidationError,
)
from inquiry_tui.domain.identity import AS_REFUSED, Source, claim, no_account
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, Role
from inquiry_tui.store import health, journal, plain_sql, raw
from inquiry_tui.store.dialect import LOCK_TIMEOUT_MS
from inquiry_tui.store.migrate import (
    HEAD,
    StoreTooNew,
    alembic_config,
    current_revision,
    open_store,
    revision_of,
    sqlite_path,
)
from inquiry_tui.store.migrate import upgrade as migrate
from inquiry_tui.store.plain_reads import PlainReads
from inquiry_tui.store.sharing import describe_unreachable, describe_write_problem, keep_group_writable, store_access
from inquiry_tui.store.sqlite_conn import BUSY_TIMEOUT_MS, TUI_HEAP_LIMIT, backend, limit_heap
from inquiry_tui.store.types import utcnow

if TYPE_CHECKING:
    # SQLModel (with SQLAlchemy's ORM and pydantic) and the models load when a session is first made: the
    # inbox's start path reads through `read_sql` and never needs them (docs/performance.md, "Start, session 8").
    # Nor SQLAlchemy itself on SQLite: `connect` looks at the store, and the inbox reads its first page, on
    # plain sqlite3 connections (`read_plain`); the engines are made when first used (docs/performance.md,
    # "Start without SQLAlchemy, session 10").
    from sqlalchemy import Connection, Engine
    from sqlmodel import Session

    from inquiry_tui.store.models import Account


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account, or `system` for automatic work."""

    id: int | None
    login: str
    name: str
    role: str  # Role: admin | sales | system

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.SYSTEM)


SYSTEM = Actor(id=None, login=SYSTEM_LOGIN, name="System", role=Role.SYSTEM)


class _Engines:
    """A store's engines, made when first asked for (from any thread), and on SQLite its plain read connections.

    `connect` opens a SQLite store without SQLAlchemy: it reads the revision and the account on a plain
    connection, the inbox's first page reads on one too (`Ctx.read_plain`), and the write and read engines
    (with SQLAlchemy, its pool and events) are made by whatever first needs them, in a worker after the
    first page's frame. Shared by a context and those made from it with `as_actor`."""

    def __init__(self, url: str, *, check: bool, plain: PlainReads | None) -> None:
        self.url = url
        self.check = check  # False: `db check` looks at a store that may be damaged
        self.plain = plain
        self.engine: Engine | None = None
        self.read_engine: Engine | None = None
        self._lock = threading.Lock()

    def write(self) -> Engine:
        engine = self.engine
        return engine if engine is not None else self._made("engine", read_only=False)

    def read(self) -> Engine:
        engine = self.read_engine
        return engine if engine is not None else self._made("read_engine", read_only=True)

    def _made(self, name: str, *, read_only: bool) -> Engine:
        """The engine kept as NAME, made by the first thread to ask (the others wait for it under the lock)."""
        from inquiry_tui.store.engine import make_engine

        with self._lock:
            engine: Engine | None = getattr(self, name)
            if engine is None:
                engine = make_engine(self.url, read_only=read_only)
                if not self.check:
                    health.allow_damaged(engine)
                setattr(self, name, engine)
            return engine

    @contextmanager
    def first_look(self) -> Iterator[plain_sql.Reader]:
        """A read of the store before the context is made: a plain transaction on SQLite, else the write engine's."""
        if self.plain is not None:
            with self.plain.transaction() as conn:
                yield conn
            return
        with self.write().connect() as conn:
            yield conn
            conn.rollback()

    def close(self) -> None:
        with self._lock:
            made = [e for e in (self.engine, self.read_engine) if e is not None]
        for engine in made:
            engine.dispose()
        if self.plain is not None:
            self.plain.close()


# `Ctx(url, LATER, actor, lazy=engines)`: the engines come from ENGINES when first used (`_Engines`).
LATER = cast("Engine", None)


@dataclass
class _Joined:
    """The write transaction that a context's transactions join while `Ctx.one_transaction` runs (in its thread).

    Shared by a context and those made from it with `as_actor`, so that work done as another
    account (the seed's quotes and deals) joins it too."""

    conn: Connection | None = None
    thread: int | None = None


@dataclass
class Ctx:
    """An engine on an up-to-date store plus the acting account.

    Every transaction first checks that the acting account is still active (one primary-key
    read): an account deactivated while a session is open is refused at its next action.
    """

    url: str
    engine: Engine = field(repr=False)  # made when first used if LATER (`lazy`): see the properties below
    actor: Actor
    read_engine: Engine | None = field(default=None, repr=False)
    clock: Callable[[], datetime] = field(default=utcnow, repr=False)  # tests pin time with a fixed clock
    os_user: str = field(default_factory=real_os_user)  # recorded on every audit row
    confined: bool = False  # an SSH key session (service-account mode): this machine's files are off-limits
    # Told when a transaction finds the acting account deactivated (from any thread), even where a
    # caller catches the refusal as an ordinary one: the TUI uses it to stop acting at once.
    on_deactivated: Callable[[AccountDeactivated], None] | None = field(default=None, repr=False)
    acted_by: str | None = None  # with `--as`: the admin's own login (the actor is the account acted as)
    joined: _Joined = field(default_factory=_Joined, repr=False)
    # Told +1 when a write transaction starts and -1 when it ends (from any thread): the TUI shows
    # "saving…" when one waits more than a moment for a busy store.
    on_writing: Callable[[int], None] | None = field(default=None, repr=False)
    lazy: _Engines | None = field(default=None, repr=False, compare=False)  # `connect`'s engines, made when used

    def now(self) -> datetime:
        return self.clock()

    def _joined_conn(self) -> Connection | None:
        joined = self.joined
        return joined.conn if joined.conn is not None and joined.thread == threading.get_ident() else None

    @contextmanager
    def one_transaction(self) -> Iterator[Connection]:
        """Everything this context (and those made from it with `as_actor`) does meanwhile in this thread, as ONE
        write transaction: all of it or none (`seed`). Each `write`, `begin` and `read` inside runs as a savepoint
        of it (so a step that fails and is caught undoes only itself, as its own transaction would have), and
        reads see what was written before them. Caches kept in the store are not written meanwhile
        (`store.engine.write_if_free` skips): another connection would keep them beside this transaction, not in it.
        """
        if self._joined_conn() is not None:
            with self.begin() as conn:  # already inside one: a savepoint of it
                yield conn
            return
        from inquiry_tui.store.engine import hold_cache_writes

        with hold_cache_writes(self.engine), self.engine.begin() as conn:
            self.check_active(conn)
            self.joined.conn, self.joined.thread = conn, threading.get_ident()
            try:
                yield conn
            finally:
                self.joined.conn = self.joined.thread = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite); stale ORM flushes become StaleWrite."""
        from sqlalchemy.orm.exc import StaleDataError
        from sqlmodel import Session

        joined = self._joined_conn()
        session_of = (
            Session(bind=joined, expire_on_commit=False, join_transaction_mode="create_savepoint")
            if joined is not None
            else Session(self.engine, expire_on_commit=False)
        )
        with self._writing(), session_of as session:
            try:
                with session.begin():
                    self.check_active(session.connection())
                    yield session
            except StaleDataError:
                raise StaleWrite() from None

    @contextmanager
    def _writing(self) -> Iterator[None]:
        tell = self.on_writing
        if tell is None:
            yield
            return
        tell(1)
        try:
            yield
        finally:
            tell(-1)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction that never takes the write lock (an ORM session: `read_sql` is the plain-SQL one)."""
        from sqlmodel import Session

        joined = self._joined_conn()
        if joined is not None:  # inside one_transaction: read what it wrote so far
            session_of = Session(bind=joined, expire_on_commit=False, join_transaction_mode="create_savepoint")
        else:
            session_of = Session(self.read_engine or self.engine, expire_on_commit=False)
        with session_of as session, session.begin():
            self.check_active(session.connection())
            yield session

    @contextmanager
    def read_sql(self) -> Iterator[Connection]:
        """A read transaction on a Core connection: `read` without the ORM, for reads in plain SQL.

        The inbox's lists, thread and profile read this way, so opening the TUI never imports
        SQLModel, SQLAlchemy's ORM or pydantic (docs/performance.md, "Start, session 8").
        """
        joined = self._joined_conn()
        if joined is not None:  # inside one_transaction: read what it wrote so far
            with joined.begin_nested():
                self.check_active(joined)
                yield joined
            return
        with (self.read_engine or self.engine).connect() as conn, conn.begin():
            self.check_active(conn)
            yield conn

    @contextmanager
    def read_plain(self) -> Iterator[plain_sql.Reader]:
        """`read_sql` on a plain sqlite3 connection where the store has them (`connect` on SQLite), else `read_sql`.

        For reads in plain SQL through store/plain_sql.py (the reader's zone, the inbox's lists and counts):
        opening the TUI reads its first page this way, without SQLAlchemy. The acting account is checked
        first, as in every transaction; inside `one_transaction` it reads what that wrote so far."""
        plain = self.lazy.plain if self.lazy is not None else None
        if plain is None or self._joined_conn() is not None:
            with self.read_sql() as conn:
                yield conn
            return
        with plain.transaction() as plain_conn:
            self.check_active(plain_conn)
            yield plain_conn

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """One write transaction on a Core connection (the bulk paths: imports, generator, re-allocation)."""
        joined = self._joined_conn()
        if joined is not None:
            with joined.begin_nested():
                self.check_active(joined)
                yield joined
            return
        with self._writing(), self.engine.begin() as conn:
            self.check_active(conn)
            yield conn

    def check_active(self, conn: Connection | sqlite3.Connection) -> None:
        """Refuse (AccountDeactivated) if the acting account is no longer active; run first in every transaction."""
        if self.actor.id is None:  # system
            return
        if isinstance(conn, sqlite3.Connection):  # a plain read (read_plain)
            found = conn.execute(_ACTIVE, (self.actor.id,)).fetchone()
        else:
            found = raw.first(conn, _ACTIVE, (self.actor.id,))  # every transaction: the DBAPI cursor on SQLite
        if found is None or not found[0]:
            error = deactivation(conn, self.actor.login)
            if self.on_deactivated is not None:
                self.on_deactivated(error)
            raise error

    def require_admin(self, what: str) -> None:
        if not self.actor.is_admin:
            raise PermissionDenied(f"only the admin (main account) can {what}")

    def require_local_files(self, what: str) -> None:
        """Refuse reading or writing a file on this machine in an SSH key session (the files are the service account's)."""
        if self.confined:
            raise PermissionDenied(
                f"{what} is not possible over SSH: the files on the server belong to the store's service account; "
                "export to your own machine instead, e.g. `ssh SERVER export inquiries > inquiries.csv`"
            )

    def as_actor(self, actor: Actor) -> Ctx:
        return Ctx(
            self.url,
            self.__dict__["_engine"],  # LATER stays so: the same engines, made when first used
            actor,
            self.__dict__["_read_engine"],
            self.clock,
            self.os_user,
            self.confined,
            self.on_deactivated,
            joined=self.joined,
            on_writing=self.on_writing,
            lazy=self.lazy,
        )

    def close(self) -> None:
        own = [e for e in (self.__dict__["_engine"], self.__dict__["_read_engine"]) if e is not None]
        if self.lazy is not None:
            own = [e for e in own if e is not self.lazy.engine and e is not self.lazy.read_engine]
            self.lazy.close()
        for engine in own:
            engine.dispose()


# The engines as properties over the dataclass's fields (set after the class is made, so that the fields keep
# their place in __init__ and `dataclasses.replace`): a context from `connect` on SQLite makes them when first used.
def _get_engine(self: Ctx) -> Engine:
    engine: Engine | None = self.__dict__["_engine"]
    if engine is None:
        assert self.lazy is not None, "a context without an engine"
        return self.lazy.write()
    return engine


def _set_engine(self: Ctx, engine: Engine) -> None:
    self.__dict__["_engine"] = engine


def _get_read_engine(self: Ctx) -> Engine | None:
    engine: Engine | None = self.__dict__["_read_engine"]
    if engine is None and self.lazy is not None:
        return self.lazy.read()
    return engine


def _set_read_engine(self: Ctx, engine: Engine | None) -> None:
    self.__dict__["_read_engine"] = engine


setattr(Ctx, "engine", property(_get_engine, _set_engine))  # noqa: B010  # past the dataclass: not a field default
setattr(Ctx, "read_engine", property(_get_read_engine, _set_read_engine))  # noqa: B010


_ACTIVE = "SELECT active FROM account WHERE id = ?"
_DEACTIVATED_BY = "SELECT actor, at FROM audit_log WHERE action = 'account_deactivate' AND entity_id = :login ORDER BY id DESC LIMIT 1"


def deactivation(conn: plain_sql.Reader, login: str) -> AccountDeactivated:
    """The error for LOGIN's deactivated (or vanished) account, naming who deactivated it and when."""
    row = plain_sql.first(conn, _DEACTIVATED_BY, {"login": login})
    if row is None:
        return AccountDeactivated(login)
    at = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(str(row[1]))
    return AccountDeactivated(login, row[0], at.strftime("%Y-%m-%d %H:%M UTC"))


def actor_from(account: Account) -> Actor:
    return Actor(account.id, account.login, account.name, account.role)


def account_by_login(session: Session, login: str, *, active_only: bool = False) -> Account:
    from sqlmodel import select

    from inquiry_tui.store.models import Account

    account = session.exec(select(Account).where(Account.login == login)).one_or_none()
    if account is None:
        raise NotFound(f"unknown account {login!r}; see `inquiry-tui account list`")
    if active_only and not account.active:
        raise InquiryError(f"account {login!r} is deactivated")
    return account


def main_account(session: Session) -> Account:
    from sqlmodel import select

    from inquiry_tui.store.models import Account

    account = session.exec(select(Account).where(Account.role == Role.ADMIN)).one_or_none()
    if account is None:
        raise NotFound("this store has no main account yet; run `inquiry-tui init`")
    return account


# Read with plain SQL over columns every schema revision has, so that the acting account is
# known before deciding whether this caller may upgrade an older store.
_ACCOUNT = "SELECT id, login, name, role, active FROM account WHERE login = :login"
_MAIN = "SELECT login FROM account WHERE role = 'admin'"


def _account(conn: plain_sql.Reader, login: str) -> tuple[Actor, bool] | None:
    """LOGIN's account and whether it is active."""
    row = plain_sql.first(conn, _ACCOUNT, {"login": login})
    return (Actor(row[0], row[1], row[2], row[3]), bool(row[4])) if row is not None else None


def connect(
    db: str | None = None,
    as_login: str | None = None,
    *,
    upgrade: bool = True,
    key_login: str | None = None,
    check: bool = True,
) -> Ctx:
    """Open the store as the account this process may act as (docs/domain.md, "Who is who").

    The account is the real OS user's, or INQUIRY_TUI_LOGIN's on a store no other OS user can
    write, or KEY_LOGIN's in an SSH key session (then INQUIRY_TUI_LOGIN is ignored and this
    machine's files are off-limits); `--as` (AS_LOGIN) is for the admin. An older store is
    upgraded (after an online backup) only when the admin opens it.

    A store file that does not exist is an error, not a new empty store: a mistyped path must
    not leave a stray file behind nor look like a store that lost its accounts. Nor is an empty
    file or one that is not a database made into a store; a damaged store is refused
    (store/health.py; CHECK=False lets `db check` look at one).
    """
    url = db_url(db)
    path = sqlite_path(url)
    try:
        missing = path is not None and not path.exists()
    except PermissionError:
        assert path is not None
        raise PermissionDenied(describe_unreachable(path, real_os_user())) from None
    if missing:
        raise NotFound(f"no store at {path}; create one with `inquiry-tui init` (or try `inquiry-tui demo`)")
    if path is not None:
        problem = health.not_a_store(path)
        if problem:
            raise ValidationError(problem)
        if check:
            health.check_on_open(path)  # a damaged small store is refused before anything reads or writes it
    access = store_access(path)
    keep_group_writable(access)
    os_user = real_os_user()
    # SQLite: the store is looked at on a plain sqlite3 connection and the engines are made when first used
    # (`_Engines`); any other database through its engine, made first: a missing driver is the error to name.
    engines = _Engines(url, check=check, plain=PlainReads(path) if path is not None else None)
    try:
        if engines.plain is None:
            engines.write()
        claimed = claim(
            os_user=os_user,
            env_login=None if key_login is not None else env_login(),
            private=access.private,
            why_shared=access.why_shared,
            key_login=key_login,
        )
        with engines.first_look() as conn:
            if isinstance(conn, sqlite3.Connection):
                revision = revision_of(conn)
            else:
                revision = current_revision(engines.write())
            if revision is None:
                raise NotFound(f"{path or url} holds no inquiry-tui store yet; create one with `inquiry-tui init`")
            found = _account(conn, claimed.login)
            admin = plain_sql.scalar(conn, _MAIN)
            if found is not None and not found[1]:
                raise deactivation(conn, claimed.login)
            me = found[0] if found is not None else None
            target = None
            if as_login and as_login != claimed.login:
                if me is None or me.role != Role.ADMIN:
                    raise PermissionDenied(AS_REFUSED)
                other = _account(conn, as_login)
                if other is None:
                    raise NotFound(f"unknown account {as_login!r}; see `inquiry-tui account list`")
                if not other[1]:
                    raise InquiryError(f"account {as_login!r} is deactivated")
                target = other[0]
        if me is None:
            raise no_account(
                claimed,
                os_user=os_user,
                admin_login=admin,
                private=access.private,
                why_shared=access.why_shared,
                admin_is_os_user=admin is None or os_user_exists(admin),
            )
        if revision != HEAD and upgrade:
            if me.role != Role.ADMIN:
                raise _not_upgraded(url, revision, admin)
            with collecting_garbage():
                migrate(url, engines.write())
        ctx = Ctx(url, LATER, me, os_user=os_user, confined=claimed.source is Source.SSH_KEY, lazy=engines)
        if revision != HEAD and upgrade and revision is not None:
            with collecting_garbage():
                _warm_after_upgrade(ctx)
        if revision == HEAD or upgrade:
            _recover_imports(engines, os_user)
        if target is not None:
            from inquiry_tui.services.audit import audit

            with ctx.write() as session:
                audit(session, ctx, "act_as", "account", target.login)
            ctx.actor = target
            ctx.acted_by = me.login
    except BaseException:
        engines.close()
        raise
    if engines.plain is None:
        engines.read()  # a server's read engine, made now as ever (SQLite's: when first used)
    return ctx


def limit_store_memory(ctx: Ctx) -> bool:
    """For a long-lived process (the TUI): cap SQLite's memory in it when CTX's store is SQLite; whether it did.

    The limit is the process's, every connection's together (store/sqlite_conn.py `limit_heap`): past it
    the connections' page caches stop growing. A PostgreSQL store's caches are the server's."""
    if backend(ctx.url) != "sqlite":
        return False
    limit_heap(TUI_HEAP_LIMIT)
    return True


@contextmanager
def collecting_garbage() -> Iterator[None]:
    """Cyclic garbage collection on for the block, and off again after it if it was off.

    Opening the TUI starts with it off (`inquiry_tui.cli.main`: what the start makes lives as long
    as the app). An upgrade, the caches warmed after it and an import's undo may walk many rows
    in Python: they collect as any command does."""
    was_on = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_on:
            gc.disable()


def _warm_after_upgrade(ctx: Ctx) -> None:
    """Fill the dashboard's and recommendations' caches once the schema is new (services/team/warming.py)."""
    from inquiry_tui.services.team.warming import warm_caches

    warm_caches(ctx)


def _recover_imports(engines: _Engines, os_user: str) -> None:
    """Undo a big import whose process died half-way (services/arrivals/recovery.py); one read when there is none.

    The recovery (with the audit module and the ORM it loads) is imported only when a run is recorded."""
    try:
        if engines.plain is not None:
            with engines.plain.transaction() as conn:
                recorded = conn.execute(journal.ANY_RUN).fetchone() is not None
        else:
            recorded = journal.has_runs(engines.write())
        if not recorded:
            return
        from inquiry_tui.services.arrivals.recovery import recover

        with collecting_garbage():
            recover(engines.write(), actor=SYSTEM_LOGIN, os_user=os_user, at=utcnow())
    # A store this user cannot write (or a busy one): the next process that can undoes it. (Told apart as the
    # error comes: the recovery loads SQLAlchemy, whose errors are then the store's too.)
    except store_errors(*UNWRITABLE):
        return


def _not_upgraded(url: str, revision: str, admin: str | None) -> InquiryError:
    """A salesperson opening a store at another schema: newer than the app, or waiting for the admin's upgrade."""
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}
    if revision not in known:
        return StoreTooNew(
            f"this store is at schema {revision}, newer than this inquiry-tui knows; upgrade inquiry-tui"
        )
    return PermissionDenied(
        f"this store is at schema {revision} and this inquiry-tui needs {HEAD}; the admin ({admin or 'main account'}) "
        "upgrades it with `inquiry-tui db upgrade` (a backup is taken first)"
    )


def connect_system(db: str | None = None) -> Ctx:
    """A context acting as `system` (for `init`, `db upgrade` and tests): an empty file may become a store, another kind of file not."""
    url = db_url(db)
    path = sqlite_path(url)
    if path is not None and path.is_file() and path.stat().st_size > 0:
        problem = health.not_a_store(path)
        if problem:
            raise ValidationError(problem)
    return Ctx(url, open_store(url), SYSTEM)


def store_errors(*also: type[BaseException]) -> tuple[type[BaseException], ...]:
    """Errors of the store itself (locked, read-only, damaged; shown with `describe_store_error`), after ALSO.

    sqlite3's own (a plain read's: store/plain_reads.py) and, once SQLAlchemy is loaded, its wrappers of them: a
    process that has not loaded it cannot meet them, and opening the TUI does not load it before its first page.
    Called where an error is caught (`except store_errors(InquiryError):`), so that importing the module that
    catches does not load SQLAlchemy."""
    if "sqlalchemy" not in sys.modules:
        return (*also, sqlite3.Error)
    from sqlalchemy.exc import DBAPIError, OperationalError

    return (*also, OperationalError, DBAPIError, sqlite3.Error)


if TYPE_CHECKING:
    STORE_ERRORS: tuple[type[BaseException], ...]


def __getattr__(name: str) -> Any:
    # STORE_ERRORS, the tuple `store_errors` returns with SQLAlchemy loaded: for the commands (which load it).
    if name == "STORE_ERRORS":
        from sqlalchemy.exc import DBAPIError, OperationalError

        return (OperationalError, DBAPIError, sqlite3.Error)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


UNWRITABLE: tuple[type[BaseException], ...] = (health.StoreReadOnly, health.StoreDiskFull)
"""A store this OS user may only read, or one read as the file stands on a full disk: every write refused."""


# PostgreSQL errors a user can act on (SQLSTATE codes); the rest are shown as they come.
_SERVER_STATES = {
    "40001": "another session changed the same rows at the same moment; nothing was changed, try again",
    "40P01": "another session changed the same rows at the same moment; nothing was changed, try again",
    "25006": "the store cannot be written: the database server is read-only for this connection",
    "57P03": "the store's server is starting up or shutting down; try again in a moment",
    "28P01": "the store's server refused the login (password authentication failed); check the URL",
    "28000": "the store's server refused the login; check the user in the URL",
    "3D000": "the database in the URL does not exist on the server; create it (createdb NAME) first",
    "42501": "the store cannot be used: the database user lacks a privilege it needs",
    # A whole number past bigint (SQLite's own overflow is an OverflowError: cli/root.py words it alike).
    "22003": f"a number given is too large (at most {2**63 - 1:,}); nothing was changed",
}


def _disk_full(error: BaseException, message: str, path: Path | None) -> str:
    """ "the disk is full (N MB free)" when it is: SQLite says "database or disk is full", or, when the WAL cannot
    grow, only "disk I/O error"; an OSError says ENOSPC. "" otherwise."""
    orig = getattr(error, "orig", None) or error
    said_full = "database or disk is full" in message or getattr(orig, "errno", None) == errno.ENOSPC
    if not said_full and not (path is not None and "disk I/O error" in message):
        return ""
    free: int | None = None
    if path is not None:
        with contextlib.suppress(OSError):
            free = shutil.disk_usage(path.parent).free
    if free is None:
        return "the disk is full; nothing was changed: free some space and try again" if said_full else ""
    if not said_full and free > health.FULL_BELOW_BYTES:
        return ""  # an I/O error with room to spare: a failing disk, not a full one
    return health.disk_full_text(path, free) if path else ""


def describe_store_error(error: BaseException, url: str | None = None) -> str:
    """A database error as one line a user can act on (the CLI prints it, the TUI notifies it).

    Given the store's URL, a store this OS user cannot write is described by its owner, group
    and mode, with the command that shares it.
    """
    orig = getattr(error, "orig", None) or error
    message = str(orig)
    if health.is_corruption(error):
        path = sqlite_path(url) if url else None
        return str(health.StoreDamaged(path or "file", message.splitlines()[0][:200] if message else ""))
    state = getattr(orig, "sqlstate", None)  # PostgreSQL's error code (psycopg)
    if state in _SERVER_STATES:
        return _SERVER_STATES[state]
    if state is None and "connection" in message and ("failed" in message or "refused" in message):
        first = message.strip().splitlines()[0] if message.strip() else message
        return f"the store's server cannot be reached: {first}"
    if "database is locked" in message or "database is busy" in message or state == "55P03":
        wait = BUSY_TIMEOUT_MS if state is None else LOCK_TIMEOUT_MS
        return (
            f"the store is busy: another session has been writing for over {max(1, wait // 1000)} s "
            "(an import?); nothing was changed, try again in a moment"
        )
    path = sqlite_path(url) if url else None
    full = _disk_full(error, message, path)
    if full:
        return full
    unwritable = "readonly database" in message or "read-only" in message
    if path is not None and (unwritable or "unable to open database file" in message):
        return describe_write_problem(path, real_os_user())
    if unwritable:
        return "the store cannot be written: its file (or its folder) is read-only for you"
    return f"the store could not be used: {message}"
