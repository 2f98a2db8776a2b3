"""One "Last contact" (docs/domain.md, Buyers): the latest message either way by the buyer or a person,
kept in `buyer.last_contact_at` by every write that adds one, and shown alike by the list, the CLI and
the profile. On both engines."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from inquiry_tui.services.chats.conversation import send_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerQuery, customer_page
from inquiry_tui.services.customers.manage import buyer_id_by_email
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.inbox.triage import reply
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.store.types import as_utc
from tests.admin_helpers import arrive, at
from tests.conftest import FIXED_NOW

H = timedelta(hours=1)
T = FIXED_NOW - 3 * 24 * H


def last_contact(ctx: Ctx, email: str) -> datetime | None:
    with ctx.read() as session:
        value = session.execute(text("SELECT last_contact_at FROM buyer WHERE email = :e"), {"e": email}).scalar_one()
    return as_utc(value)


def test_a_reply_and_a_chat_line_move_it_and_an_older_import_does_not(admin_ctx: Ctx) -> None:
    inquiry = arrive(admin_ctx, T, "a@x.example")
    assert last_contact(admin_ctx, "a@x.example") == T
    reply(at(admin_ctx, T + 2 * H), inquiry, "Our price is USD 4.20 FOB.")
    assert last_contact(admin_ctx, "a@x.example") == T + 2 * H
    arrive(admin_ctx, T - 5 * H, "a@x.example")  # an import of an older inquiry: never back
    assert last_contact(admin_ctx, "a@x.example") == T + 2 * H
    chat = arrive(admin_ctx, T + 3 * H, "a@x.example", channel="tm")
    assert chat and last_contact(admin_ctx, "a@x.example") == T + 3 * H
    send_line(at(admin_ctx, T + 4 * H), buyer_id_by_email(admin_ctx, "a@x.example"), "Here is our catalogue.")
    assert last_contact(admin_ctx, "a@x.example") == T + 4 * H


def test_an_auto_reply_is_not_contact(admin_ctx: Ctx) -> None:
    set_setting(admin_ctx, "reception.mode", "all_day")
    set_setting(admin_ctx, "reception.welcome", "Hello! We answer within 24 hours.")
    arrive(admin_ctx, T, "b@x.example")
    with admin_ctx.read() as session:
        autos = session.execute(text("SELECT count(*) FROM message WHERE direction = 'auto'")).scalar_one()
    assert autos == 1
    assert last_contact(admin_ctx, "b@x.example") == T  # the buyer's message, not the welcome after it


def test_the_list_the_profile_and_the_messages_agree(sample_ctx: Ctx) -> None:
    """Every buyer of the generated sample: the stored time is its latest message by the buyer or a person;
    the list and the profile show it; no message the profile shows (auto-replies aside) is newer."""
    with sample_ctx.read() as session:
        stored = {b: as_utc(v) for b, v in session.execute(text("SELECT id, last_contact_at FROM buyer"))}
        latest = {
            b: as_utc(v)
            for b, v in session.execute(
                text(
                    "SELECT i.buyer_id, max(m.sent_at) FROM message m JOIN inquiry i ON i.id = m.inquiry_id "
                    "WHERE m.direction != 'auto' GROUP BY i.buyer_id"
                )
            )
        }
    assert {b: t for b, t in stored.items() if t is not None} == latest
    page = customer_page(sample_ctx, CustomerQuery(), limit=25)
    assert page.rows
    for row in page.rows:
        profile = buyer_profile(sample_ctx, row.buyer_id)
        assert profile.last_contact_at == row.last_contact_at == stored[row.buyer_id]
        for m in profile.latest_messages:
            if m.direction != "auto":
                assert profile.last_contact_at is not None and m.sent_at <= profile.last_contact_at
