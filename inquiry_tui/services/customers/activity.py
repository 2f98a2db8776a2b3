"""Per-buyer activity signals for every buyer at once: the activity level and buying intent.

Sorting customers by activity and the real-time marketing list need the level of *every*
buyer, which no indexed query gives: the store keeps per-day aggregates keyed by buyer, not
a per-buyer summary (the schema is fixed; see the report). So one pass over the window's
aggregates builds a rollup, kept per process and per day, and later calls bring it up to
date incrementally: rows added since (activity_daily rowids, activity_event and inquiry ids
above the pass's watermarks) name the buyers to recompute, a few queries per 500 buyers.
The day's full pass is also written to the store (`activity_rollup`, when the write lock is
free), so another process (another SSH session) loads it and catches up from its watermarks
instead of reading every buyer's activity again. A changed catalogue (products, names,
keywords: what intent is judged against) makes the next call a full pass.
No cold first call of the day: `warm` (the Customers screen's worker, an upgrade, a bulk load)
also builds *tomorrow's* rollup ahead (`prepare`): a pass as of now for tomorrow's window, stored
beside today's. Tomorrow's first call loads it and recomputes only the buyers named by rows
added since its watermarks, exactly as a later call of the same day does, so it equals a full
pass made then (a property test holds this).
The pass reads activity_daily, activity_detail and inquiry counts, never raw events; levels
agree with the profile's. Known gap: a thread re-judged junk later is seen the next day.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time as clock
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, TextClause, bindparam, text
from sqlmodel import Session

from inquiry_tui.domain.activity import (
    DEFAULT_WINDOW_DAYS,
    KIND_DIMENSION,
    level_from_totals,
    recommendation_score,
)
from inquiry_tui.domain.vocabulary import ActivityKind
from inquiry_tui.services.context import Ctx
from inquiry_tui.store import bulk, dialect
from inquiry_tui.store.engine import write_if_free
from inquiry_tui.store.types import UTCDateTime

INTENT_DAYS = 30  # searches / views of our products count as intent when this recent
CHUNK = 500

_KINDS = tuple(str(k) for k in KIND_DIMENSION if k != ActivityKind.INQUIRY)  # the keys are ActivityKind members
_SUMS = ", ".join(f"sum(CASE WHEN kind = '{k}' THEN count ELSE 0 END)" for k in _KINDS)
_IN = " AND buyer_id IN :ids"
_SINCE = bindparam("since", type_=UTCDateTime())


def _q(sql: str, scoped: bool) -> TextClause:
    params = [_SINCE] if ":since" in sql else []
    if scoped:
        params.append(bindparam("ids", expanding=True))
    return text(sql.format(scope=_IN if scoped else "")).bindparams(*params)


# Each query comes in two forms: the whole store (the first pass) and a list of buyers.
_Q_DAILY = {
    s: _q(
        f"SELECT buyer_id, {_SUMS} FROM activity_daily WHERE day >= :start AND day <= :today{{scope}} GROUP BY buyer_id",
        s,
    )
    for s in (False, True)
}
_Q_INQUIRIES = {
    s: _q(
        "SELECT buyer_id, count(*) FROM inquiry WHERE received_at >= :since AND is_junk = :no{scope} GROUP BY buyer_id",
        s,
    )
    for s in (False, True)
}
# Views of our SKUs are summed in SQL; search terms are matched against our catalogue here.
_Q_VIEWS = {
    s: _q(
        f"SELECT buyer_id, sum(count) FROM activity_detail WHERE kind = '{ActivityKind.PRODUCT_VIEW}' AND last_at >= :since"
        " AND detail IN (SELECT sku FROM product){scope} GROUP BY buyer_id",
        s,
    )
    for s in (False, True)
}
_Q_SEARCHES = {
    s: _q(
        f"SELECT buyer_id, detail, count FROM activity_detail WHERE kind = '{ActivityKind.SEARCH}' AND last_at >= :since"
        "{scope}",
        s,
    )
    for s in (False, True)
}
ROLLUP_COLUMNS = ("day", "window_days", "buyer_id", "level", "intent_hits", "top_term", "score")
# activity_daily's watermark: SQLite's rowid; on PostgreSQL the identity column `seq` (migration 0003).
_Q_MARKS = {
    name: text(
        f"SELECT (SELECT coalesce(max({row}), 0) FROM activity_daily), (SELECT coalesce(max(id), 0) FROM activity_event), "
        "(SELECT coalesce(max(id), 0) FROM inquiry)"
    )
    for name, row in (("sqlite", "rowid"), ("postgresql", "seq"))
}
_Q_CHANGED = {
    name: (
        text(f"SELECT DISTINCT buyer_id FROM activity_daily WHERE {row} > :mark"),
        text("SELECT DISTINCT buyer_id FROM activity_event WHERE id > :mark"),
        text("SELECT DISTINCT buyer_id FROM inquiry WHERE id > :mark"),
    )
    for name, row in (("sqlite", "rowid"), ("postgresql", "seq"))
}
_Q_CATALOGUE = text("SELECT sku, name, keywords FROM product")
_Q_STORED_STATE = text("SELECT marks, catalogue FROM activity_rollup_state WHERE day = :day AND window_days = :window")
_STORED_ROWS = (
    "SELECT buyer_id, level, intent_hits, top_term, score FROM activity_rollup WHERE day = ? AND window_days = ?"
)
_WORD = re.compile(r"[^\W\d_]{3,}")
# Words that name no product: a search sharing only these with our catalogue is not intent.
_GENERIC = frozenset(
    [
        "and",
        "the",
        "for",
        "with",
        "from",
        "new",
        "best",
        "cheap",
        "price",
        "wholesale",
        "supplier",
        "suppliers",
        "manufacturer",
        "factory",
        "china",
        "oem",
        "odm",
        "custom",
        "customized",
        "high",
        "quality",
        "product",
        "products",
        "buy",
        "sale",
        "hot",
        "top",
        "good",
        "low",
        "cost",
        "pcs",
        "set",
        "sets",
        "light",
        "lights",
        "lamp",
        "lamps",
        "led",
    ]
)


@dataclass(frozen=True, slots=True)  # slots: a rollup holds one per buyer (50,000 at 1M inquiries)
class BuyerSignals:
    level: int  # activity level 0..100 over the window
    intent_hits: int  # searches for / views of our products in the last INTENT_DAYS days
    top_term: str | None  # the most frequent of those searches, the first in text order on a tie (untrusted)
    score: int  # recommendation score if active and interested enough (contact aside), else 0


class Levels(Mapping[int, int]):
    """The signals' levels by buyer, read through the signals (no dict of its own).

    A rollup is kept for the process: at 1M inquiries a second dict of 50,000 buyers' levels was 2.5 MB
    (docs/performance.md, "A session's Python objects, session 16")."""

    __slots__ = ("_signals",)

    def __init__(self, signals: dict[int, BuyerSignals]) -> None:
        self._signals = signals

    def __getitem__(self, buyer_id: int) -> int:
        return self._signals[buyer_id].level

    def get(self, buyer_id: int, default: int | None = None) -> int | None:  # type: ignore[override]
        found = self._signals.get(buyer_id)
        return default if found is None else found.level

    def __contains__(self, buyer_id: object) -> bool:
        return buyer_id in self._signals

    def __iter__(self) -> Iterator[int]:
        return iter(self._signals)

    def __len__(self) -> int:
        return len(self._signals)


@dataclass(frozen=True)
class Rollup:
    day: date
    window_days: int
    signals: dict[int, BuyerSignals]
    levels: Mapping[int, int]  # the signals' levels alone, for sorting lists (a view of them)
    ranked: tuple[int, ...]  # buyers with a recommendation score, best first
    marks: tuple[int, int, int]  # activity_daily rowid, activity_event id, inquiry id seen
    seconds: float  # how long the last (full or incremental) pass took
    full: bool  # whether that pass read the whole store
    catalogue: str = ""  # catalogue_digest when the signals were judged


_cache: dict[tuple[str, date, int], Rollup] = {}
_lock = threading.Lock()  # guards _cache (held briefly)
_building = threading.Lock()  # one builder at a time (held for a whole pass)
_prepared: set[tuple[str, date, int]] = set()  # tomorrow's rollups this process has stored (guarded by _lock)


def _words(term: str) -> set[str]:
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in _WORD.findall(term.lower())} - _GENERIC


def catalogue_words(conn: Connection) -> frozenset[str]:
    """The meaningful words of our product names and keywords."""
    words: set[str] = set()
    for _sku, name, keywords in conn.execute(_Q_CATALOGUE):
        words |= _words(name) | _words(keywords.replace(",", " "))
    return frozenset(words)


def catalogue_digest(conn: Connection) -> str:
    """A digest of what intent is judged against: every product's SKU, name and keywords."""
    rows = sorted(tuple(row) for row in conn.execute(_Q_CATALOGUE))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def is_our_term(term: str, words: frozenset[str]) -> bool:
    """Whether a search term names something we sell (shares a meaningful word with our catalogue)."""
    return bool(_words(term) & words)


