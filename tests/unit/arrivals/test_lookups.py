"""Routing's configuration kept per process: a change made by another session is seen by the next arrival."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import Session, select

from inquiry_tui.services.context import Ctx
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Account, BlockEntry, CountryOwner, Inquiry, Setting
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW
from tests.customer_helpers import make_product


def owner_and_folder(ctx: Ctx, inquiry_id: int) -> tuple[str, str]:
    with ctx.read() as session:
        inquiry = session.exec(select(Inquiry).where(Inquiry.id == inquiry_id)).one()
        login = session.exec(select(Account.login).where(Account.id == inquiry.owner_id)).one()
        return login, inquiry.folder


def test_changes_by_another_session_reach_the_next_arrival(admin_ctx: Ctx) -> None:
    make_product(admin_ctx, "SL-60W", "60W LED Street Light", owner="ana")
    t = FIXED_NOW - timedelta(hours=1)
    assert owner_and_folder(admin_ctx, arrive(admin_ctx, t, "a1@x.example", product="SL-60W")) == ("ana", "inbox")
    other = make_engine(admin_ctx.url)  # another session: its own engine and connections, raw ORM writes
    try:
        with Session(other) as s:  # the product's owner changes
            ben = s.exec(select(Account.id).where(Account.login == "ben")).one()
            cara = s.exec(select(Account.id).where(Account.login == "cara")).one()
            s.connection().exec_driver_sql("UPDATE product SET owner_id = ? WHERE sku = ?", (ben, "SL-60W"))
            s.commit()
        assert owner_and_folder(admin_ctx, arrive(admin_ctx, t, "a2@x.example", product="SL-60W"))[0] == "ben"
        with Session(other) as s:  # its owner goes away
            s.connection().exec_driver_sql("UPDATE account SET away = ? WHERE login = ?", (True, "ben"))
            s.commit()
        assert owner_and_folder(admin_ctx, arrive(admin_ctx, t, "a3@x.example", product="SL-60W"))[0] != "ben"
        with Session(other) as s:  # a block entry
            s.add(BlockEntry(kind="email", value="a4@x.example", created_at=FIXED_NOW))
            s.commit()
        assert owner_and_folder(admin_ctx, arrive(admin_ctx, t, "a4@x.example"))[1] == "deleted"
        with Session(other) as s:  # a country owner, and a setting: route by region
            s.add(CountryOwner(country="FR", account_id=cara))
            row = s.exec(select(Setting).where(Setting.key == "allocation")).first()
            s.connection().exec_driver_sql(
                "UPDATE setting SET value = ? WHERE key = ?"
                if row is not None
                else "INSERT INTO setting (value, key, version) VALUES (?, ?, 1)",
                ('{"mode": "region"}', "allocation"),
            )
            s.commit()
        assert owner_and_folder(admin_ctx, arrive(admin_ctx, t, "a5@x.example", country="FR"))[0] == "cara"
    finally:
        other.dispose()


def test_an_unchanged_configuration_is_not_read_again(admin_ctx: Ctx) -> None:
    t = FIXED_NOW - timedelta(hours=1)
    arrive(admin_ctx, t, "b1@x.example")
    seen: list[str] = []

    @event.listens_for(admin_ctx.engine, "before_cursor_execute")
    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    try:
        arrive(admin_ctx, t, "b2@x.example")
    finally:
        event.remove(admin_ctx.engine, "before_cursor_execute", note)
    assert any("config_stamp" in s for s in seen)
    assert not [s for s in seen if "FROM block_entry" in s or "FROM country_owner" in s or "FROM product" in s]
