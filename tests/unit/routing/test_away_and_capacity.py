"""Away and capacity through the arrival pipeline, the account services and `export allocations`."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from inquiry_tui.domain.errors import PermissionDenied, ValidationError
from inquiry_tui.services.allocation.record import export_allocations_text
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import list_accounts, set_away, set_limit
from inquiry_tui.services.team.stats import stats_to_dict, team_stats
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.routing.conftest import arrival, arrive, owner_rule, reasons, rows, settings

BACK = date(2026, 11, 30)  # a week later (the store's "today" is 2026-11-23 in Asia/Shanghai)


def test_an_away_account_gets_nothing_new_and_the_reason_says_so(shop: Ctx) -> None:
    settings(shop, allocation__mode="region")
    set_away(shop, "ben", True, BACK)
    [i] = arrive(shop, arrival("de@x.example", country="DE"))
    assert owner_rule(shop, i) == ("boss", "company_contact")
    assert reasons(shop, i) == [
        (
            "company_contact",
            "ben is away until 2026-11-30: region -> company contact; to company contact boss (company_contact)",
        )
    ]
    exported = export_allocations_text(shop, fmt="jsonl")
    assert json.loads(exported.splitlines()[0])["reason"].startswith("ben is away until 2026-11-30: region")


def test_away_is_skipped_by_sticky_product_and_rotation_and_the_buyer_stays_theirs(shop: Ctx) -> None:
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben,cara")
    [first] = arrive(shop, arrival("loyal@x.example", "FL-1"))
    assert owner_rule(shop, first) == ("ana", "product")
    set_away(shop, "ana", True)
    second, third, fourth = arrive(
        shop,
        arrival("loyal@x.example", "ST-2"),  # sticky to ana, who is away: product -> ben
        arrival("new@x.example", "FL-1"),  # ana's product: company contact -> rotation, skipping ana
        arrival("other@x.example"),
    )
    assert owner_rule(shop, second) == ("ben", "product")
    assert reasons(shop, second)[0][1] == "ana is away: sticky -> product; product owned by ben (product)"
    assert owner_rule(shop, third) == ("ben", "rotation") and owner_rule(shop, fourth) == ("cara", "rotation")
    assert "passed over ana (is away)" in reasons(shop, third)[0][1]
    # the buyer is still ana's: when she is back, sticky sends the next one to her
    set_away(shop, "ana", False)
    [fifth] = arrive(shop, arrival("loyal@x.example", "ST-2"))
    assert owner_rule(shop, fifth) == ("ana", "sticky")


def test_capacity_fills_up_within_a_batch(shop: Ctx) -> None:
    set_limit(shop, "ana", 2)
    ids = arrive(shop, *(arrival(f"c{n}@x.example", "FL-1") for n in range(4)))
    assert [owner_rule(shop, i)[0] for i in ids] == ["ana", "ana", "boss", "boss"]
    assert reasons(shop, ids[2])[0][1] == (
        "ana is full (2/2): product -> company contact; to company contact boss (company_contact)"
    )
    info = {a.login: a for a in list_accounts(shop)}["ana"]
    assert (info.limit, info.open_inquiries, info.full, info.presence) == (2, 2, True, "full 2/2")
    set_limit(shop, "ana", None)
    [later] = arrive(shop, arrival("c9@x.example", "FL-1"))
    assert owner_rule(shop, later) == ("ana", "product")


def test_answered_inquiries_free_capacity(shop: Ctx) -> None:
    from inquiry_tui.services.inbox.triage import reply

    set_limit(shop, "ana", 1)
    [first] = arrive(shop, arrival("a@x.example", "FL-1"))
    [second] = arrive(shop, arrival("b@x.example", "FL-1"))
    assert owner_rule(shop, second)[0] == "boss"
    reply(ctx_as(shop, "ana"), first, "Here is our price.")
    [third] = arrive(shop, arrival("c@x.example", "FL-1"))
    assert owner_rule(shop, third) == ("ana", "product")


def test_away_with_a_return_date_ends_by_itself_and_the_backlog_comes_back(shop: Ctx) -> None:
    [mine] = arrive(shop, arrival("loyal@x.example", "FL-1"))  # ana owns the buyer from now on
    set_away(at(shop, FIXED_NOW + timedelta(minutes=1)), "ana", True, BACK)
    [waiting] = arrive(
        shop,
        arrival("loyal@x.example", "ST-2", when=FIXED_NOW + timedelta(hours=1)),
        now=FIXED_NOW + timedelta(hours=1),
    )
    assert owner_rule(shop, waiting) == ("ben", "product")
    # the return date comes; the next arrival's sweep marks ana back and gives her the waiting one
    later = FIXED_NOW + timedelta(days=7, hours=1)
    arrive(shop, arrival("someone@x.example", when=later), now=later)
    assert {a.login: a.away for a in list_accounts(at(shop, later))}["ana"] is False
    assert owner_rule(shop, waiting) == ("ana", "sticky")
    assert reasons(shop, waiting)[-1] == (
        "sticky",
        "ana is back: their buyer's waiting inquiry returns from ben (sticky)",
    )
    assert rows(shop, "SELECT actor FROM audit_log WHERE action = 'account_back'") == [("system",)]
    # Beside the batch's own assignment notices (services.notices), the welcome back for the returned backlog.
    welcome = [
        t for (t,) in rows(shop, "SELECT text FROM notice WHERE kind = 'assignment'") if t.startswith("Welcome back")
    ]
    assert len(welcome) == 1 and welcome[0].startswith("Welcome back: 1 waiting")
    assert owner_rule(shop, mine) == ("ana", "product")


def test_coming_back_by_hand_returns_the_backlog_but_not_what_a_person_moved(shop: Ctx) -> None:
    from inquiry_tui.services.allocation.assignment import assign_inquiry

    arrive(shop, arrival("loyal@x.example", "FL-1"))
    set_away(shop, "ana", True)
    waiting, moved = arrive(shop, arrival("loyal@x.example", "ST-2"), arrival("loyal@x.example", "SEN-3"))
    assign_inquiry(shop, moved, "cara")  # the admin chose cara: that stays
    set_away(ctx_as(shop, "ana"), "ana", False)  # a salesperson comes back by themselves
    assert owner_rule(shop, waiting) == ("ana", "sticky")
    assert owner_rule(shop, moved) == ("cara", "manual")


def test_sticky_off_returns_nothing(shop: Ctx) -> None:
    settings(shop, allocation__sticky="false")
    arrive(shop, arrival("loyal@x.example", "FL-1"))
    set_away(shop, "ana", True)
    [waiting] = arrive(shop, arrival("loyal@x.example", "ST-2"))
    set_away(shop, "ana", False)
    assert owner_rule(shop, waiting) == ("ben", "product")


def test_who_may_set_what(shop: Ctx) -> None:
    ana = ctx_as(shop, "ana")
    set_away(ana, "ana", True)
    with pytest.raises(PermissionDenied):
        set_away(ana, "ben", True)
    with pytest.raises(PermissionDenied, match="only the admin"):
        set_limit(ana, "ana", 3)
    with pytest.raises(ValidationError, match="not after today"):
        set_away(shop, "ben", True, date(2026, 11, 23))
    with pytest.raises(ValidationError, match="outside 0-100,000"):
        set_limit(shop, "ben", -1)
    assert [a for (a,) in rows(shop, "SELECT action FROM audit_log WHERE action LIKE 'account_%' ORDER BY id")] == [
        "account_add",
        "account_add",
        "account_add",
        "account_away",
    ]


def test_dashboard_shows_who_is_away_or_full(shop: Ctx) -> None:
    set_away(shop, "ana", True, BACK)
    set_limit(shop, "ben", 0)
    data = stats_to_dict(team_stats(shop))
    by_login = {a["login"]: a for a in data["accounts"]}
    assert by_login["ana"]["presence"] == "away until 11-30"
    assert (by_login["ben"]["presence"], by_login["ben"]["limit"]) == ("full 0/0", 0)
    assert by_login["cara"]["presence"] == ""