def outranks(count: int, term: str, best: tuple[int, str] | None) -> bool:
    """Whether a search term searched COUNT times is a buyer's top term over BEST (count, term) so far.

    The most searched wins; a tie goes to the first in text order, so the top term does not hang on the
    order the rows come in (PostgreSQL's differs between a full pass and a catch-up, and the two agree)."""
    if count <= 0:
        return False
    return best is None or count > best[0] or (count == best[0] and term < best[1])


def _signals(conn: Connection, today: date, window_days: int, ids: Sequence[int] | None) -> dict[int, BuyerSignals]:
    """Signals of the buyers IDS (None: every buyer with any activity or inquiry)."""
    start = today - timedelta(days=window_days - 1)
    since = datetime.combine(start, time.min, tzinfo=UTC)
    intent_since = datetime.combine(today - timedelta(days=INTENT_DAYS - 1), time.min, tzinfo=UTC)
    scoped = ids is not None
    extra = {"ids": list(ids)} if ids is not None else {}
    per_kind = {
        row[0]: row[1:]
        for row in conn.execute(_Q_DAILY[scoped], {"start": start.isoformat(), "today": today.isoformat(), **extra})
    }
    inquiries: dict[int, int] = dict(conn.execute(_Q_INQUIRIES[scoped], {"since": since, "no": False, **extra}).all())
    intent: Counter[int] = Counter(dict(conn.execute(_Q_VIEWS[scoped], {"since": intent_since, **extra}).all()))
    words = catalogue_words(conn)
    ours: dict[str, bool] = {}  # the same few thousand terms recur across buyers
    terms: dict[str, str] = {}  # one copy of each kept in the rollup (as `_stored` does)
    top: dict[int, tuple[int, str]] = {}
    for buyer_id, found, count in conn.execute(_Q_SEARCHES[scoped], {"since": intent_since, **extra}):
        hit = ours.get(found)
        if hit is None:
            hit = ours[found] = is_our_term(found, words)
        if hit:
            detail = terms.setdefault(found, found)
            intent[buyer_id] += count
            if outranks(count, detail, top.get(buyer_id)):
                top[buyer_id] = (count, detail)
    out: dict[int, BuyerSignals] = {}
    for buyer_id in set(ids) if ids is not None else per_kind.keys() | inquiries.keys() | intent.keys():
        totals = [*zip(_KINDS, per_kind.get(buyer_id, ())), (ActivityKind.INQUIRY, inquiries.get(buyer_id, 0))]
        level = level_from_totals(totals, window_days)
        hits = intent.get(buyer_id, 0)
        if level or hits:
            # Contact is left out here: it changes with every message and is checked when listing.
            out[buyer_id] = BuyerSignals(
                level, hits, top.get(buyer_id, (0, None))[1], recommendation_score(level, hits)
            )
    return out


