"""Shared fixtures: a throwaway store on tmp_path, contexts for the admin and a salesperson.

Every test gets its own SQLite file under tmp_path (never the user's store) and a fixed clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from inquiry_tui.services.context import SYSTEM, Ctx, actor_from, connect_system
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import add_account, init_company
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Account

FIXED_NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Never touch the developer's real store or depend on the OS login."""
    monkeypatch.setenv("INQUIRY_TUI_DB", str(tmp_path / "env-default.db"))
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")


@pytest.fixture
def db_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'store.db'}"


def _ctx_for(ctx: Ctx, login: str) -> Ctx:
    with ctx.read() as session:
        from sqlmodel import select

        account = session.exec(select(Account).where(Account.login == login)).one()
        return ctx.as_actor(actor_from(account))


@pytest.fixture
def admin_ctx(db_url: str) -> Iterator[Ctx]:
    """An initialised store with the main account `boss` and salespeople `ana`, `ben`, `cara`."""
    system = connect_system(db_url)
    system.clock = fixed_clock
    system.read_engine = make_engine(db_url, read_only=True)
    init_company(system, "boss", "The Boss")
    ctx = _ctx_for(system, "boss")
    for login, name in (("ana", "Ana Zhou"), ("ben", "Ben Wu"), ("cara", "Cara Diaz")):
        add_account(ctx, login, name)
    yield ctx
    system.close()


@pytest.fixture
def sales_ctx(admin_ctx: Ctx) -> Ctx:
    """The salesperson `ana` on the same store as admin_ctx."""
    return _ctx_for(admin_ctx, "ana")


@pytest.fixture
def sample_ctx(db_url: str) -> Iterator[Ctx]:
    """The sample company (main account `boss`, salespeople ana..gus) with 2,000 inquiries."""
    system = connect_system(db_url)
    system.clock = fixed_clock
    system.read_engine = make_engine(db_url, read_only=True)
    init_company(system, "boss", "The Boss")
    ctx = _ctx_for(system, "boss")
    set_up_company(ctx, load_json("company.json"))
    generate(ctx, 2000, 20261123)
    yield ctx
    system.close()


def ctx_as(ctx: Ctx, login: str) -> Ctx:
    """The same store acting as LOGIN (for role tests)."""
    return _ctx_for(ctx, login) if login != "system" else ctx.as_actor(SYSTEM)
