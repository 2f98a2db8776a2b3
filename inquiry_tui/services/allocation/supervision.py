"""The routing sweeps: accounts back from away get their buyers' waiting inquiries; unanswered ones escalate.

`sweep(pipeline)` runs inside the write transaction of every arrival batch (services.arrivals)
and of `allocate`, with the batch's routing state (accounts, settings, turn, open counts), so
no daemon is needed: whatever arrives next, or a cron line running `inquiry-tui allocate`,
brings both up to date (docs/domain.md, Escalation).

- **Back from away**: an account whose return date has come is marked back (audited, actor
  `system`); `return_backlog` then gives it back the open inquiries of the buyers it owns that
  the rules sent to someone else because it was away (rule `sticky`, recorded), and tells it.
  `account away LOGIN --off` does the same at once.
- **Escalation** (domain.escalation): each open inquiry that nobody answered within
  `allocation.reassign_after_hours` moves once to the next owner by the rules, its owner
  passed over; recorded (rule `escalation`), and both owners get a notice. When the rules find
  no one else (the main account holds it and nobody is eligible) it is marked as escalated
  where it is, so no sweep looks at it again.

Escalation works in batches: one sweep handles at most `limit` due inquiries, oldest first
(ARRIVAL_BATCH inside an arrival's transaction, so switching the setting on over a big backlog
never holds one arrival's write lock for the whole of it; the next arrivals take the next
batches). `allocate` takes ALLOCATE_BATCH at a time, each in its own transaction, until none
is left (services.allocation.reroute). Each batch marks what it handled (moved or stayed), so
the next one starts where it stopped.

Every move is a guarded UPDATE (still that owner's, still open, not escalated): under
concurrent sessions on any engine an inquiry moves at most once, and a notice is written only
for a move that happened (with a dedupe key besides).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from inquiry_tui.domain.availability import away_reason_patterns
from inquiry_tui.domain.escalation import cutoffs, escalate
from inquiry_tui.domain.metrics import moved_at
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, Rule
from inquiry_tui.services.arrivals.pipeline import Pipeline
from inquiry_tui.services.audit import audit_conn
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.store import bulk
from inquiry_tui.store.queries import routing as q_routing
from inquiry_tui.store.types import as_utc, db_text


@dataclass(frozen=True)
class Move:
    """One inquiry moved (or, in a dry run, that would move): by which rule and why."""

    inquiry_id: int
    from_login: str
    to_login: str
    rule: str
    reason: str


@dataclass
class SweepReport:
    returned: list[Move] = field(default_factory=list)  # back from away: their buyers' inquiries
    escalated: list[Move] = field(default_factory=list)
    stayed: int = 0  # due for escalation, but the rules found no one else
    back: list[str] = field(default_factory=list)  # accounts whose return date came
    more: bool = False  # the escalation batch was full: more may be due (the next sweep takes them)


ARRIVAL_BATCH = 100  # due inquiries escalated inside one arrival batch's transaction
ALLOCATE_BATCH = 500  # per transaction of `allocate`

_BACK = text("UPDATE account SET away = :no, away_until = NULL, away_since = NULL WHERE id = :id AND away = :yes")


def sweep(p: Pipeline, *, actor: str = SYSTEM_LOGIN, limit: int | None = None) -> SweepReport:
    """Returns from away, then at most LIMIT (default ARRIVAL_BATCH) due escalations, oldest first, in the
    pipeline's transaction; the pipeline's counts and turn follow."""
    report = SweepReport()
    for login in p.back:
        _come_back(p, login, report, actor)
    p.back = []
    hours = p.alloc.reassign_after_hours
    if hours is not None:
        _escalate(p, hours, report, actor, ARRIVAL_BATCH if limit is None else limit)
    return report


def _come_back(p: Pipeline, login: str, report: SweepReport, actor: str) -> None:
    conn = p.conn
    account_id = p.id_of[login]
    if (conn.execute(_BACK, {"id": account_id, "no": False, "yes": True}).rowcount or 0) != 1:
        return  # someone marked it back meanwhile
    presence = p.presences[login]
    audit_conn(
        conn,
        at=p.now,
        actor=actor,
        os_user=p.os_user,
        action="account_back",
        entity="account",
        entity_id=login,
        before={"away": True, "away_until": presence.away_until},
        after={"away": False},
    )
    report.back.append(login)
    if p.unavailable.get(login, "").startswith("is away"):
        del p.unavailable[login]
    p.opened(login, 0)  # back, but maybe full
    if p.alloc.sticky:

        def moved(from_login: str, to_login: str) -> None:
            p.opened(from_login, -1)
            p.opened(to_login)

        report.returned.extend(
            return_backlog(
                conn,
                account_id=account_id,
                login=login,
                logins=p.login_of,
                now=p.now,
                actor=actor,
                moved=moved,
            )
        )


def return_backlog(
    conn: Connection,
    *,
    account_id: int,
    login: str,
    logins: Mapping[int, str],
    now: datetime,
    actor: str,
    moved: Callable[[str, str], None] | None = None,
) -> list[Move]:
    """Give LOGIN back the open inquiries of its buyers that others got on arrival because LOGIN was away.

    For the caller to decide: only with sticky on (a buyer's inquiries go to their owner).
    MOVED(from, to) is told of each move (the batch's open counts follow it).
    """
    moves: list[Move] = []
    records: list[tuple[Any, ...]] = []
    for inquiry_id, owner_id, received_at in q_routing.backlog(conn, account_id, away_reason_patterns(login)):
        since = moved_at(as_utc(received_at) or now, now)
        if not q_routing.move_open(conn, inquiry_id, owner_id, account_id, Rule.STICKY.value, since):
            continue
        reason = f"{login} is back: their buyer's waiting inquiry returns from {logins[owner_id]} (sticky)"
        moves.append(Move(inquiry_id, logins[owner_id], login, Rule.STICKY.value, reason))
        records.append((db_text(now), inquiry_id, owner_id, account_id, Rule.STICKY.value, actor, reason))
        if moved is not None:
            moved(logins[owner_id], login)
    if records:
        bulk.insert_rows(conn, "allocation_record", bulk.ALLOCATION_COLUMNS, records)
        ids = ", ".join(f"#{m.inquiry_id}" for m in moves[:10]) + (" ..." if len(moves) > 10 else "")
        notify(
            conn,
            account_id,
            NoticeKind.ASSIGNMENT,
            f"Welcome back: {len(moves)} waiting inquiries of your buyers came back to you ({ids}).",
            at=now,
            ref_kind="inquiry",
            ref_id=moves[0].inquiry_id,
        )
    return moves


def _escalate(p: Pipeline, hours: int, report: SweepReport, actor: str, limit: int) -> None:
    conn = p.conn
    oldest, newest = cutoffs(p.now, hours)
    candidates = q_routing.escalation_candidates(conn, oldest, newest, limit)
    if not candidates:
        return
    report.more = len(candidates) >= limit
    product_owner = dict(p.products.values())
    records: list[tuple[Any, ...]] = []
    for inquiry_id, channel, owner_id, _buyer_id, product_id, buyer_owner_id, country, _received in candidates:
        owner = p.login_of[owner_id]
        facts = p.facts(channel, buyer_owner_id, product_owner.get(product_id), country)
        decision = escalate(p.alloc, facts, owner, hours)
        if decision is None:
            report.stayed += q_routing.stay(conn, inquiry_id, owner_id, p.now)
            continue
        to_id = p.id_of[decision.owner]
        if not q_routing.escalate(conn, inquiry_id, owner_id, to_id, p.now):
            continue  # answered, moved or escalated by someone else meanwhile
        p.took_turn(decision)
        p.opened(owner, -1)
        p.opened(decision.owner)
        move = Move(inquiry_id, owner, decision.owner, Rule.ESCALATION.value, decision.reason)
        report.escalated.append(move)
        records.append((p.now_text, inquiry_id, owner_id, to_id, Rule.ESCALATION.value, actor, decision.reason))
        key = f"escalation:{inquiry_id}"
        notify(
            conn,
            owner_id,
            NoticeKind.ESCALATION,
            f"#{inquiry_id} moved to {decision.owner}: not answered within {hours} h.",
            at=p.now,
            ref_kind="inquiry",
            ref_id=inquiry_id,
            dedupe=key,
        )
        notify(
            conn,
            to_id,
            NoticeKind.ESCALATION,
            f"#{inquiry_id} is yours now: {owner} did not answer it within {hours} h.",
            at=p.now,
            ref_kind="inquiry",
            ref_id=inquiry_id,
            dedupe=key,
        )
    if records:
        bulk.insert_rows(conn, "allocation_record", bulk.ALLOCATION_COLUMNS, records)
    if records or report.stayed:
        audit_conn(
            conn,
            at=p.now,
            actor=actor,
            os_user=p.os_user,
            action="escalate",
            entity="inquiry",
            after={
                "hours": hours,
                "moved": [m.inquiry_id for m in report.escalated],
                "stayed": report.stayed,
            },
        )