def _key(ctx: Ctx, window_days: int, ahead: int = 0) -> tuple[str, date, int]:
    return (ctx.url, ctx.now().astimezone(UTC).date() + timedelta(days=ahead), window_days)


def _bring_up_to_date(
    conn: Connection, old: Rollup | None, today: date, window_days: int, *, use_stored: bool = True
) -> Rollup:
    started = clock.perf_counter()
    marks = tuple(conn.execute(_Q_MARKS[conn.dialect.name]).one())
    catalogue = catalogue_digest(conn)
    if old is not None and old.catalogue != catalogue:
        old = None  # intent was judged against another catalogue
    loaded = False
    if old is None and use_stored:
        old = _stored(conn, today, window_days, catalogue)
        loaded = old is not None
    if old is None:
        signals = _signals(conn, today, window_days, None)
        full = True
    else:
        if marks == old.marks:
            return replace(old, seconds=clock.perf_counter() - started) if loaded else old
        changed: set[int] = set()
        for query, mark in zip(_Q_CHANGED[conn.dialect.name], old.marks):
            changed.update(conn.execute(query, {"mark": mark}).scalars())
        signals = dict(old.signals)
        ids = sorted(changed)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            fresh = _signals(conn, today, window_days, chunk)
            for buyer_id in chunk:
                if buyer_id in fresh:
                    signals[buyer_id] = fresh[buyer_id]
                else:
                    signals.pop(buyer_id, None)
        full = False
    return _made(today, window_days, signals, marks, clock.perf_counter() - started, full, catalogue)


