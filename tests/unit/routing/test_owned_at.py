"""Every move to a new owner records when it became theirs (`inquiry.owned_at`, docs/domain.md, Reply rate);
an arrival that never moved has none. On both engines."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.allocation.reroute import allocate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import deactivate, set_away
from inquiry_tui.store.types import as_utc
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.routing.conftest import arrival, arrive, owner_rule, rows, settings

H = timedelta(hours=1)


def owned_at(ctx: Ctx, inquiry_id: int) -> datetime | None:
    [(value,)] = rows(ctx, "SELECT owned_at FROM inquiry WHERE id = :i", i=inquiry_id)
    return as_utc(value)


def test_an_arrival_has_no_move(shop: Ctx) -> None:
    [new] = arrive(shop, arrival("a@x.example", "FL-1"))
    assert owned_at(shop, new) is None


def test_a_reassign_and_a_hand_over_start_the_new_owners_clock(shop: Ctx) -> None:
    [first] = arrive(shop, arrival("a@x.example", "FL-1", when=FIXED_NOW - 5 * H))
    assign_inquiry(at(shop, FIXED_NOW - 3 * H), first, "cara")
    assert owner_rule(shop, first) == ("cara", "manual") and owned_at(shop, first) == FIXED_NOW - 3 * H
    [second] = arrive(shop, arrival("b@x.example", "FL-1", when=FIXED_NOW - 5 * H))
    assign_inquiry(at(ctx_as(shop, "ana"), FIXED_NOW - 2 * H), second, "ben")
    assert owner_rule(shop, second) == ("ben", "handover") and owned_at(shop, second) == FIXED_NOW - 2 * H
    # Moved again: the last move to the current owner counts.
    assign_inquiry(at(shop, FIXED_NOW - H), second, "ana")
    assert owned_at(shop, second) == FIXED_NOW - H


def test_a_successor_gets_the_open_inquiries_at_the_deactivation(shop: Ctx) -> None:
    [open_, answered] = arrive(
        shop,
        arrival("a@x.example", "FL-1", when=FIXED_NOW - 23 * H),
        arrival("b@x.example", "FL-1", when=FIXED_NOW - 22 * H),
        now=FIXED_NOW - 22 * H,
    )
    from inquiry_tui.services.inbox.triage import reply

    reply(at(ctx_as(shop, "ana"), FIXED_NOW - 21 * H), answered, "Our price is USD 4.20.")
    deactivate(at(shop, FIXED_NOW - H), "ana", "ben")
    assert owner_rule(shop, open_) == ("ben", "successor") and owned_at(shop, open_) == FIXED_NOW - H
    assert owner_rule(shop, answered) == ("ana", "product") and owned_at(shop, answered) is None  # stays


def test_a_move_never_starts_before_the_arrival(shop: Ctx) -> None:
    future = FIXED_NOW + 2 * H  # a future-dated import
    [ahead] = arrive(shop, arrival("a@x.example", "FL-1", when=future))
    deactivate(shop, "ana", "ben")
    assert owned_at(shop, ahead) == future


def test_escalation_and_allocate_start_the_new_owners_clock(shop: Ctx) -> None:
    settings(shop, allocation__reassign_after_hours="4")
    [late] = arrive(shop, arrival("late@x.example", "FL-1", when=FIXED_NOW - 6 * H), now=FIXED_NOW - 6 * H)
    [held] = arrive(shop, arrival("held@x.example", when=FIXED_NOW - H), now=FIXED_NOW - H)  # company level: boss
    # The second arrival's batch escalated the first (5 h unanswered): the new owner's since then.
    assert owner_rule(shop, late) == ("boss", "escalation") and owned_at(shop, late) == FIXED_NOW - H
    allocate(shop)
    assert owned_at(shop, held) is None  # not moved (rotation is off)
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben")
    allocate(at(shop, FIXED_NOW + H))
    assert owner_rule(shop, held)[1] == "rotation" and owned_at(shop, held) == FIXED_NOW + H


def test_a_return_from_away_starts_the_returning_owners_clock(shop: Ctx) -> None:
    arrive(shop, arrival("loyal@x.example", "FL-1"))  # ana owns the buyer from now on
    set_away(at(shop, FIXED_NOW + timedelta(minutes=1)), "ana", True, date(2026, 11, 30))
    [waiting] = arrive(shop, arrival("loyal@x.example", "ST-2", when=FIXED_NOW + H), now=FIXED_NOW + H)
    assert owner_rule(shop, waiting) == ("ben", "product") and owned_at(shop, waiting) is None
    later = FIXED_NOW + timedelta(days=7, hours=1)
    arrive(shop, arrival("someone@x.example", when=later), now=later)
    assert owner_rule(shop, waiting) == ("ana", "sticky") and owned_at(shop, waiting) == later
