"""Escalation (on arrival and from `allocate`), `allocate` re-routing what the main account holds, its dry run."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from inquiry_tui.services.allocation.reroute import allocate, report_to_dict
from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.inbox.triage import reply
from inquiry_tui.services.team.accounts import add_account, init_company, set_away
from tests.admin_helpers import at
from tests.conftest import FIXED_NOW, ctx_as, fixed_clock
from tests.unit.routing.conftest import arrival, arrive, owner_rule, reasons, rows, settings

HOURS = 4


def old(hours: float) -> object:
    return FIXED_NOW - timedelta(hours=hours)


def test_an_unanswered_inquiry_moves_once_and_both_owners_are_told(shop: Ctx) -> None:
    settings(shop, allocation__reassign_after_hours=str(HOURS))
    [late] = arrive(shop, arrival("late@x.example", "FL-1", when=old(5)), now=old(5))
    [fresh] = arrive(shop, arrival("fresh@x.example", "FL-1", when=old(1)))  # this arrival's sweep moves `late`
    assert owner_rule(shop, late) == ("boss", "escalation")
    assert owner_rule(shop, fresh) == ("ana", "product")
    assert reasons(shop, late)[-1] == (
        "escalation",
        "escalated: ana did not answer within 4 h: sticky -> product; ana: product -> company contact; "
        "to company contact boss (company_contact)",
    )
    notices = rows(
        shop,
        "SELECT a.login, n.kind, n.text FROM notice n JOIN account a ON a.id = n.account_id "
        "WHERE n.kind = 'escalation' ORDER BY n.id",  # the arrivals' own assignment notices aside
    )
    assert notices == [
        ("ana", "escalation", f"#{late} moved to boss: not answered within 4 h."),
        ("boss", "escalation", f"#{late} is yours now: ana did not answer it within 4 h."),
    ]
    # never twice: later sweeps (arrivals, allocate) leave it where it went
    arrive(shop, arrival("more@x.example", when=FIXED_NOW), now=FIXED_NOW + timedelta(hours=9))
    allocate(at(shop, FIXED_NOW + timedelta(hours=10)))
    assert [r for r, _ in reasons(shop, late)].count("escalation") == 1
    assert rows(shop, "SELECT count(*) FROM notice WHERE ref_id = :i AND kind = 'escalation'", i=str(late)) == [(2,)]
    assert rows(shop, "SELECT after FROM audit_log WHERE action = 'escalate'")[0][0].startswith('{"hours": 4')


def test_answered_old_and_junk_inquiries_stay(shop: Ctx) -> None:
    settings(shop, allocation__reassign_after_hours=str(HOURS))
    answered, ancient = arrive(
        shop,
        arrival("a@x.example", "FL-1", when=old(6)),
        arrival("b@x.example", "FL-1", when=FIXED_NOW - timedelta(days=31)),
        now=old(6),
    )
    reply(at(ctx_as(shop, "ana"), old(5)), answered, "Our price is ...")
    report = allocate(shop)
    assert report.escalated == ()
    assert owner_rule(shop, answered) == ("ana", "product") and owner_rule(shop, ancient) == ("ana", "product")


def test_when_no_one_else_is_eligible_it_stays_and_is_not_tried_again(shop: Ctx) -> None:
    settings(shop, allocation__reassign_after_hours=str(HOURS))
    [mine] = arrive(shop, arrival("x@x.example", when=old(5)), now=old(5))  # company-level: boss holds it
    report = allocate(shop)
    assert report.escalated == () and owner_rule(shop, mine) == ("boss", "company_contact")
    assert rows(shop, "SELECT escalated_at IS NOT NULL FROM inquiry WHERE id = :i", i=mine) == [(1,)]
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben")
    assert allocate(shop).escalated == ()  # escalation looked at it once; re-routing is allocate's (rule kept)


def test_escalation_passes_over_away_accounts_and_takes_rotation_turns(shop: Ctx) -> None:
    settings(
        shop,
        allocation__reassign_after_hours=str(HOURS),
        allocation__rotation="true",
        allocation__rotation_members="ana,ben,cara",
    )
    set_away(shop, "ben", True)
    first, _second = arrive(
        shop, arrival("p@x.example", "FL-1", when=old(6)), arrival("q@x.example", "FL-1", when=old(6)), now=old(6)
    )
    report = allocate(shop)
    assert [(m.from_login, m.to_login) for m in report.escalated] == [("ana", "cara"), ("ana", "cara")]
    assert "passed over ana (did not answer within 4 h), ben (is away)" in reasons(shop, first)[-1][1]


def test_allocate_rotates_the_main_accounts_own_product_inquiries(shop: Ctx) -> None:
    """Seed 004's example: the main account published products too; with rotation on, `allocate` hands its
    product inquiries out in turn (the landed app moved 0 of 6)."""
    from inquiry_tui.services.setup.catalog import add_product

    add_product(shop, "MAIN-9", "Main account lamp", "boss")
    ids = arrive(shop, *(arrival(f"m{n}@x.example", "MAIN-9") for n in range(6)))
    assert {owner_rule(shop, i) for i in ids} == {("boss", "product")}
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben,cara")
    dry = allocate(shop, dry_run=True)
    assert [m.to_login for m in dry.moves] == ["ana", "ben", "cara", "ana", "ben", "cara"]
    assert dry.moves[0].reason == "product owned by boss (product); rotated to ana (rotation)"
    assert {owner_rule(shop, i) for i in ids} == {("boss", "product")}  # a dry run changes nothing
    assert rows(shop, "SELECT count(*) FROM audit_log WHERE action = 'allocate'") == [(0,)]
    real = allocate(shop)
    assert report_to_dict(real)["moved"] == report_to_dict(dry)["moved"]  # the dry run said what happened
    assert [owner_rule(shop, i) for i in ids] == [(x, "rotation") for x in ("ana", "ben", "cara") * 2]
    assert allocate(shop).moved == 0


def test_allocate_keeps_what_a_person_chose(shop: Ctx) -> None:
    from inquiry_tui.services.allocation.assignment import assign_inquiry

    kept, moved = arrive(shop, arrival("k@x.example"), arrival("m@x.example"))
    assign_inquiry(shop, moved, "ana")
    assign_inquiry(shop, moved, "boss")  # the admin took it back: manual stays
    settings(shop, allocation__rotation="true", allocation__rotation_members="ana,ben")
    report = allocate(shop)
    assert [m.inquiry_id for m in report.moves] == [kept]
    assert owner_rule(shop, moved) == ("boss", "manual")


@hsettings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["arrive", "sweep", "reply", "away"]), st.integers(0, 5), st.integers(1, 8)),
        min_size=1,
        max_size=12,
    )
)
def test_escalation_moves_an_inquiry_at_most_once(tmp_path_factory: object, steps: list[tuple[str, int, int]]) -> None:
    import itertools

    path = tmp_path_factory.mktemp("esc") / "s.db"  # type: ignore[attr-defined]
    system = connect_system(f"sqlite:///{path}")
    system.clock = fixed_clock
    init_company(system, "boss", "Boss")
    boss = ctx_as(system, "boss")
    for login in ("ana", "ben"):
        add_account(boss, login, login.title())
    settings(
        boss, allocation__reassign_after_hours="2", allocation__rotation="true", allocation__rotation_members="ana,ben"
    )
    clock = itertools.count(0)
    try:
        for kind, who, hours in steps:
            now = FIXED_NOW + timedelta(hours=next(clock) * hours)
            if kind == "arrive":
                arrive(boss, arrival(f"b{who}@x.example", when=now), now=now)
            elif kind == "sweep":
                allocate(at(boss, now))
            elif kind == "away":
                set_away(at(boss, now), ["ana", "ben"][who % 2], who % 3 == 0)
            else:
                open_ids = rows(boss, "SELECT id, owner_id FROM inquiry WHERE first_response_at IS NULL")
                if open_ids:
                    iid, owner = open_ids[who % len(open_ids)]
                    login = rows(boss, "SELECT login FROM account WHERE id = :o", o=owner)[0][0]
                    reply(at(ctx_as(boss, login), now), iid, "Answer")
        per_inquiry = rows(
            boss, "SELECT inquiry_id, count(*) FROM allocation_record WHERE rule = 'escalation' GROUP BY inquiry_id"
        )
        assert all(n == 1 for _, n in per_inquiry)
        escalated = {i for (i,) in rows(boss, "SELECT id FROM inquiry WHERE rule = 'escalation'")}
        assert escalated <= {i for i, _ in per_inquiry}
        notices = rows(boss, "SELECT ref_id, count(*) FROM notice WHERE kind = 'escalation' GROUP BY ref_id")
        assert all(n == 2 for _, n in notices) and len(notices) == len(per_inquiry)
        for iid, _ in per_inquiry:  # never back to the account that did not answer
            moves = rows(
                boss,
                "SELECT from_id, to_id FROM allocation_record WHERE inquiry_id = :i AND rule = 'escalation'",
                i=iid,
            )
            assert all(f != t for f, t in moves)
    finally:
        system.close()


def test_escalation_runs_in_bounded_batches(shop: Ctx, monkeypatch: object) -> None:
    """A backlog due at once: each arrival escalates at most a batch (oldest first); `allocate` takes the rest
    a batch per transaction; each inquiry still moves once."""
    from inquiry_tui.services.allocation import supervision

    monkeypatch.setattr(supervision, "ARRIVAL_BATCH", 2)  # type: ignore[attr-defined]
    monkeypatch.setattr(supervision, "ALLOCATE_BATCH", 2)  # type: ignore[attr-defined]
    due = arrive(shop, *(arrival(f"d{n}@x.example", "FL-1", when=old(11 - n)) for n in range(7)), now=old(11))
    settings(shop, allocation__reassign_after_hours=str(HOURS))
    arrive(shop, arrival("n1@x.example", when=FIXED_NOW))
    assert [owner_rule(shop, i)[1] for i in due] == ["escalation"] * 2 + ["product"] * 5
    report = allocate(shop)
    assert [m.inquiry_id for m in report.escalated] == due[2:]
    assert {owner_rule(shop, i) for i in due} == {("boss", "escalation")}
    # 5 left: batches of 2, 2 and 1 (the last with the re-routing), one audit row each
    assert len(rows(shop, "SELECT id FROM audit_log WHERE action = 'escalate'")) == 4
    assert rows(shop, "SELECT count(*) FROM allocation_record WHERE rule = 'escalation'") == [(7,)]
