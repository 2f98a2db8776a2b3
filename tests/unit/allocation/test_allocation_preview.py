"""The allocation preview: the last 100 arrivals re-routed under edited settings, beside how they went."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.domain.settings import AllocationSettings
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.allocation.preview import preview_allocation
from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.setup.catalog import add_product, assign_region
from inquiry_tui.services.setup.settings import get_settings, save_settings
from inquiry_tui.services.team.accounts import add_account, init_company
from inquiry_tui.store.models import AllocationRecord, AuditLog
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW, ctx_as, fixed_clock

T = FIXED_NOW - timedelta(days=3)
M = timedelta(minutes=1)


def set_up_shop(admin: Ctx) -> None:
    """SKU A -> ana, B -> ben, C unowned; DE -> ben, US -> cara."""
    add_product(admin, "A", "Flood light", "ana")
    add_product(admin, "B", "Street light", "ben")
    add_product(admin, "C", "Sensor")
    assign_region(admin, "DE", "ben")
    assign_region(admin, "US", "cara")


@pytest.fixture
def shop(admin_ctx: Ctx) -> Ctx:
    set_up_shop(admin_ctx)
    return admin_ctx


def allocation(ctx: Ctx, **changes: object) -> AllocationSettings:
    return replace(get_settings(ctx).allocation, **changes)  # type: ignore[arg-type]


def test_unchanged_settings_change_nothing_and_rows_are_newest_first(shop: Ctx) -> None:
    ids = [
        arrive(shop, T + n * M, f"b{n}@x.example", product=sku, country=cc)
        for n, (sku, cc) in enumerate([("A", "US"), ("B", "DE"), ("C", "FR"), (None, "US")])
    ]
    preview = preview_allocation(shop, allocation(shop))
    assert [r.inquiry_id for r in preview.rows] == ids[::-1]
    assert preview.changed == 0
    assert [(r.was_owner, r.was_rule) for r in preview.rows][::-1] == [
        ("ana", "product"),
        ("ben", "product"),
        ("boss", "company_contact"),
        ("boss", "company_contact"),
    ]
    assert preview.was_counts == preview.counts == (("ana", 1), ("ben", 1), ("boss", 2))


def test_switching_to_region_moves_what_the_countries_say(shop: Ctx) -> None:
    arrive(shop, T, "b1@x.example", product="A", country="US")  # ana by product; cara by region
    arrive(shop, T + M, "b2@x.example", product="B", country="DE")  # ben either way
    arrive(shop, T + 2 * M, "b3@x.example", product="A", country="JP")  # ana; JP unowned -> contact
    preview = preview_allocation(shop, allocation(shop, mode="region"))
    got = [(r.was_owner, r.owner, r.rule, r.changed) for r in reversed(preview.rows)]
    assert got == [
        ("ana", "cara", "region", True),
        ("ben", "ben", "region", False),
        ("ana", "boss", "company_contact", True),
    ]
    assert preview.changed == 2
    assert dict(preview.counts) == {"cara": 1, "ben": 1, "boss": 1}


def test_sticky_follows_the_replayed_first_decision_of_a_new_buyer(shop: Ctx) -> None:
    arrive(shop, T, "new@x.example", product="A", country="US")
    arrive(shop, T + M, "new@x.example", product="B", country="DE")  # sticky: ana (recorded)
    preview = preview_allocation(shop, allocation(shop, mode="region"))
    first, second = reversed(preview.rows)
    assert (first.owner, first.rule) == ("cara", "region")
    assert (second.was_owner, second.was_rule) == ("ana", "sticky")
    assert (second.owner, second.rule) == ("cara", "sticky")  # sticks to the replayed owner, not today's


def test_a_buyer_known_before_the_window_sticks_to_their_current_owner(shop: Ctx) -> None:
    arrive(shop, T - timedelta(days=1), "old@x.example", product="A", country="US")  # ana's buyer
    for n in range(100):
        arrive(shop, T + n * M, f"filler{n}@x.example", product="C", country="FR")
    last = arrive(shop, T + 101 * M, "old@x.example", product="B", country="DE")
    preview = preview_allocation(shop, allocation(shop, mode="region"))
    assert len(preview.rows) == 100 and preview.rows[0].inquiry_id == last
    assert (preview.rows[0].owner, preview.rows[0].rule) == ("ana", "sticky")


def test_rotation_takes_turns_from_the_last_recorded_turn(shop: Ctx) -> None:
    current = get_settings(shop)
    save_settings(
        shop,
        replace(
            current, allocation=replace(current.allocation, rotation=True, rotation_members=("ana", "ben", "cara"))
        ),
    )
    arrive(shop, T, "r0@x.example", product="C", country="FR")  # rotation: ana (recorded before the window below)
    for n in range(1, 101):
        arrive(shop, T + n * M, f"r{n}@x.example", product="C", country="FR")
    preview = preview_allocation(shop, allocation(shop))
    assert preview.changed == 0  # the same settings replay to the same turns
    oldest = preview.rows[-1]
    assert (oldest.owner, oldest.rule) == ("ben", "rotation")  # the turn after ana's, recorded before the window
    off = preview_allocation(shop, allocation(shop, rotation=False))
    assert {(r.owner, r.rule) for r in off.rows} == {("boss", "company_contact")}


def test_was_is_the_arrival_decision_not_a_later_reassignment(shop: Ctx) -> None:
    inquiry = arrive(shop, T, "b1@x.example", product="A", country="US")
    assign_inquiry(shop, inquiry, "cara")
    row = preview_allocation(shop, allocation(shop)).rows[0]
    assert (row.was_owner, row.was_rule, row.owner, row.changed) == ("ana", "product", "ana", False)


def test_chats_follow_the_chat_switches(shop: Ctx) -> None:
    arrive(shop, T, "c1@x.example", channel="tm", product="A", country="US")
    follow = preview_allocation(shop, allocation(shop, chats_follow_rules=True)).rows[0]
    apart = preview_allocation(shop, allocation(shop, chats_follow_rules=False)).rows[0]
    rotated = preview_allocation(
        shop,
        allocation(
            shop, chats_follow_rules=False, rotation=True, rotation_members=("cara",), rotation_includes_chats=True
        ),
    ).rows[0]
    assert (follow.owner, follow.rule) == ("ana", "product")
    assert (apart.owner, apart.rule) == ("boss", "main_account")
    assert (rotated.owner, rotated.rule) == ("cara", "rotation")


def test_nothing_is_written_and_only_the_admin_may_preview(shop: Ctx) -> None:
    arrive(shop, T, "b1@x.example", product="A")

    def written() -> tuple[int, int]:
        with shop.read() as s:
            return s.execute(select(func.count()).select_from(AllocationRecord)).scalar_one(), s.execute(
                select(func.count()).select_from(AuditLog)
            ).scalar_one()

    before = written()
    preview_allocation(shop, allocation(shop, mode="region", sticky=False))
    assert written() == before
    with pytest.raises(PermissionDenied):
        preview_allocation(ctx_as(shop, "ana"), allocation(shop))


def test_an_empty_store_previews_nothing(admin_ctx: Ctx) -> None:
    preview = preview_allocation(admin_ctx, AllocationSettings())
    assert preview.rows == () and preview.changed == 0


ARRIVALS = [  # (email, channel, product, country)
    ("p1@x.example", "inquiry", "A", "US"),
    ("p2@x.example", "tm", "B", "DE"),
    ("p1@x.example", "inquiry", "B", "US"),
    ("p3@x.example", "email", None, "FR"),
    ("p4@x.example", "tm", None, "US"),
    ("p3@x.example", "rfq", "C", "FR"),
    ("p5@x.example", "inquiry", "C", "JP"),
    ("p2@x.example", "inquiry", "A", "DE"),
    ("p6@x.example", "tm", "A", "BR"),
]
LOGINS = ("boss", "ana", "ben", "cara")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mode=st.sampled_from(["product", "region"]),
    sticky=st.booleans(),
    rotation=st.booleans(),
    members=st.lists(st.sampled_from(LOGINS), unique=True, max_size=4),
    chats=st.booleans(),
    chat_rotation=st.booleans(),
    contact=st.sampled_from([None, "cara"]),
)
def test_replaying_under_the_settings_the_arrivals_had_reproduces_the_pipeline(
    mode: str, sticky: bool, rotation: bool, members: list[str], chats: bool, chat_rotation: bool, contact: str | None
) -> None:
    """Property: in a store whose whole history arrived under settings S, the preview of S changes nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        system = connect_system(f"sqlite:///{Path(tmp) / 's.db'}")
        system.clock = fixed_clock
        try:
            init_company(system, "boss", "The Boss")
            boss = ctx_as(system, "boss")
            for login in LOGINS[1:]:
                add_account(boss, login, login.title())
            set_up_shop(boss)
            s = AllocationSettings(mode, sticky, contact, rotation, tuple(members), chats, chat_rotation)  # type: ignore[arg-type]
            save_settings(boss, replace(get_settings(boss), allocation=s))
            for n, (email, channel, sku, cc) in enumerate(ARRIVALS):
                arrive(boss, T + n * M, email, channel=channel, product=sku, country=cc)
            preview = preview_allocation(boss, s)
            assert preview.changed == 0, [
                (r.inquiry_id, r.was_owner, r.was_rule, r.owner, r.rule) for r in preview.rows
            ]
            assert all(r.rule == r.was_rule for r in preview.rows)
        finally:
            system.close()
