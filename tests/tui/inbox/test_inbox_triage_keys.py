"""The inbox's triage keys (enter m t s d u r a c e), pressed as the admin and as a salesperson, checked in the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Input, OptionList, TextArea

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.listing import InquiryRow
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.assign import AssignScreen
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.reply import ReplyScreen
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.conftest import ctx_as
from tests.tui.conftest import settle

ROLES = ["boss", "ana"]


def _row(app: InquiryApp) -> InquiryRow:
    item = app.screen.query_one(InquiryList).current
    assert item is not None
    return item.inquiry


def _stored(ctx: Ctx, inquiry_id: int, column: str) -> object:
    with ctx.read() as session:
        return session.execute(text(f"SELECT {column} FROM inquiry WHERE id = :i"), {"i": inquiry_id}).scalar_one()


def _inbox(app: InquiryApp) -> InboxScreen:
    screen = app.screen
    assert isinstance(screen, InboxScreen)
    return screen


@pytest.fixture(params=ROLES)
def ctx(request: pytest.FixtureRequest, store_ctx: Ctx) -> Ctx:
    return ctx_as(store_ctx, request.param)


async def test_enter_opens_and_marks_read_m_toggles(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        while not _row(app).unread:
            await pilot.press("j")
        await settle(pilot)
        row = _row(app)
        await pilot.press("enter")
        await settle(pilot)
        assert _stored(ctx, row.id, "unread") == 0
        assert isinstance(app.focused, ThreadView)
        listing.focus()
        await pilot.press("m")
        await settle(pilot)
        assert _stored(ctx, row.id, "unread") == 1
        await pilot.press("m")
        await settle(pilot)
        assert _stored(ctx, row.id, "unread") == 0
        assert not app.unexpected_errors


async def test_t_tags_and_untags_even_when_pressed_twice_quickly(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = _row(app)
        await pilot.press("t")
        await settle(pilot)
        assert _stored(ctx, row.id, "tagged") == (0 if row.tagged else 1)
        await pilot.press("t", "t")  # queued: the second sees the first's version
        await settle(pilot)
        assert _stored(ctx, row.id, "tagged") == (0 if row.tagged else 1)
        assert not app.unexpected_errors


async def test_s_junk_then_not_junk_from_the_junk_folder(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = _row(app)
        await pilot.press("s")
        await settle(pilot)
        assert _stored(ctx, row.id, "folder") == "junk"
        assert _stored(ctx, row.id, "first_response_at") is not None
        assert _row(app).id != row.id  # it left the All folder; the cursor is on the next one
        await pilot.press("J")
        await settle(pilot)
        assert _inbox(app).folder == "junk" and _row(app).id == row.id
        await pilot.press("s")
        await settle(pilot)
        assert _stored(ctx, row.id, "folder") == "inbox"
        with ctx.read() as session:
            actions = (
                session.execute(
                    text("SELECT action FROM audit_log WHERE entity_id = :i ORDER BY id"), {"i": str(row.id)}
                )
                .scalars()
                .all()
            )
        assert actions[-2:] == ["inquiry_junk", "inquiry_not_junk"]
        assert not app.unexpected_errors


async def test_d_deletes_and_u_restores_from_deleted(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        row = _row(app)
        await pilot.press("d")
        await settle(pilot)
        assert _stored(ctx, row.id, "folder") == "deleted"
        assert app.screen.query_one(InquiryList).cursor == 1 and _row(app).id != row.id
        await pilot.press("u")  # not in Deleted: explained, nothing changes
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert _row(app).id == row.id  # deleted just now: the newest deletion
        await pilot.press("u")
        await settle(pilot)
        assert _stored(ctx, row.id, "folder") == "inbox"
        assert not app.unexpected_errors


async def test_r_replies_with_a_template(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = _row(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReplyScreen)
        await pilot.press("ctrl+t")
        await pilot.press("enter")  # the first template, filled in
        await settle(pilot)
        filled = app.screen.query_one(TextArea).text
        assert row.buyer_name.split()[0] in filled and "{buyer_name}" not in filled
        await pilot.press(*"PS")  # typing goes on at the template's end, not before its greeting
        body = app.screen.query_one(TextArea).text
        assert body == filled + "PS"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        with ctx.read() as session:
            sent = session.execute(
                text(
                    "SELECT body, author_id FROM message WHERE inquiry_id = :i AND direction = 'out' ORDER BY id DESC"
                ),
                {"i": row.id},
            ).first()
        assert sent is not None and sent[0] == body.strip("\n") and sent[1] == ctx.actor.id
        assert _stored(ctx, row.id, "replied") == 1 and _stored(ctx, row.id, "unread") == 0
        assert not app.unexpected_errors


async def test_a_assigns_or_hands_over(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = _row(app)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AssignScreen)
        options = screen.query_one(OptionList)
        logins = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert row.owner_login not in logins
        if ctx.actor.login == "ana":
            assert "boss" not in logins  # a salesperson hands over to salespeople only
        target = "ben" if "ben" in logins else logins[0]
        options.highlighted = logins.index(target)
        await pilot.press("enter")
        await settle(pilot)
        owner = _stored(ctx, row.id, "(SELECT login FROM account WHERE id = owner_id)")
        assert owner == target
        with ctx.read() as session:
            rule = session.execute(
                text("SELECT rule FROM allocation_record WHERE inquiry_id = :i ORDER BY id DESC LIMIT 1"), {"i": row.id}
            ).scalar_one()
        assert rule == ("manual" if ctx.actor.is_admin else "handover")
        if not ctx.actor.is_admin:
            assert _row(app).id != row.id  # no longer theirs: gone from their list
        assert not app.unexpected_errors


async def test_c_adds_the_buyer_as_a_customer(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        with ctx.read() as session:
            customers = set(session.execute(text("SELECT id FROM buyer WHERE is_customer = 1")).scalars())
        while _row(app).buyer_id in customers:
            await pilot.press("j")
        await settle(pilot)
        row = _row(app)
        await pilot.press("c")
        await settle(pilot)
        from inquiry_tui.tui.customers.form import CustomerFormScreen

        assert isinstance(app.screen, CustomerFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        with ctx.read() as session:
            is_customer = session.execute(
                text("SELECT is_customer FROM buyer WHERE id = :b"), {"b": row.buyer_id}
            ).scalar_one()
        assert is_customer == 1 and isinstance(app.screen, InboxScreen)
        assert not app.unexpected_errors


async def test_e_exports_this_folder(ctx: Ctx, tmp_path: Path) -> None:
    app = InquiryApp(ctx)
    target = tmp_path / "junk.jsonl"
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        lines = target.read_text(encoding="utf-8").splitlines()
        assert len(lines) == inbox.count_folder(ctx, "junk") > 0
        assert all('"folder": "junk"' in line or '"folder":"junk"' in line for line in lines)
        said = [str(n.message) for n in app._notifications]
        assert f"Exporting the Junk folder to {target} in the background…" in said  # at once, not only when done
        assert any(m.startswith(f"Exported {len(lines):,} inquiries to {target}") for m in said)
        assert not app.unexpected_errors


async def test_an_unknown_users_home_in_the_export_path_is_a_message_not_a_crash(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = "~no-such-user-of-this-machine/junk.jsonl"
        await pilot.press("enter")
        await settle(pilot)
        problem = str(app.screen.query_one("#export-problem").render())
        assert "~no-such-user-of-this-machine does not exist" in problem  # as written, as the shell leaves it
        assert not app.unexpected_errors


async def test_a_stale_row_is_refused_and_reloaded(ctx: Ctx) -> None:
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        row = _row(app)
        other = ctx_as(ctx, "boss")
        from inquiry_tui.services.inbox import triage

        triage.set_tagged(other, row.id, not row.tagged, row.version)  # someone else, meanwhile
        await pilot.press("d")
        await settle(pilot)
        assert _stored(ctx, row.id, "folder") == "inbox"  # refused
        assert _row(app).version == row.version + 1  # reloaded
        await pilot.press("d")
        await settle(pilot)
        assert _stored(ctx, row.id, "folder") == "deleted"
        assert not app.unexpected_errors


async def test_purge_from_the_palette_is_the_admins(ctx: Ctx) -> None:
    from inquiry_tui.tui.common.confirm import ConfirmScreen
    from inquiry_tui.tui.common.keys import key_entries

    old_sql = "SELECT count(*) FROM inquiry WHERE folder = 'deleted' AND deleted_at < '2026-10-24 09:30:00'"
    with ctx.read() as session:
        old = session.execute(text(old_sql)).scalar_one()
    app = InquiryApp(ctx)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        names = [entry.name for entry in key_entries(app.screen)]
        if not ctx.actor.is_admin:
            assert not any("Purge" in name for name in names)
            await pilot.press("P")  # the key does nothing for a salesperson
            await settle(pilot)
            assert isinstance(app.screen, InboxScreen)
            return
        assert "Inbox: Purge deleted" in names and old > 0
        await pilot.press("ctrl+p")
        await pilot.press(*"purge deleted")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        with ctx.read() as session:
            assert session.execute(text(old_sql)).scalar_one() == 0
            assert (
                session.execute(text("SELECT count(*) FROM audit_log WHERE action = 'inquiry_purge'")).scalar_one() == 1
            )
        assert not app.unexpected_errors
