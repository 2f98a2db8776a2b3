"""Admin notes, the company contact's card, terms kept on arrival and from answers, and the rules preview."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from inquiry_tui.domain.errors import NotFound, PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.domain.settings import AllocationSettings, ContactCard
from inquiry_tui.domain.terms import terms_from_json
from inquiry_tui.services.allocation.preview import preview_allocation
from inquiry_tui.services.arrivals.chats import ChatLine, receive_chats
from inquiry_tui.services.arrivals.importing import BuyerFields
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.manage import add_customer
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.inbox.triage import delete_inquiry, get_state, purge_deleted
from inquiry_tui.services.notes.notes import add_note, list_notes, mark_seen, notes_on_customer, unseen_count
from inquiry_tui.services.setup.settings import get_settings, set_setting
from inquiry_tui.services.setup.settings_edit import save_rules
from inquiry_tui.services.team.accounts import set_away, set_limit
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.routing.conftest import arrival, arrive, rows, settings

# --- notes ------------------------------------------------------------------------------------


def test_a_note_on_an_inquiry_reaches_its_owner_and_is_marked_until_seen(shop: Ctx) -> None:
    [i] = arrive(shop, arrival("n@x.example", "FL-1"))
    note = add_note(shop, text="  Call them today, please.  ", inquiry_id=i)
    assert (note.to, note.author, note.text, note.seen) == ("ana", "boss", "Call them today, please.", False)
    notes = rows(shop, "SELECT kind, text FROM notice WHERE kind != 'assignment'")  # the arrival's own notice aside
    assert notes == [("admin_note", f"#{i}: Call them today, please.")]
    assert rows(shop, "SELECT action FROM audit_log WHERE action = 'note_add'") == [("note_add",)]
    ana = ctx_as(shop, "ana")
    [row] = inbox.page_after(ana, "all", None, 10)
    assert row.inquiry.note and get_state(ana, i).note
    assert [n.text for n in thread_detail(ana, i).notes] == ["Call them today, please."]
    assert unseen_count(ana) == 1
    assert mark_seen(shop, inquiry_id=i) == 0  # the admin reading it does not count
    assert mark_seen(ana, inquiry_id=i) == 1
    assert not get_state(ana, i).note and unseen_count(ana) == 0
    assert [n.seen for n in list_notes(shop)] == [True]


def test_notes_are_the_admins_and_name_what_they_are_on(shop: Ctx) -> None:
    [i] = arrive(shop, arrival("n@x.example", "FL-1"))
    with pytest.raises(PermissionDenied):
        add_note(ctx_as(shop, "ana"), text="hi", inquiry_id=i)
    with pytest.raises(ValidationError, match="text: must not be empty"):
        add_note(shop, text="   ", inquiry_id=i)
    with pytest.raises(ValidationError, match="too long"):
        add_note(shop, text="x" * 2_001, inquiry_id=i)
    with pytest.raises(NotFound):
        add_note(shop, text="hi", inquiry_id=999)
    with pytest.raises(ValidationError, match="one of them"):
        add_note(shop, text="hi")
    with pytest.raises(NotFound):
        thread_detail(ctx_as(shop, "ben"), i)  # ben cannot see ana's inquiry, nor its notes


def test_a_note_on_a_customer(shop: Ctx) -> None:
    row = add_customer(ctx_as(shop, "ben"), CustomerInput(email="cust@x.example", name="C"))
    note = add_note(shop, text="Send the solar catalogue.", buyer_email="CUST@x.example")
    assert (note.to, note.on) == ("ben", "customer cust@x.example")
    assert [n.text for n in notes_on_customer(ctx_as(shop, "ben"), row.buyer_id)] == ["Send the solar catalogue."]
    assert notes_on_customer(ctx_as(shop, "cara"), row.buyer_id) == ()
    assert mark_seen(ctx_as(shop, "ben"), buyer_id=row.buyer_id) == 1
    arrive(shop, arrival("nobody@x.example"))
    with shop.write() as s:
        from sqlalchemy import text

        s.execute(text("UPDATE buyer SET owner_id = NULL WHERE email = 'nobody@x.example'"))
    with pytest.raises(ValidationError, match="no owner yet"):
        add_note(shop, text="x", buyer_email="nobody@x.example")


def test_purging_an_inquiry_takes_its_notes(shop: Ctx) -> None:
    [i] = arrive(shop, arrival("gone@x.example", "FL-1"))
    add_note(shop, text="x", inquiry_id=i)
    delete_inquiry(shop, i)
    purge_deleted(at(shop, FIXED_NOW + timedelta(days=31)))
    assert rows(shop, "SELECT count(*) FROM admin_note") == [(0,)]


# --- the company contact's card ---------------------------------------------------------------


def test_the_card_is_validated_and_shown(shop: Ctx) -> None:
    set_setting(shop, "contact.name", " Sales desk ")
    set_setting(shop, "contact.email", "Sales@Brightway.Example")
    set_setting(shop, "contact.phone", "+86 755 8888 1234")
    assert get_settings(shop).contact == ContactCard("Sales desk", "+86 755 8888 1234", "sales@brightway.example")
    with pytest.raises(ValidationError, match=r"contact\.email: 'bad@' is not an e-mail address"):
        set_setting(shop, "contact.email", "bad@")
    with pytest.raises(ValidationError, match=r"contact\.phone: may hold only digits"):
        set_setting(shop, "contact.phone", "call me")
    with pytest.raises(ValidationError, match=r"contact\.name: must be one line"):
        set_setting(shop, "contact.name", "two\nlines")


def test_rules_and_card_are_saved_together_or_not_at_all(shop: Ctx) -> None:
    s = get_settings(shop)
    new = AllocationSettings(mode="region", reassign_after_hours=6)
    saved = save_rules(shop, (s.allocation, s.contact), new, ContactCard("Desk", "", "desk@x.example"))
    assert (saved.allocation.reassign_after_hours, saved.contact.email) == (6, "desk@x.example")
    with pytest.raises(StaleWrite):
        save_rules(shop, (s.allocation, s.contact), new, ContactCard())
    with pytest.raises(ValidationError, match=r"contact\.email"):
        save_rules(shop, (saved.allocation, saved.contact), new, ContactCard(email="nope"))
    with pytest.raises(ValidationError, match="outside 1-720"):
        save_rules(shop, (saved.allocation, saved.contact), AllocationSettings(reassign_after_hours=999), ContactCard())


# --- terms on arrival and from answers ----------------------------------------------------------


def test_arrivals_keep_what_they_state_and_reception_asks_the_rest(shop: Ctx) -> None:
    settings(
        shop,
        reception__mode="all_day",
        reception__smart_questions=json.dumps(
            ["[quantity] How many pieces?", "[destination] Where to?", "[delivery_date] When?"]
        ),
    )
    [i] = arrive(shop, arrival("t@x.example", "FL-1", body="We need 500 pcs CIF Hamburg."))
    terms = terms_from_json(rows(shop, "SELECT terms FROM inquiry WHERE id = :i", i=i)[0][0])
    assert (terms.quantity, terms.unit, terms.destination, terms.incoterm, terms.product) == (
        500,
        "pcs",
        "Hamburg",
        "CIF",
        "FL-1",
    )
    sent = rows(shop, "SELECT body FROM message WHERE inquiry_id = :i AND direction = 'auto'", i=i)
    assert sent == [("When?",)]
    assert rows(shop, "SELECT asked FROM inquiry WHERE id = :i", i=i) == [("delivery_date",)]


def test_answers_in_a_chat_become_terms(shop: Ctx) -> None:
    settings(
        shop,
        allocation__chats_follow_rules="true",
        reception__mode="all_day",
        reception__smart_questions=json.dumps(["[quantity] How many?", "[destination] Which country?"]),
    )
    buyer = BuyerFields("chat@x.example", "Chat Buyer", "", "FR")
    t0 = FIXED_NOW - timedelta(hours=3)
    receive_chats(shop, [ChatLine(buyer, t0, "buyer", "Hello, do you have flood lights?", 1)])
    [(iid, asked)] = rows(shop, "SELECT id, asked FROM inquiry")
    assert asked == "quantity,destination"
    receive_chats(
        shop,
        [
            ChatLine(buyer, t0 + timedelta(minutes=5), "buyer", "800", 1),
            ChatLine(buyer, t0 + timedelta(minutes=6), "buyer", "Kenya", 2),
        ],
    )
    detail = thread_detail(shop, iid)
    assert (detail.terms.quantity, detail.terms.destination) == (800, "KE")


# --- the preview --------------------------------------------------------------------------------


def test_the_preview_shows_away_full_and_escalation(shop: Ctx) -> None:
    old = FIXED_NOW - timedelta(hours=10)
    arrive(
        shop,
        arrival("p1@x.example", "FL-1", when=old),
        arrival("p2@x.example", "ST-2", when=old),
        arrival("p3@x.example", "SEN-3", when=old),
        now=old,
    )
    set_away(shop, "ana", True)
    set_limit(shop, "ben", 0)
    rules = AllocationSettings(reassign_after_hours=4, rotation=True, rotation_members=("ana", "cara"))
    preview = preview_allocation(shop, rules)
    assert dict(preview.unavailable) == {"ana": "is away", "ben": "is full (0/0)"}
    assert (preview.away_skips, preview.full_skips, preview.escalations) == (3, 1, 3)
    by_sku = {r.product: r for r in preview.rows}
    assert (by_sku["FL-1"].owner, by_sku["FL-1"].passed, by_sku["FL-1"].was_owner) == ("cara", ("ana",), "ana")
    # nobody answered within 4 h: cara passed over, nobody else eligible in the rotation -> the main account
    assert {r.escalate_to for r in preview.rows} == {"boss"}
    assert "cara did not answer within 4 h" in by_sku["FL-1"].escalate_reason
    off = preview_allocation(shop, AllocationSettings())
    assert off.escalations == 0 and all(r.escalate_to is None for r in off.rows)
