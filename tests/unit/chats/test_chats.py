"""The chat manager's services: conversations per buyer, unread counts, search, sending a line, customers from TM."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.services.arrivals.chats import ChatLine, receive_chats
from inquiry_tui.services.arrivals.importing import BuyerFields
from inquiry_tui.services.chats.conversation import conversation, mark_read, send_line
from inquiry_tui.services.chats.conversations import chat_counts, conversation_page, search_conversations
from inquiry_tui.services.chats.customers import chat_buyers, make_customers
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files import disk
from inquiry_tui.services.files.attachments import FromDisk, FromPath
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.services.team.stats import team_stats
from tests.conftest import FIXED_NOW, ctx_as

T = FIXED_NOW - timedelta(hours=3)


def chat(email: str, minutes: int, sender: str, text: str) -> ChatLine:
    return ChatLine(
        BuyerFields(email, email.split("@")[0].title(), "Co " + email[0]), T + timedelta(minutes=minutes), sender, text
    )


@pytest.fixture
def chats(admin_ctx: Ctx) -> Ctx:
    """Three chat buyers: kim (two unread lines), lee (answered), max (one unread line, newest); chats go to ana."""
    set_setting(admin_ctx, "allocation.chats_follow_rules", "true")
    set_setting(admin_ctx, "allocation.company_contact", "ana")
    receive_chats(
        admin_ctx,
        [
            chat("kim@x.example", 0, "buyer", "Price of the floodlight?"),
            chat("kim@x.example", 1, "buyer", "And the MOQ?"),
            chat("lee@x.example", 5, "buyer", "Do you ship to Lagos?"),
            chat("lee@x.example", 9, "seller", "Yes, by sea."),
            chat("max@x.example", 30, "buyer", "Catalogue please"),
        ],
    )
    return admin_ctx


def test_conversations_newest_first_with_unread_counts_and_keyset_pages(chats: Ctx) -> None:
    page = conversation_page(chats, limit=2)
    assert [(r.email, r.unread, r.last_direction) for r in page.rows] == [
        ("max@x.example", 1, "in"),
        ("lee@x.example", 0, "out"),
    ]
    rest = conversation_page(chats, page.next_key, 2)
    assert [(r.email, r.unread) for r in rest.rows] == [("kim@x.example", 2)] and rest.next_key is None
    assert chat_counts(chats) == chat_counts(ctx_as(chats, "ana"))
    assert (chat_counts(chats).conversations, chat_counts(chats).unread) == (3, 2)
    assert conversation_page(ctx_as(chats, "ben")).rows == ()  # ben owns no chat


def test_search_across_chats_and_reading_one(chats: Ctx) -> None:
    assert [r.email for r in search_conversations(chats, "lagos")] == ["lee@x.example"]
    assert search_conversations(chats, "nothing-like-this") == []
    kim = next(r for r in conversation_page(chats).rows if r.email == "kim@x.example")
    c = conversation(chats, kim.buyer_id)
    assert [(line.direction, line.text) for line in c.lines] == [
        ("in", "Price of the floodlight?"),
        ("in", "And the MOQ?"),
    ]
    assert mark_read(ctx_as(chats, "ana"), kim.buyer_id) == 1
    assert next(r for r in conversation_page(chats).rows if r.email == "kim@x.example").unread == 0
    with pytest.raises(NotFound):
        conversation(ctx_as(chats, "ben"), kim.buyer_id)


def test_a_line_sent_within_an_hour_answers_the_chat_for_the_reply_rate(chats: Ctx, tmp_path: Path) -> None:
    ana = ctx_as(chats, "ana")
    max_row = conversation_page(ana).rows[0]
    before = team_stats(chats).company
    assert before is not None
    photo = tmp_path / "p.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 20)
    entry = disk.add_file(chats, photo, "Photos")
    # max wrote at T+30 min; ana answers 59 minutes later, inside a chat's one hour.
    late = replace(ana, clock=lambda: T + timedelta(minutes=30 + 59))
    state = send_line(late, max_row.buyer_id, "Here you are", [FromDisk(entry.id), FromPath(photo, "site.png")])
    assert state.replied and not state.unread and state.first_response_at == T + timedelta(minutes=89)
    c = conversation(ana, max_row.buyer_id)
    last = c.lines[-1]
    assert (last.direction, last.text, last.author) == ("out", "Here you are", "Ana Zhou")
    assert [a.name for a in last.attachments] == ["p.png", "site.png"]
    after = team_stats(chats).company
    assert after is not None
    assert after.reply.answered == before.reply.answered + 1  # within the chat's hour: it counts
    with pytest.raises(ValidationError, match="the line is empty"):
        send_line(ana, max_row.buyer_id, "   ")
    with pytest.raises(NotFound):
        send_line(ctx_as(chats, "ben"), max_row.buyer_id, "hello")


def test_customers_from_tm_are_chosen_and_a_salesperson_chooses_among_her_chats(chats: Ctx) -> None:
    ana, ben = ctx_as(chats, "ana"), ctx_as(chats, "ben")
    buyers = chat_buyers(ana, only_new=True)
    assert [b.email for b in buyers] == ["max@x.example", "lee@x.example", "kim@x.example"]
    assert make_customers(ana, [buyers[0].buyer_id]) == 1
    assert [b.email for b in chat_buyers(ana, only_new=True)] == ["lee@x.example", "kim@x.example"]
    with pytest.raises(NotFound):
        make_customers(ben, [buyers[1].buyer_id])  # not his chat
    assert chat_buyers(ben) == []
    assert make_customers(chats, [b.buyer_id for b in buyers]) == 2  # the admin, any chat buyer; max already is
