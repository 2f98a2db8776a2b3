"""`allocate`: do now what the rules would do for everything the main account holds, with a dry run.

One write transaction: the sweeps first (returns from away, escalation; services.allocation.
supervision), then every unanswered, undeleted inquiry the main account holds is routed again
with today's settings, away and capacity, oldest first, and moved when the rules give it to
someone else. That includes the main account's own product inquiries when rotation is on
(seed 004's example) and what came to it as company contact, sticky to a buyer it owns, a
chat, or from a deactivated account. What a person chose (rule `manual`, `handover`), what
escalation already moved (never back to the person who did not answer) and the main account's
own rotation turns (rule `rotation`) stay.

A buyer owned by the main account counts as unowned here and follows their first re-routed
inquiry, so sticky keeps a buyer's waiting inquiries together.

Escalation's backlog (the first run after `allocation.reassign_after_hours` is switched on)
goes in batches of supervision.ALLOCATE_BATCH, each in its own transaction, so arrivals and other writers
get the store between them; the last batch runs with the re-routing. `--dry-run` runs all of it
in one transaction and rolls it back: what it prints is what a real run would have done at
that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inquiry_tui.domain.metrics import moved_at
from inquiry_tui.domain.vocabulary import Folder, Rule
from inquiry_tui.services.allocation import supervision
from inquiry_tui.services.allocation.supervision import Move, SweepReport, sweep
from inquiry_tui.services.arrivals.pipeline import Pipeline
from inquiry_tui.services.audit import audit_conn
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.producers import Assigned, note_assignment, notify_assignments
from inquiry_tui.store import dialect
from inquiry_tui.store.types import as_utc, db_text

# A person's choice, escalation's one move, and the main account's own rotation turn stay.
_KEPT = (Rule.MANUAL.value, Rule.HANDOVER.value, Rule.ESCALATION.value, Rule.ROTATION.value)
_WAITING = (
    "SELECT i.id, i.channel, i.product_id, b.email, i.folder, substr(i.subject, 1, 120), i.received_at "
    "FROM inquiry i JOIN buyer b ON b.id = i.buyer_id "
    f"WHERE i.owner_id = ? AND i.rule NOT IN ({', '.join(repr(r) for r in _KEPT)}) "
    f"AND i.first_response_at IS NULL AND i.folder != '{Folder.DELETED}' ORDER BY i.received_at, i.id"
)
_ALL = 2**31 - 1  # a dry run sweeps the whole backlog in its one (rolled back) transaction
# owned_at: the new owner's reply-rate clock starts at the move (docs/domain.md, Reply rate).
_MOVE = "UPDATE inquiry SET owner_id = ?, owned_at = ?, rule = ?, version = version + 1 WHERE id = ? AND owner_id = ?"


@dataclass(frozen=True)
class AllocateReport:
    moves: tuple[Move, ...]  # re-routed from the main account
    escalated: tuple[Move, ...]
    returned: tuple[Move, ...]  # back from away: their buyers' inquiries
    waiting: int  # inquiries the main account held that the rules were asked about
    dry_run: bool

    @property
    def moved(self) -> int:
        return len(self.moves)


class _DryRun(Exception):
    """Raised at the end of a dry run so that the transaction rolls back."""

    def __init__(self, report: AllocateReport) -> None:
        self.report = report


def allocate(ctx: Ctx, *, dry_run: bool = False) -> AllocateReport:
    """Re-route what the main account holds, after the sweeps; DRY_RUN: the same, rolled back."""
    ctx.require_admin("allocate waiting inquiries")
    escalated: list[Move] = []
    returned: list[Move] = []
    more = not dry_run
    while more:  # escalation's backlog, a batch per transaction; the last one runs with the re-routing below
        with ctx.begin() as conn:
            batch_pipeline = Pipeline(conn, ctx)
            batch = sweep(batch_pipeline, actor=ctx.actor.login, limit=supervision.ALLOCATE_BATCH)
            batch_pipeline.save_state()  # the rotation turns the moves took
        escalated += batch.escalated
        returned += batch.returned
        more = batch.more
    try:
        with ctx.begin() as conn:
            p = Pipeline(conn, ctx)
            swept: SweepReport = sweep(p, actor=ctx.actor.login, limit=_ALL if dry_run else supervision.ALLOCATE_BATCH)
            moves = _reroute(p, ctx.actor.login)
            report = AllocateReport(
                tuple(moves[0]),
                (*escalated, *swept.escalated),
                (*returned, *swept.returned),
                moves[1],
                dry_run,
            )
            p.save_state()
            if dry_run:
                raise _DryRun(report)
            audit_conn(
                conn,
                at=ctx.now(),
                actor=ctx.actor.login,
                os_user=ctx.os_user,
                action="allocate",
                entity="inquiry",
                after={
                    "moved": report.moved,
                    "waiting": report.waiting,
                    "escalated": len(report.escalated),
                    "returned": len(report.returned),
                },
            )
    except _DryRun as done:
        return done.report
    return report


def _reroute(p: Pipeline, actor: str) -> tuple[list[Move], int]:
    conn = p.conn
    main_id = p.id_of[p.main]
    owner_of_product = dict(p.products.values())
    # PostgreSQL: the waiting rows stay locked until commit, so a reassignment meanwhile waits for this one.
    lock = " FOR UPDATE OF i" if dialect.is_postgres(conn) else ""
    waiting = conn.exec_driver_sql(_WAITING + lock, (main_id,)).all()
    p.load_buyers([row[3] for row in waiting])
    updates: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    moves: list[Move] = []
    tally: dict[int, Assigned] = {}  # new owner id -> what they were given (one notice each)
    for iid, channel, product_id, email, folder, subject, received_at in waiting:
        b = p.buyers[email]
        kept = b.owner_id
        unowned = kept is None or kept == main_id or p.login_of[kept] not in p.active
        if unowned:
            b.owner_id = None
        decision = p.decide(channel, b, owner_of_product.get(product_id), b.country)
        new_id = p.id_of[decision.owner]
        if new_id == main_id:
            b.owner_id = kept
            continue
        if unowned:
            b.owner_id, b.dirty = new_id, True
        since = db_text(moved_at(as_utc(received_at) or p.now, p.now))
        updates.append((new_id, since, decision.rule.value, iid, main_id))
        records.append((p.now_text, iid, main_id, new_id, decision.rule.value, actor, decision.reason))
        moves.append(Move(iid, p.main, decision.owner, decision.rule.value, decision.reason))
        note_assignment(tally, new_id, iid, subject or "", decision.rule)
        if folder == Folder.INBOX:
            p.opened(p.main, -1)
            p.opened(decision.owner)
    if updates:
        conn.exec_driver_sql(_MOVE, updates)
        conn.exec_driver_sql(
            "INSERT INTO allocation_record (at, inquiry_id, from_id, to_id, rule, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            records,
        )
    notify_assignments(conn, tally, at=p.now, source="allocate")
    return moves, len(waiting)


def report_to_dict(report: AllocateReport) -> dict[str, Any]:
    """`allocate --json`: {"dry_run", "waiting", "moved", "escalated", "returned"}, the last three lists of moves
    ({"inquiry_id", "from", "to", "rule", "reason"})."""

    def moves(items: tuple[Move, ...]) -> list[dict[str, Any]]:
        return [
            {"inquiry_id": m.inquiry_id, "from": m.from_login, "to": m.to_login, "rule": m.rule, "reason": m.reason}
            for m in items
        ]

    return {
        "dry_run": report.dry_run,
        "waiting": report.waiting,
        "moved": moves(report.moves),
        "escalated": moves(report.escalated),
        "returned": moves(report.returned),
    }
