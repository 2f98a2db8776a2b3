"""The reply rate: closed days from the `reply_day` cache, the rest read by `store.queries.reply_rate`.

A local day is closed once every inquiry received in it is past its response limit (24 h
after the day's end): time can no longer change its tallies, only a change to its inquiries,
and the triggers of migrations 0003 and 0016 answer those by deleting the day's cached rows.
An account's rows are for the inquiries that became theirs that day (`inquiry.owned_at`, else
the arrival; docs/domain.md, Reply rate), so a move drops the days of the arrival, of the old
owner's `owned_at` and of the new one's: the old owner's day loses the inquiry, the new owner's
(today, never closed) gains it. The company row keeps the day's delays from arrival. So a
dashboard reads the window's partial first day and its last two or three days from the
inquiry table, and the other days' tallies from about ten small rows each; a closed day
computed here is written back for the next reader (any process: the cache is in the store).

A write is skipped rather than waited for: it happens only if the write lock is free within
BUSY_MS and nothing bumped `reply_day_epoch` since the tallies were read (a change racing the
computation would otherwise be cached as stale). Rows computed at a later `now` than the
caller's are not used (tests and the reference path ask about the past).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from inquiry_tui.domain.metrics import RESPONSE_LIMIT
from inquiry_tui.store import dialect
from inquiry_tui.store.engine import write_if_free
from inquiry_tui.store.queries.reply_rate import (
    COMPANY_ID,
    DayTally,
    Histogram,
    Rates,
    Tallies,
    Window,
    key_bits,
    rates_from,
    read_tallies,
)
from inquiry_tui.store.types import db_text

BUSY_MS = 100
KEEP_DAYS = 45  # rows for days older than this (and than the window) are deleted when the cache is written


@dataclass(frozen=True)
class CacheWrite:
    """Closed days computed from the inquiries, to be cached if nothing changed meanwhile."""

    window: Window
    epoch: int
    days: dict[int, dict[int, DayTally]]  # day index -> owner id (COMPANY_ID too) -> tally


def fast_rates(session: Session, window: Window, only: int | None) -> tuple[Rates, CacheWrite | None] | None:
    """The window's rates (None when the packed keys would not fit; use the reference path).

    The returned CacheWrite (admin reads only: a salesperson's read leaves other owners out)
    holds the closed days this read had to compute.
    """
    ob = key_bits(session, window)
    if ob is None:
        return None
    closed = _closed_days(window)
    epoch, cached = _load(session, window, closed, only)
    tallies: Tallies = {(owner, day): t for day, owners in cached.items() for owner, t in owners.items()}
    computed: dict[int, dict[int, DayTally]] = {}
    for first, last in _runs([i for i in range(len(window.days)) if i not in cached]):
        lo = max(window.since, window.bounds(first)[0] - _TICK)
        hi = min(window.now, window.bounds(last)[1] - _TICK)
        fresh = read_tallies(session, window, lo, hi, ob, only)
        tallies.update(fresh)
        for (owner, day), t in fresh.items():
            if day in closed:
                computed.setdefault(day, {})[owner] = t
    write = None
    if only is None and epoch is not None:
        days = {i: computed.get(i, {}) for i in sorted(closed) if i not in cached}
        write = CacheWrite(window, epoch, days) if days else None
    return rates_from(tallies, len(window.days)), write


_TICK = timedelta(microseconds=1)  # (start - 1 us, end - 1 us] is [start, end) at stored precision


def _closed_days(window: Window) -> frozenset[int]:
    """The whole days of the window whose inquiries are all past their response limit."""
    closed = set()
    for i in range(len(window.days)):
        start, end = window.bounds(i)
        if start > window.since and end + RESPONSE_LIMIT <= window.now:
            closed.add(i)
    return frozenset(closed)


def _runs(indexes: list[int]) -> list[tuple[int, int]]:
    """Consecutive day indexes as (first, last) runs: one query per run."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _load(
    session: Session, window: Window, closed: frozenset[int], only: int | None
) -> tuple[int | None, dict[int, dict[int, DayTally]]]:
    """The epoch and the cached closed days (a day counts only with its company row, the marker)."""
    conn = session.connection()
    epoch = conn.exec_driver_sql("SELECT n FROM reply_day_epoch WHERE id = 1").scalar()
    index = {d.isoformat(): i for i, d in enumerate(window.days)}
    rows = conn.exec_driver_sql(
        "SELECT day, owner_id, answered, counted, delays FROM reply_day "
        "WHERE timezone = ? AND day >= ? AND day <= ? AND computed_at <= ?",
        (window.tz, window.days[0].isoformat(), window.days[-1].isoformat(), db_text(window.now)),
    ).all()
    days: dict[int, dict[int, DayTally]] = {}
    for day, owner, answered, counted, delays in rows:
        i = index[day]
        if i not in closed:
            continue
        if only is None or owner in (only, COMPANY_ID):
            days.setdefault(i, {})[owner] = DayTally(answered, counted, 0, Histogram.from_bytes(delays))
    complete = {i: owners for i, owners in days.items() if COMPANY_ID in owners}
    if only is not None:
        complete = {i: {o: t for o, t in owners.items() if o != COMPANY_ID} for i, owners in complete.items()}
    return (None if epoch is None else int(epoch)), complete


def save(engine: Engine, write: CacheWrite) -> bool:
    """Cache the closed days of WRITE; False when skipped (lock busy, data changed, read-only store)."""
    window = write.window
    rows = []
    for i, owners in write.days.items():
        start, end = window.bounds(i)
        owners = owners if COMPANY_ID in owners else {**owners, COMPANY_ID: DayTally()}  # the day's marker
        for owner, t in owners.items():
            rows.append(
                (
                    window.tz,
                    window.days[i].isoformat(),
                    owner,
                    db_text(start),
                    db_text(end),
                    t.answered,
                    t.counted,
                    t.delays.to_bytes(),
                    db_text(window.now),
                )
            )
    oldest = min(window.since, window.now - timedelta(days=KEEP_DAYS)) - timedelta(days=1)

    def work(conn: Connection) -> bool:
        # PostgreSQL: the epoch row is locked until commit (migration 0003's triggers bump it first), so a
        # change committing meanwhile either shows here or deletes these rows after this commit.
        epoch = conn.exec_driver_sql(f"SELECT n FROM reply_day_epoch WHERE id = 1{dialect.for_update(conn)}").first()
        if epoch is None or epoch[0] != write.epoch:
            return False  # an inquiry changed since the tallies were read
        insert = (
            "INSERT INTO reply_day (timezone, day, owner_id, day_start, day_end, answered, counted, delays, computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        if dialect.is_sqlite(conn):
            conn.exec_driver_sql(insert.replace("INSERT", "INSERT OR REPLACE", 1), rows)
        else:
            conn.exec_driver_sql(
                insert + " ON CONFLICT (timezone, day, owner_id) DO UPDATE SET day_start = excluded.day_start, "
                "day_end = excluded.day_end, answered = excluded.answered, counted = excluded.counted, "
                "delays = excluded.delays, computed_at = excluded.computed_at",
                rows,
            )
        conn.exec_driver_sql("DELETE FROM reply_day WHERE day_end < ?", (db_text(oldest),))
        return True

    return write_if_free(engine, work, busy_ms=BUSY_MS)


__all__ = ["CacheWrite", "fast_rates", "save"]
