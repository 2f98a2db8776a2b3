"""Roles in the service layer: roles x actions, each with what the role CAN do and what it CANNOT see.

The world: boss (main account), ana and ben (salespeople), cara. One inquiry (and buyer) of
ana's, one of ben's. A salesperson must not list, open, search, count or export ben's
inquiries or buyers (others' ids are NotFound, so existence does not leak), nor change
settings or accounts; the admin sees and does everything. `--as` is for the admin only.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from inquiry_tui.domain.errors import NotFound, PermissionDenied
from inquiry_tui.domain.settings import AllocationSettings
from inquiry_tui.services.allocation import ownership
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.allocation.preview import preview_allocation
from inquiry_tui.services.allocation.record import allocation_page, export_allocations_text
from inquiry_tui.services.context import Ctx, connect
from inquiry_tui.services.customers.listing import CustomerQuery, customer_page
from inquiry_tui.services.customers.manage import add_customer_from_inquiry, buyer_id_by_email
from inquiry_tui.services.customers.profile import buyer_profile
from inquiry_tui.services.inbox import export, triage
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.services.setup.catalog import add_product
from inquiry_tui.services.setup.settings import get_settings, save_settings, set_setting
from inquiry_tui.services.setup.settings_edit import save_allocation
from inquiry_tui.services.team import accounts, audit_log
from inquiry_tui.services.team.stats import team_stats
from tests.admin_helpers import arrive, at
from tests.conftest import FIXED_NOW, ctx_as

ROLES = ("boss", "ana")


@dataclass(frozen=True)
class World:
    boss: Ctx
    mine: int  # ana's inquiry
    theirs: int  # ben's inquiry
    my_buyer: str
    their_buyer: str


@pytest.fixture
def world(admin_ctx: Ctx) -> World:
    add_product(admin_ctx, "A", "Flood light", "ana")
    add_product(admin_ctx, "B", "Street light", "ben")
    when = FIXED_NOW - timedelta(days=2)
    mine = arrive(
        admin_ctx,
        when,
        "amy@buyer.example",
        product="A",
        subject="flamingo lamps",
        body="Quote for flamingo lamps please.",
    )
    theirs = arrive(
        admin_ctx,
        when,
        "bob@buyer.example",
        product="B",
        subject="pelican lamps",
        body="Quote for pelican lamps please.",
    )
    for inquiry_id in (mine, theirs):
        add_customer_from_inquiry(admin_ctx, inquiry_id)  # both buyers in customer management
    return World(admin_ctx, mine, theirs, "amy@buyer.example", "bob@buyer.example")


def ids(rows) -> set[int]:  # type: ignore[no-untyped-def]
    return {r.id for r in rows}


# --- the actions: each asserts what ROLE can and cannot see ------------------------------------


def list_inquiries(ctx: Ctx, w: World, admin: bool) -> None:
    listed = ids(inbox.page_after(ctx, "all", None, 50))
    assert w.mine in listed
    assert (w.theirs in listed) is admin


def open_by_id(ctx: Ctx, w: World, admin: bool) -> None:
    assert thread_detail(ctx, w.mine).id == w.mine
    if admin:
        assert thread_detail(ctx, w.theirs).owner_login == "ben"
    else:
        with pytest.raises(NotFound):
            thread_detail(ctx, w.theirs)
        with pytest.raises(NotFound):
            triage.get_state(ctx, w.theirs)


def search(ctx: Ctx, w: World, admin: bool) -> None:
    assert ids(inbox.search(ctx, "flamingo").rows) == {w.mine}
    assert ids(inbox.search(ctx, "pelican").rows) == ({w.theirs} if admin else set())
    assert inbox.count_search(ctx, "lamps") == (2 if admin else 1)


def counts(ctx: Ctx, w: World, admin: bool) -> None:
    assert inbox.folder_counts(ctx).all == (2 if admin else 1)
    stats = team_stats(ctx)
    assert (stats.company is not None) is admin
    assert {f.login for f in stats.accounts} == ({"boss", "ana", "ben", "cara"} if admin else {"ana"})


def export_inquiries(ctx: Ctx, w: World, admin: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "inquiries.jsonl"
        export.export_inquiries(ctx, path, fmt="jsonl")
        exported = {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()}
    assert exported == ({w.mine, w.theirs} if admin else {w.mine})
    out = io.StringIO()
    assert export.write_inquiries(ctx, out, folder="inbox") == len(exported)
    record = export_allocations_text(ctx, fmt="jsonl")
    recorded = {json.loads(line)["inquiry_id"] for line in record.splitlines()}
    assert recorded == ({w.mine, w.theirs} if admin else {w.mine})
    assert {r.inquiry_id for r in allocation_page(ctx).rows} == recorded


def buyers(ctx: Ctx, w: World, admin: bool) -> None:
    mine = buyer_id_by_email(ctx, w.my_buyer)
    assert buyer_profile(ctx, mine).email == w.my_buyer  # type: ignore[attr-defined]
    listed = {r.email for r in customer_page(ctx, CustomerQuery()).rows}  # type: ignore[attr-defined]
    assert listed == ({w.my_buyer, w.their_buyer} if admin else {w.my_buyer})
    if admin:
        buyer_profile(ctx, buyer_id_by_email(ctx, w.their_buyer))
    else:
        with pytest.raises(NotFound):
            buyer_id_by_email(ctx, w.their_buyer)
        their_id = buyer_id_by_email(w.boss, w.their_buyer)
        with pytest.raises(NotFound):
            buyer_profile(ctx, their_id)


def assign(ctx: Ctx, w: World, admin: bool) -> None:
    if admin:
        assert assign_inquiry(ctx, w.theirs, "cara").rule == "manual"
    else:
        with pytest.raises(NotFound):
            assign_inquiry(ctx, w.theirs, "ana")
        with pytest.raises(PermissionDenied):
            assign_inquiry(ctx, w.mine, "boss")  # a salesperson hands over only to salespeople
    assert assign_inquiry(ctx, w.mine, "ben").rule == ("manual" if admin else "handover")


def delete_and_restore(ctx: Ctx, w: World, admin: bool) -> None:
    assert triage.delete_inquiry(ctx, w.mine).folder == "deleted"
    assert triage.restore_inquiry(ctx, w.mine).folder == "inbox"
    if admin:
        assert triage.delete_inquiry(ctx, w.theirs).folder == "deleted"
        assert triage.restore_inquiry(ctx, w.theirs).folder == "inbox"
    else:
        with pytest.raises(NotFound):
            triage.delete_inquiry(ctx, w.theirs)
        triage.delete_inquiry(w.boss, w.theirs)
        with pytest.raises(NotFound):
            triage.restore_inquiry(ctx, w.theirs)


def purge(ctx: Ctx, w: World, admin: bool) -> None:
    triage.delete_inquiry(w.boss, w.theirs)
    later = at(ctx, FIXED_NOW + timedelta(days=31))
    if admin:
        assert triage.purge_deleted(later).purged == 1
    else:
        with pytest.raises(PermissionDenied):
            triage.purge_deleted(later)
        assert triage.get_state(w.boss, w.theirs).folder == "deleted"


def settings(ctx: Ctx, w: World, admin: bool) -> None:
    current = get_settings(ctx)  # reading is fine for everyone (time zone, templates)
    region = AllocationSettings(mode="region")
    if admin:
        set_setting(ctx, "allocation.mode", "region")
        save_settings(ctx, current)
        save_allocation(ctx, current.allocation, region)
        assert preview_allocation(ctx, region).rows
        return
    for attempt in (
        lambda: set_setting(ctx, "allocation.mode", "region"),
        lambda: save_settings(ctx, current),
        lambda: save_allocation(ctx, current.allocation, region),
        lambda: preview_allocation(ctx, region),
        lambda: ownership.set_category_owner(ctx, "", "ana"),
        lambda: ownership.set_country_owner(ctx, "DE", "ana"),
        lambda: ownership.country_owners(ctx),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert get_settings(w.boss).allocation.mode == "product"


def account_changes(ctx: Ctx, w: World, admin: bool) -> None:
    if admin:
        accounts.add_account(ctx, "dan", "Dan Lee")
        accounts.set_away(ctx, "ben", True)
        assert ownership.holdings(ctx, "ben").open_inquiries == 1
        assert accounts.deactivate(ctx, "ben", "cara").inquiries == 1
        assert audit_log.audit_page(ctx).entries
        return
    for attempt in (
        lambda: accounts.add_account(ctx, "dan", "Dan Lee"),
        lambda: accounts.set_away(ctx, "ben", True),
        lambda: accounts.deactivate(ctx, "ben", "cara"),
        lambda: ownership.holdings(ctx, "ben"),
        lambda: audit_log.audit_page(ctx),
        lambda: audit_log.audit_choices(ctx),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert accounts.set_away(ctx, "ana", True).away  # one's own away status is one's own
    # The list of colleagues shows names, never their workload.
    assert {a.open_inquiries for a in accounts.list_accounts(ctx)} == {0}


ACTIONS: dict[str, Callable[[Ctx, World, bool], None]] = {
    "list": list_inquiries,
    "open by id": open_by_id,
    "search": search,
    "counts": counts,
    "export": export_inquiries,
    "buyers": buyers,
    "assign": assign,
    "delete and restore": delete_and_restore,
    "purge": purge,
    "settings": settings,
    "accounts": account_changes,
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_action(world: World, role: str, action: str) -> None:
    ACTIONS[action](ctx_as(world.boss, role), world, role == "boss")


@pytest.mark.parametrize(
    ("login", "as_login", "allowed"), [("boss", "ana", True), ("ana", "ben", False), ("ana", "boss", False)]
)
def test_act_as_is_for_the_admin_only(
    world: World, monkeypatch: pytest.MonkeyPatch, login: str, as_login: str, allowed: bool
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", login)
    url = world.boss.url
    if not allowed:
        with pytest.raises(PermissionDenied, match="--as is only for the admin"):
            connect(url, as_login)
        return
    ctx = connect(url, as_login)
    try:
        assert ctx.actor.login == as_login and not ctx.actor.is_admin
        assert ids(inbox.page_after(ctx, "all", None, 50)) == {world.mine}  # acting as ana sees what ana sees
    finally:
        ctx.close()
    entries = audit_log.audit_page(world.boss, audit_log.AuditFilter(action="act_as")).entries
    assert [(e.actor, e.entity_id) for e in entries] == [("boss", "ana")]