def _made(
    today: date,
    window_days: int,
    signals: dict[int, BuyerSignals],
    marks: tuple[int, int, int],
    seconds: float,
    full: bool,
    catalogue: str,
) -> Rollup:
    levels = Levels(signals)
    ranked = tuple(b for _, _, b in sorted((-s.score, -s.level, b) for b, s in signals.items() if s.score))
    return Rollup(today, window_days, signals, levels, ranked, marks, seconds, full, catalogue)


def _stored(conn: Connection, today: date, window_days: int, catalogue: str) -> Rollup | None:
    """Today's rollup as a process wrote it to the store (judged against CATALOGUE), if any."""
    key = {"day": today.isoformat(), "window": window_days}
    state = conn.execute(_Q_STORED_STATE, key).one_or_none()
    if state is None or state.catalogue != catalogue:
        return None
    # Tens of thousands of rows: fetched from the driver's cursor as plain tuples (SQLAlchemy's rows cost 3x).
    result = conn.exec_driver_sql(_STORED_ROWS, (key["day"], window_days))
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    # Each row brings its own copy of its top term, and a few terms are most buyers' (13 distinct across
    # 26,000 buyers at 1M inquiries): the rollup, kept for the process, keeps one copy of each (1.6 MB at 1M).
    terms: dict[str, str] = {}
    signals = {
        row[0]: BuyerSignals(row[1], row[2], None if row[3] is None else terms.setdefault(row[3], row[3]), row[4])
        for row in rows
    }
    marks = tuple(json.loads(state.marks))
    return _made(today, window_days, signals, marks, 0.0, False, catalogue)


