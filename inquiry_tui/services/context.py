"""The acting account and its store: what every service function receives first.

A `Ctx` is made once per process (`connect`) and handed to the TUI and the CLI. Service
functions open their own short transaction with `ctx.write()` / `ctx.read()`; no ORM object
ever leaves them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from inquiry_tui.config import db_url, os_login
from inquiry_tui.domain.errors import InquiryError, NotFound, PermissionDenied, StaleWrite
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, Role
from inquiry_tui.services.audit import audit
from inquiry_tui.store.dialect import LOCK_TIMEOUT_MS
from inquiry_tui.store.engine import BUSY_TIMEOUT_MS, make_engine
from inquiry_tui.store.migrate import open_store, sqlite_path
from inquiry_tui.store.models import Account
from inquiry_tui.store.types import utcnow


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


@dataclass
class Ctx:
    """An engine on an up-to-date store plus the acting account."""

    url: str
    engine: Engine
    actor: Actor
    read_engine: Engine | None = field(default=None, repr=False)
    clock: Callable[[], datetime] = field(default=utcnow, repr=False)  # tests pin time with a fixed clock

    def now(self) -> datetime:
        return self.clock()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction (BEGIN IMMEDIATE on SQLite); stale ORM flushes become StaleWrite."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                with session.begin():
                    yield session
            except StaleDataError:
                raise StaleWrite() from None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction that never takes the write lock."""
        engine = self.read_engine or self.engine
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session

    def require_admin(self, what: str) -> None:
        if not self.actor.is_admin:
            raise PermissionDenied(f"only the admin (main account) can {what}")

    def as_actor(self, actor: Actor) -> Ctx:
        return Ctx(self.url, self.engine, actor, self.read_engine, self.clock)

    def close(self) -> None:
        self.engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()


def actor_from(account: Account) -> Actor:
    return Actor(account.id, account.login, account.name, account.role)


def account_by_login(session: Session, login: str, *, active_only: bool = False) -> Account:
    account = session.exec(select(Account).where(Account.login == login)).one_or_none()
    if account is None:
        raise NotFound(f"unknown account {login!r}; see `inquiry-tui account list`")
    if active_only and not account.active:
        raise InquiryError(f"account {login!r} is deactivated")
    return account


def main_account(session: Session) -> Account:
    account = session.exec(select(Account).where(Account.role == Role.ADMIN)).one_or_none()
    if account is None:
        raise NotFound("this store has no main account yet; run `inquiry-tui init`")
    return account


def connect(db: str | None = None, as_login: str | None = None, *, upgrade: bool = True) -> Ctx:
    """Open the store and resolve the acting account (the OS login, or `--as` for admins).

    A store file that does not exist is an error, not a new empty store: a mistyped path must
    not leave a stray file behind nor look like a store that lost its accounts.
    """
    url = db_url(db)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise NotFound(f"no store at {path}; create one with `inquiry-tui init` (or try `inquiry-tui demo`)")
    engine = open_store(url) if upgrade else make_engine(url)
    ctx = Ctx(url, engine, SYSTEM)
    login = os_login()
    with ctx.write() as session:
        me = session.exec(select(Account).where(Account.login == login)).one_or_none()
        if as_login and as_login != login:
            if me is None or me.role != Role.ADMIN or not me.active:
                raise PermissionDenied("--as is only for the admin (main account)")
            target = account_by_login(session, as_login, active_only=True)
            audit(session, ctx.as_actor(actor_from(me)), "act_as", "account", target.login)
            ctx.actor = actor_from(target)
        elif me is None:
            raise NotFound(
                f"no account for OS login {login!r} in this store; the admin adds it with "
                f"`inquiry-tui account add {login} --name ...`"
            )
        elif not me.active:
            raise PermissionDenied(f"account {login!r} is deactivated")
        else:
            ctx.actor = actor_from(me)
    ctx.read_engine = make_engine(url, read_only=True)
    return ctx


def connect_system(db: str | None = None) -> Ctx:
    """A context acting as `system` (for `init`, `db upgrade` and tests)."""
    url = db_url(db)
    return Ctx(url, open_store(url), SYSTEM)


STORE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, DBAPIError, sqlite3.Error)
"""Errors of the store itself (locked, read-only, damaged): shown with `describe_store_error`."""


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
}


def describe_store_error(error: BaseException) -> str:
    """A database error as one line a user can act on (the CLI prints it, the TUI notifies it)."""
    orig = getattr(error, "orig", None) or error
    text = str(orig)
    state = getattr(orig, "sqlstate", None)  # PostgreSQL's error code (psycopg)
    if state in _SERVER_STATES:
        return _SERVER_STATES[state]
    if state is None and "connection" in text and ("failed" in text or "refused" in text):
        first = text.strip().splitlines()[0] if text.strip() else text
        return f"the store's server cannot be reached: {first}"
    if "database is locked" in text or "database is busy" in text or state == "55P03":
        wait = BUSY_TIMEOUT_MS if state is None else LOCK_TIMEOUT_MS
        return (
            f"the store is busy: another session has been writing for over {max(1, wait // 1000)} s "
            "(an import?); nothing was changed, try again in a moment"
        )
    if "readonly database" in text or "read-only" in text:
        return "the store cannot be written: its file (or its folder) is read-only for you; ask whoever set it up"
    return f"the store could not be used: {text}"
