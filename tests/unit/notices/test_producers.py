"""Who produces notices: arrivals (one per account per batch), reassignments, the overdue check, platform notices; the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notices, unread_count
from inquiry_tui.services.notices.importing import import_notices
from inquiry_tui.services.notices.producers import check_overdue
from inquiry_tui.services.records.errors import RecordError
from tests.conftest import FIXED_NOW, ctx_as
from tests.unit.mail.mail_helpers import with_product

runner = CliRunner()


def arrival(
    n: int, *, product: str | None = "FL-100W", hours_ago: float = 1, subject: str = "", body: str = "Quote please"
) -> Arrival:
    return Arrival(
        f"x-{n}",
        "inquiry",
        FIXED_NOW - timedelta(hours=hours_ago),
        BuyerFields(f"b{n}@buyer.example", country="DE"),
        product,
        subject or f"Inquiry {n}",
        body,
    )


def kinds(ctx: Ctx) -> list[NoticeKind]:
    return [n.kind for n in notices(ctx)]


def test_a_batch_makes_one_notice_per_account_naming_a_single_inquiry(admin_ctx: Ctx) -> None:
    with_product(admin_ctx)
    ana = ctx_as(admin_ctx, "ana")
    receive(admin_ctx, [arrival(1, subject="Floodlights for a stadium")])
    (one,) = notices(ana)
    assert one.kind is NoticeKind.ASSIGNMENT and one.text.startswith("#1 is yours (product): Floodlights")
    assert (one.ref_kind, one.ref_id) == ("inquiry", "1")
    receive(admin_ctx, [arrival(n) for n in range(2, 6)] + [arrival(9, product=None)])
    latest = notices(ana)[0]
    assert latest.text.startswith("4 new inquiries are yours from batch; the newest is #5")
    assert [n.text[:3] for n in notices(admin_ctx)] == ["#6 "]  # the company-level one: the main account's


def test_junk_makes_no_assignment_notice(admin_ctx: Ctx) -> None:
    with_product(admin_ctx)
    receive(admin_ctx, [arrival(1, body="We offer SEO services and web design to rank your website on Google")])
    assert notices(ctx_as(admin_ctx, "ana")) == []


def test_reassign_and_hand_over_tell_the_new_owner(admin_ctx: Ctx) -> None:
    with_product(admin_ctx)
    receive(admin_ctx, [arrival(1, hours_ago=30)])
    assign_inquiry(admin_ctx, 1, "ben")
    assert notices(ctx_as(admin_ctx, "ben"))[0].text.startswith("#1 is yours (manual by boss)")
    assign_inquiry(ctx_as(admin_ctx, "ben"), 1, "cara")
    assert notices(ctx_as(admin_ctx, "cara"))[0].text.startswith("#1 is yours (handover by ben)")


def test_overdue_warnings_come_once_near_the_limit_and_not_for_old_ones(admin_ctx: Ctx) -> None:
    with_product(admin_ctx)
    ana = ctx_as(admin_ctx, "ana")
    # due in 5 h (no warning yet), in 3 h (warned), 2 h ago (warned), 2 days ago (too old)
    receive(
        admin_ctx,
        [arrival(1, hours_ago=19), arrival(2, hours_ago=21), arrival(3, hours_ago=26), arrival(4, hours_ago=72)],
    )
    warned = sorted(n.ref_id for n in notices(ana) if n.kind is NoticeKind.OVERDUE)
    assert warned == ["2", "3"]  # the batch ran the check at its end
    texts = {n.ref_id: n.text for n in notices(ana) if n.kind is NoticeKind.OVERDUE}
    assert texts["2"].startswith("#2 will be overdue in 3 h 00 min") and texts["3"].startswith(
        "#3 is overdue (since 2 h 00 min)"
    )
    assert check_overdue(ana) == 0  # once each
    later = ctx_as(admin_ctx, "ana")
    later.clock = lambda: FIXED_NOW + timedelta(hours=2)
    assert check_overdue(later) == 1  # #1 is now within 4 h of its limit
    assert check_overdue(ctx_as(admin_ctx, "ben")) == 0


def test_a_later_batch_warns_about_what_came_due_since_and_about_its_own(admin_ctx: Ctx) -> None:
    """The arrival path's check is incremental after a process's first batch (services/notices/producers.py)."""
    from tests.admin_helpers import at

    with_product(admin_ctx)
    ana = ctx_as(admin_ctx, "ana")
    receive(admin_ctx, [arrival(1, hours_ago=19)])  # due in 5 h: no warning yet
    assert [n.ref_id for n in notices(ana) if n.kind is NoticeKind.OVERDUE] == []
    # two hours on: #1 came within 4 h of its limit; #2 arrives already due (before the last check's horizon)
    receive(at(admin_ctx, FIXED_NOW + timedelta(hours=2)), [arrival(2, hours_ago=22)])
    assert sorted(n.ref_id for n in notices(ana) if n.kind is NoticeKind.OVERDUE) == ["1", "2"]
    receive(at(admin_ctx, FIXED_NOW - timedelta(hours=1)), [arrival(3, hours_ago=30)])  # the clock went back: all
    assert sorted(n.ref_id for n in notices(ana) if n.kind is NoticeKind.OVERDUE) == ["1", "2", "3"]


def test_platform_notices_go_to_everyone_or_one_account_once(admin_ctx: Ctx, tmp_path: Path) -> None:
    path = tmp_path / "notices.jsonl"
    rows = [
        {"external_id": "p1", "posted_at": "2026-11-22T08:00:00Z", "text": "Maintenance on Sunday"},
        {"external_id": "p2", "posted_at": "2026-11-22T09:00:00Z", "text": "Your RFQ quota was raised", "to": "ana"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    r = import_notices(admin_ctx, path)
    assert (r.records, r.delivered, r.already) == (2, 5, 0)  # 4 accounts + ana
    assert [n.text for n in notices(ctx_as(admin_ctx, "ana"))] == ["Your RFQ quota was raised", "Maintenance on Sunday"]
    assert unread_count(ctx_as(admin_ctx, "ben")) == 1
    assert import_notices(admin_ctx, path).delivered == 0
    path.write_text(json.dumps({**rows[1], "external_id": "p3", "to": "nobody"}) + "\n")
    with pytest.raises(RecordError, match=r"notices\.jsonl line 1, field to: 'nobody' is not an active account"):
        import_notices(admin_ctx, path)


def test_notice_commands(admin_ctx: Ctx, tmp_path: Path) -> None:
    db = admin_ctx.url.removeprefix("sqlite:///")
    path = tmp_path / "notices.csv"
    path.write_text(
        "external_id,posted_at,text,to\np1,2026-11-22T08:00:00Z,Hello [bold]ana[/],ana\np2,2026-11-22T09:00:00Z,Second,ana\n"
    )
    assert "2 delivered" in runner.invoke(app, ["--db", db, "import", "notices", str(path)]).output
    env = {"INQUIRY_TUI_LOGIN": "ana"}
    listed = json.loads(runner.invoke(app, ["--db", db, "notice", "list", "--json"], env=env).output)
    assert [(n["text"], n["kind"], n["read"]) for n in listed] == [
        ("Second", "platform", False),
        ("Hello [bold]ana[/]", "platform", False),
    ]
    assert set(listed[0]) == {"id", "kind", "title", "text", "ref_kind", "ref_id", "created_at", "read"}
    assert (
        "marked 1 notice read"
        in runner.invoke(app, ["--db", db, "notice", "read", str(listed[0]["id"])], env=env).output
    )
    unread = json.loads(runner.invoke(app, ["--db", db, "notice", "list", "--unread", "--json"], env=env).output)
    assert [n["text"] for n in unread] == ["Hello [bold]ana[/]"]
    assert "marked 1 notice read" in runner.invoke(app, ["--db", db, "notice", "read", "--all"], env=env).output
    other = runner.invoke(app, ["--db", db, "notice", "read", str(listed[0]["id"])])  # boss: not his notice
    assert other.exit_code == 1 and other.output.startswith("error: no notice")
    both = runner.invoke(app, ["--db", db, "notice", "read"], env=env)
    assert both.exit_code == 1 and "give a notice id or --all" in both.output
