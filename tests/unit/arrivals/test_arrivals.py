"""Arrivals through the service over a tmp store: every allocation rule, junk, auto-replies, buyers, allocate."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.arrivals.chats import ChatLine, receive_chats
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, allocate_waiting, import_inquiries, receive
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.catalog import add_product, assign_region
from inquiry_tui.services.setup.settings import get_settings, set_setting
from inquiry_tui.services.team.accounts import deactivate
from inquiry_tui.store.models import Account, AllocationRecord, AuditLog, BlockEntry, Buyer, Inquiry, Message
from tests.conftest import FIXED_NOW

T0 = FIXED_NOW - timedelta(days=2)
_n = 0


def arrival(
    email: str = "buyer@acme.example",
    product: str | None = None,
    country: str | None = "DE",
    *,
    channel: str = "inquiry",
    at=None,
    subject: str = "Price for 500 pcs",
    body: str = "Please quote 500 pcs FOB Shenzhen, thank you.",
) -> Arrival:
    global _n
    _n += 1
    return Arrival(
        f"t-{_n}",
        channel,
        at or T0 + timedelta(minutes=_n),
        BuyerFields(email, "Buyer", "Acme", country),
        product,
        subject,
        body,
    )


def settings(ctx: Ctx, **values: str) -> None:
    for key, value in values.items():
        set_setting(ctx, key.replace("__", "."), value)


def owners(ctx: Ctx) -> list[tuple[str, str]]:
    """(owner login, rule) of every inquiry, in id order."""
    with ctx.read() as s:
        rows = s.exec(
            select(Account.login, Inquiry.rule).join(Account, Account.id == Inquiry.owner_id).order_by(Inquiry.id)
        ).all()
        return [(login, rule) for login, rule in rows]


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    """boss (main) + ana, ben, cara; SKU A owned by ana, B by ben, C unowned; DE -> ben, US -> cara."""
    add_product(admin_ctx, "A", "Flood light", "ana")
    add_product(admin_ctx, "B", "Street light", "ben")
    add_product(admin_ctx, "C", "Sensor")
    assign_region(admin_ctx, "DE", "ben")
    assign_region(admin_ctx, "US", "cara")
    return admin_ctx


# (id, settings, arrivals, expected (owner, rule) per arrival)
SCENARIOS = [
    ("product-owner", {}, [arrival(product="A")], [("ana", "product")]),
    (
        "sticky-over-product",
        {},
        [arrival("s1@x.example", "A"), arrival("s1@x.example", "B")],
        [("ana", "product"), ("ana", "sticky")],
    ),
    (
        "sticky-off",
        {"allocation__sticky": "false"},
        [arrival("s2@x.example", "A"), arrival("s2@x.example", "B")],
        [("ana", "product"), ("ben", "product")],
    ),
    (
        "sticky-over-region",
        {"allocation__mode": "region"},
        [arrival("s3@x.example", country="US"), arrival("s3@x.example", country="DE")],
        [("cara", "region"), ("cara", "sticky")],
    ),
    (
        "company-level-to-contact",
        {"allocation__company_contact": "cara"},
        [arrival(product=None)],
        [("cara", "company_contact")],
    ),
    ("unowned-product-to-main", {}, [arrival(product="C")], [("boss", "company_contact")]),
    ("region-owner", {"allocation__mode": "region"}, [arrival(country="DE")], [("ben", "region")]),
    ("region-without-owner", {"allocation__mode": "region"}, [arrival(country="FR")], [("boss", "company_contact")]),
    (
        "region-no-country",
        {"allocation__mode": "region", "allocation__company_contact": "ana"},
        [arrival(country=None)],
        [("ana", "company_contact")],
    ),
    (
        "rotation-company-level",
        {"allocation__rotation": "true", "allocation__rotation_members": "ana,ben,cara"},
        [arrival(f"r{i}@x.example") for i in range(4)],
        [("ana", "rotation"), ("ben", "rotation"), ("cara", "rotation"), ("ana", "rotation")],
    ),
    (
        "rotation-not-for-owned-product",
        {"allocation__rotation": "true", "allocation__rotation_members": "ana,ben,cara"},
        [arrival(product="B")],
        [("ben", "product")],
    ),
    ("chat-switch-off", {}, [arrival(product="A", channel="tm")], [("boss", "main_account")]),
    (
        "chat-switch-on",
        {"allocation__chats_follow_rules": "true"},
        [arrival(product="A", channel="tm")],
        [("ana", "product")],
    ),
    (
        "chat-no-rotation-without-its-switch",
        {
            "allocation__chats_follow_rules": "true",
            "allocation__rotation": "true",
            "allocation__rotation_members": "ana,ben",
        },
        [arrival(channel="tm"), arrival("other@x.example")],
        [("boss", "company_contact"), ("ana", "rotation")],
    ),
    (
        "chat-rotation-with-its-switch",
        {
            "allocation__chats_follow_rules": "true",
            "allocation__rotation": "true",
            "allocation__rotation_members": "ana,ben",
            "allocation__rotation_includes_chats": "true",
        },
        [arrival(channel="tm"), arrival("other2@x.example", channel="tm")],
        [("ana", "rotation"), ("ben", "rotation")],
    ),
    (
        "chat-off-rules-but-rotated",
        {
            "allocation__rotation": "true",
            "allocation__rotation_members": "cara",
            "allocation__rotation_includes_chats": "true",
        },
        [arrival(product="A", channel="tm")],
        [("cara", "rotation")],
    ),
]


@pytest.mark.parametrize(("values", "batch", "expected"), [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_rules(shop: Ctx, values: dict[str, str], batch: list[Arrival], expected: list[tuple[str, str]]) -> None:
    settings(shop, **values)
    report = receive(shop, batch)
    assert owners(shop) == expected
    assert report.received == len(batch)
    with shop.read() as s:
        records = s.exec(select(AllocationRecord).order_by(AllocationRecord.id)).all()
        assert [(r.actor, r.rule) for r in records] == [("system", rule) for _, rule in expected]
        assert all(r.reason for r in records)
        assert s.exec(select(AuditLog).where(AuditLog.action == "inquiries_receive")).one()


def test_rotation_over_three_with_one_deactivated(shop: Ctx) -> None:
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben,cara")
    receive(shop, [arrival(f"a{i}@x.example") for i in range(3)])
    deactivate(shop, "ben", "ana")
    receive(shop, [arrival(f"b{i}@x.example") for i in range(6)])
    later = Counter(login for login, _ in owners(shop)[3:])
    assert later == {"ana": 3, "cara": 3}
    assert get_settings(shop).allocation.rotation_members == ("ana", "cara")


def test_rotation_turn_survives_batches(shop: Ctx) -> None:
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben,cara")
    for i in range(5):
        receive(shop, [arrival(f"t{i}@x.example")])
    assert [o for o, _ in owners(shop)] == ["ana", "ben", "cara", "ana", "ben"]


def test_block_list_goes_to_deleted_still_allocated(shop: Ctx) -> None:
    with shop.write() as s:
        s.add(BlockEntry(kind="email", value="spam@bad.example", created_at=FIXED_NOW))
    receive(shop, [arrival("Spam@bad.example".lower(), "A")])
    with shop.read() as s:
        inquiry = s.exec(select(Inquiry)).one()
        assert inquiry.folder == "deleted" and inquiry.is_junk and inquiry.deleted_at is not None
        assert "block list" in inquiry.junk_reasons
        assert inquiry.due_at is None and inquiry.auto_replies == 0
    assert owners(shop) == [("ana", "product")]


def test_junk_goes_to_junk_still_allocated(shop: Ctx) -> None:
    spam = arrival(
        "seo@spam.example",
        "B",
        subject="Rank your website #1 on Google",
        body="We offer SEO services and website design. http://a.example http://b.example http://c.example",
    )
    report = receive(shop, [spam])
    assert report.junk == 1 and report.deleted == 0
    with shop.read() as s:
        inquiry = s.exec(select(Inquiry)).one()
        assert inquiry.folder == "junk" and inquiry.is_junk and inquiry.junk_score >= 50
        assert "offers SEO services" in inquiry.junk_reasons.split("\n")
    assert owners(shop) == [("ben", "product")]


def test_auto_replies_in_order_only_when_active_and_no_recent_contact(shop: Ctx) -> None:
    settings(
        shop,
        reception__mode="all_day",
        reception__welcome="Welcome!",
        reception__faq=json.dumps([{"q": "MOQ?", "a": "100 pcs"}]),
        # The body states the quantity (500 pcs) but no destination: only a question about what is missing is
        # sent (smart questions as needed; tests/unit/routing covers the rest).
        reception__smart_questions='["Which quantity?", "Which destination port?"]',
    )
    at = FIXED_NOW - timedelta(days=40)
    receive(shop, [arrival("auto@x.example", "A", at=at)])
    receive(shop, [arrival("auto@x.example", "A", at=at + timedelta(days=10))])  # contact 10 days ago: none
    receive(shop, [arrival("auto@x.example", "A", at=at + timedelta(days=40, minutes=1))])  # 30+ days of silence
    with shop.read() as s:
        inquiries = s.exec(select(Inquiry).order_by(Inquiry.id)).all()
        assert [i.auto_replies for i in inquiries] == [3, 0, 3]
        assert not any(i.replied or i.first_response_at for i in inquiries)
        assert all(i.due_at == i.received_at + timedelta(hours=24) for i in inquiries)
        msgs = s.exec(
            select(Message).where(Message.inquiry_id == inquiries[0].id).order_by(Message.sent_at, Message.id)
        ).all()
        assert [(m.direction, m.body) for m in msgs] == [
            ("in", "Please quote 500 pcs FOB Shenzhen, thank you."),
            ("auto", "Welcome!"),
            ("auto", "Q: MOQ?\nA: 100 pcs"),
            ("auto", "Which destination port?"),
        ]
    settings(shop, reception__mode="off")
    receive(shop, [arrival("quiet@x.example", "A")])
    with shop.read() as s:
        assert s.exec(select(Inquiry).order_by(Inquiry.id.desc())).first().auto_replies == 0  # type: ignore[union-attr]


def test_outgoing_contact_counts_for_the_30_days(shop: Ctx) -> None:
    settings(shop, reception__mode="all_day", reception__welcome="Welcome!")
    with shop.write() as s:  # we wrote to this buyer 5 days ago (e.g. a seller's chat line)
        s.add(Buyer(email="known@x.example", first_seen_at=FIXED_NOW, last_contact_at=FIXED_NOW - timedelta(days=5)))
    receive(shop, [arrival("known@x.example", "A", at=FIXED_NOW)])
    with shop.read() as s:
        assert s.exec(select(Inquiry)).one().auto_replies == 0


def test_buyer_upsert_is_case_insensitive(shop: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {
            "external_id": "u1",
            "channel": "inquiry",
            "received_at": "2026-11-20T10:00:00Z",
            "buyer": {"email": "Bob@Acme.Example", "country": "de"},
            "product": "A",
            "subject": "s",
            "body": "Please quote 500 pcs of A.",
        },
        {
            "external_id": "u2",
            "channel": "inquiry",
            "received_at": "2026-11-20T11:00:00Z",
            "buyer": {"email": "bob@acme.example", "name": "Bob", "company": "Acme"},
            "product": None,
            "subject": "s",
            "body": "And your catalogue too.",
        },
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    report = import_inquiries(shop, path)
    assert report.buyers_added == 1
    with shop.read() as s:
        buyer = s.exec(select(Buyer)).one()
        assert (buyer.email, buyer.country, buyer.name, buyer.company) == ("bob@acme.example", "DE", "Bob", "Acme")
        assert buyer.owner_id == s.exec(select(Account.id).where(Account.login == "ana")).one()
    assert owners(shop) == [("ana", "product"), ("ana", "sticky")]


def test_duplicate_external_id_leaves_store_unchanged(shop: Ctx) -> None:
    first = arrival()
    receive(shop, [first])
    with pytest.raises(ValidationError, match=r"arrival 2, field external_id: 't-.*' is already in the store"):
        receive(shop, [arrival("new@x.example"), first])
    with pytest.raises(ValidationError, match="appears twice"):
        dup = arrival("n2@x.example")
        receive(shop, [dup, dup])
    with shop.read() as s:
        assert len(s.exec(select(Inquiry)).all()) == 1
        assert len(s.exec(select(Buyer)).all()) == 1


def test_unknown_sku_is_an_error(shop: Ctx) -> None:
    with pytest.raises(ValidationError, match="field product: unknown SKU 'ZZZ'"):
        receive(shop, [arrival(product="ZZZ")])


def test_allocate_waiting_after_rotation_switched_on(shop: Ctx) -> None:
    receive(
        shop, [arrival(f"w{i}@x.example") for i in range(3)] + [arrival("w0@x.example"), arrival("own@x.example", "A")]
    )
    assert [o for o, _ in owners(shop)] == ["boss", "boss", "boss", "boss", "ana"]
    settings(shop, allocation__rotation="true", allocation__rotation_members="ben,cara")
    assert allocate_waiting(shop) == 4
    assert owners(shop) == [
        ("ben", "rotation"),
        ("cara", "rotation"),
        ("ben", "rotation"),
        ("ben", "sticky"),
        ("ana", "product"),
    ]
    with shop.read() as s:
        moved = s.exec(select(AllocationRecord).where(AllocationRecord.actor == "boss")).all()
        assert len(moved) == 4 and {r.rule for r in moved} == {"rotation", "sticky"}
    assert allocate_waiting(shop) == 0


def test_deactivate_moves_open_work_and_settings(shop: Ctx) -> None:
    settings(shop, allocation__company_contact="ben", allocation__rotation_members="ana,ben")
    receive(shop, [arrival("d1@x.example", "B"), arrival("d2@x.example", "B")])
    with shop.write() as s:  # one of them deleted: a later restore must not land with ben
        s.exec(select(Inquiry).order_by(Inquiry.id)).first().folder = "deleted"  # type: ignore[union-attr]
    result = deactivate(shop, "ben", "cara")
    assert (result.inquiries, result.buyers, result.products, result.countries) == (2, 2, 1, 1)
    assert {o for o, _ in owners(shop)} == {"cara"}
    a = get_settings(shop).allocation
    assert a.company_contact == "cara" and a.rotation_members == ("ana",)
    set_setting(shop, "reception.mode", "all_day")  # settings stay valid after the deactivation


def test_chats_group_into_threads_and_make_customers(shop: Ctx) -> None:
    settings(shop, allocation__chats_follow_rules="true", allocation__mode="region")
    kim = BuyerFields("kim@x.example", "Kim", "Kim Co", "US")
    t = FIXED_NOW - timedelta(days=50)
    lines = [
        ChatLine(kim, t - timedelta(minutes=5), "seller", "Hello Kim, can we help?"),
        ChatLine(kim, t, "buyer", "Price of A?"),
        ChatLine(kim, t + timedelta(minutes=3), "seller", "USD 5"),
        ChatLine(kim, t + timedelta(days=40), "buyer", "Back again: price of B?"),  # > 30 days: a new thread
    ]
    report = receive_chats(shop, lines, make_customers=True)  # `import chats --customers`
    assert report.threads.received == 2 and report.customers == 1
    with shop.read() as s:
        threads = s.exec(select(Inquiry).order_by(Inquiry.id)).all()
        assert [(i.channel, i.replied, i.unread) for i in threads] == [("tm", True, False), ("tm", False, True)]
        assert threads[0].first_response_at == t + timedelta(minutes=3)
        directions = s.exec(
            select(Message.direction).where(Message.inquiry_id == threads[0].id).order_by(Message.sent_at)
        ).all()
        assert directions == ["out", "in", "out"]
        buyer = s.exec(select(Buyer)).one()
        assert buyer.is_customer and buyer.source == "chat" and buyer.customer_since == FIXED_NOW
    assert owners(shop) == [("cara", "region"), ("cara", "sticky")]
    # A later line within 30 days continues the second thread.
    more = receive_chats(shop, [ChatLine(kim, t + timedelta(days=41), "buyer", "Any news?")])
    assert more.extended == 1 and more.threads.received == 0
    with shop.read() as s:
        assert len(s.exec(select(Message).where(Message.inquiry_id == threads[1].id)).all()) == 2


def test_a_buyer_with_only_seller_lines_is_skipped_and_not_counted(shop: Ctx) -> None:
    kim = BuyerFields("kim@x.example", "Kim", "Kim Co", "US")
    lee = BuyerFields("lee@x.example", "Lee", "Lee Co", "US")
    t = FIXED_NOW - timedelta(days=2)
    report = receive_chats(
        shop,
        [
            ChatLine(kim, t, "buyer", "Price of A?"),
            ChatLine(lee, t, "seller", "Hello Lee, new catalogue attached."),
        ],
        make_customers=True,
    )
    assert (report.customers, report.skipped_seller_lines, report.threads.buyers_added) == (1, 1, 1)
    with shop.read() as s:
        assert s.exec(select(Buyer.email)).all() == ["kim@x.example"]


def test_chats_with_rules_off_land_with_main(shop: Ctx) -> None:
    receive_chats(
        shop, [ChatLine(BuyerFields("z@x.example", country="DE"), FIXED_NOW, "buyer", "hi there, price please")]
    )
    assert owners(shop) == [("boss", "main_account")]