def _store(ctx: Ctx, made: Rollup) -> bool:
    """Write a full pass for other processes (skipped if the write lock is busy); whether it was."""
    day = made.day.isoformat()
    rows = [(day, made.window_days, b, s.level, s.intent_hits, s.top_term, s.score) for b, s in made.signals.items()]

    def work(conn: Connection) -> bool:
        # A pass replaces its own day's rollup and any older than the day before (so today's and the one
        # prepared for tomorrow live side by side). On PostgreSQL the state rows are locked first, so two
        # processes storing at once take turns (the second waits or skips).
        conn.exec_driver_sql(
            f"SELECT day FROM activity_rollup_state WHERE window_days = ?{dialect.for_update(conn)}",
            (made.window_days,),
        )
        gone = (made.window_days, day, (made.day - timedelta(days=1)).isoformat())
        conn.exec_driver_sql("DELETE FROM activity_rollup WHERE window_days = ? AND (day = ? OR day < ?)", gone)
        conn.exec_driver_sql("DELETE FROM activity_rollup_state WHERE window_days = ? AND (day = ? OR day < ?)", gone)
        bulk.insert_rows(conn, "activity_rollup", ROLLUP_COLUMNS, rows)
        conn.exec_driver_sql(
            "INSERT INTO activity_rollup_state (day, window_days, marks, catalogue) VALUES (?, ?, ?, ?)",
            (day, made.window_days, json.dumps(list(made.marks)), made.catalogue),
        )
        return True

    return write_if_free(ctx.engine, work)


def rollup(
    ctx: Ctx,
    session: Session | None = None,
    *,
    refresh: bool = False,
    window_days: int = DEFAULT_WINDOW_DAYS,
    ahead: int = 0,
) -> Rollup:
    """The signals of every buyer, as of now (REFRESH: rebuild from scratch).

    AHEAD = 1: tomorrow's rollup from what the store holds now (see `prepare`)."""
    key = _key(ctx, window_days, ahead)
    # A second caller waits for the builder and then only checks the watermarks.
    with _building:
        with _lock:
            old = None if refresh else _cache.get(key)
        if session is None:
            with ctx.read() as own:
                made = _bring_up_to_date(own.connection(), old, key[1], window_days, use_stored=not refresh)
        else:
            made = _bring_up_to_date(session.connection(), old, key[1], window_days, use_stored=not refresh)
        with _lock:
            # Tomorrow's rollup is kept in the store, not here: tomorrow's first call (this process's
            # or another's) loads it from there and catches up, and a process holds one rollup, not two.
            if not ahead:
                _cache[key] = made
            for stale in [
                k for k in _cache if k[0] == key[0] and k[2] == window_days and k[1] < key[1] - timedelta(ahead)
            ]:
                del _cache[stale]  # yesterday's rollup
        if made.full:
            _store(ctx, made)
        return made


def cached_levels(ctx: Ctx, window_days: int = DEFAULT_WINDOW_DAYS) -> Mapping[int, int] | None:
    """Levels if this process has built a rollup today, else None; never waits for a full pass.

    While another thread builds, the previous levels are returned as they are.
    """
    with _lock:
        known = _cache.get(_key(ctx, window_days))
    if known is None:
        return None
    if _building.locked():
        return known.levels
    return rollup(ctx, window_days=window_days).levels


def activity_levels(ctx: Ctx, session: Session | None = None) -> Mapping[int, int]:
    return rollup(ctx, session).levels


def invalidate(ctx: Ctx) -> None:
    """Forget this store's rollups (tests; a changed catalogue)."""
    with _lock:
        for key in [k for k in _cache if k[0] == ctx.url]:
            del _cache[key]
        _prepared.difference_update([k for k in _prepared if k[0] == ctx.url])


def prepare(ctx: Ctx, window_days: int = DEFAULT_WINDOW_DAYS) -> Rollup:
    """Tomorrow's rollup, built now and stored, so that tomorrow's first call only catches up.

    A full pass unless it was prepared already (then only the rows added since). The rows
    written between now and tomorrow name their buyers through the watermarks, as on any day."""
    return rollup(ctx, window_days=window_days, ahead=1)


def warm(ctx: Ctx) -> float:
    """Build today's rollup now and prepare tomorrow's (the Customers screen calls this in a worker,
    and so do an upgrade and a bulk load); returns the seconds of today's."""
    seconds = rollup(ctx).seconds
    key = _key(ctx, DEFAULT_WINDOW_DAYS, ahead=1)
    with _lock:
        done = key in _prepared
    if not done:  # once a day is enough: tomorrow's first call catches up from the watermarks anyway
        prepare(ctx)
        with _lock:
            _prepared.add(key)
    return seconds
