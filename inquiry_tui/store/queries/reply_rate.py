"""The reply-rate pass over a run of days of arrivals, fast enough for 1M-inquiry stores (SQLite; PostgreSQL alike).

`read_tallies` reads the days `services.team.reply_rate_cache` has no closed tallies for. One SELECT walks their
arrivals in (received_at, id) order on `ix_inquiry_recv` (the metric's own order) and returns
one packed integer per row: buyer, chat or not, local day, owner, outcome (answered / missed /
pending) and the response delay in minutes. The first row of each group is kept by
`dict(zip(reversed(keys), reversed(values)))` (the earliest row is written last and wins) and
counted with `Counter`: both run in C, and no GROUP BY sorts the window. Times are compared
exactly (whole seconds from `unixepoch`, then the stored microseconds), so the 24-hour edge
matches `domain.metrics`.

The company received an inquiry at its arrival, an account when it became theirs
(`inquiry.owned_at`, set by every move; docs/domain.md, Reply rate). The arrivals' pass counts
the company, and the accounts for inquiries that never moved; an inquiry that moved has owner 0
there. A second SELECT takes the (owner, buyer) pairs with an inquiry that moved to its owner in
the range (`ix_inquiry_owned`: only moved rows) and packs all their rows of the range from when
each became the owner's, in that order; its groups replace the arrivals' for those pairs. Moves
are few, so the second pass costs next to nothing.

The result is a tally per (owner or company, local day) with the responses' delays as a
Histogram (the company's from arrival, an owner's from when it became theirs); medians over many
days are taken by bisection (`median_of`), so cached days are combined without merging their
histograms. Cost at 1M generated inquiries: a whole 30-day window (250k rows) ~0.6 s cold, the
usual three open days ~40 ms; see benchmarks/bench_admin.py.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlmodel import Session

from inquiry_tui.domain.due import CHAT_RESPONSE_LIMIT, RESPONSE_LIMIT
from inquiry_tui.domain.metrics import RateFigures
from inquiry_tui.domain.vocabulary import Channel
from inquiry_tui.store.types import db_text

ANSWERED, MISSED, PENDING = 0, 1, 2
_DAY_BITS_N = 6
_DAYS = 1 << _DAY_BITS_N  # the window spans at most 64 local days in the packed keys
_DELAY_BITS = 16
_MAX_DELAY = 1 << _DELAY_BITS  # delays in minutes, capped at ~45 days; 0 means "no response"
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class RateCounts:
    """Per local day (index into the trend's days): answered, counted and pending groups."""

    answered: tuple[int, ...] = ()
    counted: tuple[int, ...] = ()
    pending: tuple[int, ...] = ()
    median_delay: timedelta | None = None

    def figures(self) -> RateFigures:
        a, c = sum(self.answered), sum(self.counted)
        return RateFigures(a, c, a / c if c else None, sum(self.pending))

    def day_rate(self, index: int) -> float | None:
        if index >= len(self.counted) or not self.counted[index]:
            return None
        return self.answered[index] / self.counted[index]

    def median(self) -> timedelta | None:
        return self.median_delay

    def add_day(self, index: int, f: RateFigures) -> RateCounts:
        def put(values: tuple[int, ...], n: int) -> tuple[int, ...]:
            out = list(values) + [0] * max(0, index + 1 - len(values))
            out[index] += n
            return tuple(out)

        return replace(
            self,
            answered=put(self.answered, f.answered),
            counted=put(self.counted, f.counted),
            pending=put(self.pending, f.pending),
        )

    def with_median(self, median: timedelta | None) -> RateCounts:
        return replace(self, median_delay=median)


@dataclass(frozen=True)
class Rates:
    company: RateCounts
    owners: dict[int, RateCounts] = field(default_factory=dict)  # by account id


def local_midnight(now: datetime, tz: str) -> datetime:
    """The start of NOW's local day in TZ, as a UTC instant."""
    local = now.astimezone(ZoneInfo(tz))
    return datetime.combine(local.date(), datetime.min.time(), ZoneInfo(tz)).astimezone(UTC)


def offset_segments(tz: str, since: datetime, now: datetime) -> list[tuple[datetime, int]]:
    """[(from_utc, utc_offset_seconds)] covering (since, now]: one entry per DST period."""
    zone = ZoneInfo(tz)

    def offset(t: datetime) -> int:
        delta = t.astimezone(zone).utcoffset()
        assert delta is not None  # an aware time in a ZoneInfo zone always has an offset
        return int(delta.total_seconds())

    segments = [(since, offset(since))]
    t = since
    while t < now:
        step = min(now, t + timedelta(hours=1))
        if offset(step) != segments[-1][1]:
            lo, hi = t, step  # offset(lo) is the old one, offset(hi) the new: find the switch to the second
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == segments[-1][1] else (lo, mid)
            segments.append((hi.replace(microsecond=0), offset(hi)))
        t = step
    return segments


def _local_seconds_sql(segments: Sequence[tuple[object, int]], params: dict[str, object], cast: str = "") -> str:
    """SQL for a row's start time (`st`, `rs` its epoch seconds) as seconds of the local wall clock, per DST
    period. CAST wraps each offset (PostgreSQL: `CAST({} AS bigint)`)."""

    def off(name: str) -> str:
        return cast.format(f":{name}") if cast else f":{name}"

    if len(segments) == 1:
        params["off0"] = segments[0][1]
        return f"(rs + {off('off0')})"
    cases = []
    for n, (start, _off) in enumerate(segments[1:], 1):
        params[f"seg{n}"], params[f"off{n - 1}"] = start, segments[n - 1][1]
        cases.append(f"WHEN st < :seg{n} THEN {off(f'off{n - 1}')}")
    params[f"off{len(segments) - 1}"] = segments[-1][1]
    return f"(rs + CASE {' '.join(cases)} ELSE {off(f'off{len(segments) - 1}')} END)"


@dataclass(frozen=True)
class Histogram:
    """Response delays in whole minutes: the distinct values ascending and the running totals.

    Medians over many of these (a month of days, every owner) are found by bisecting the
    minute range and counting with `bisect` in each (C speed), never by merging them.
    """

    minutes: Sequence[int] = ()
    running: Sequence[int] = ()  # running[i]: delays of at most minutes[i]

    @classmethod
    def of(cls, counts: Mapping[int, int]) -> Histogram:
        minutes = sorted(counts)
        return cls(minutes, list(accumulate(counts[m] for m in minutes)))

    @property
    def total(self) -> int:
        return self.running[-1] if self.running else 0

    def at_most(self, minute: int) -> int:
        i = bisect_right(self.minutes, minute)
        return self.running[i - 1] if i else 0

    def to_bytes(self) -> bytes:
        """uint32 little-endian: the minutes, then the running totals (the cache's column)."""
        values = array("I", [*self.minutes, *self.running])
        if sys.byteorder == "big":
            values.byteswap()
        return values.tobytes()

    @classmethod
    def from_bytes(cls, blob: bytes) -> Histogram:
        values = array("I")
        values.frombytes(blob)
        if sys.byteorder == "big":
            values.byteswap()
        n = len(values) // 2
        return cls(values[:n], values[n:])


def median_of(histograms: Sequence[Histogram]) -> timedelta | None:
    """The median delay over HISTOGRAMS together (the mean of the two middle values for an even count)."""
    histograms = [h for h in histograms if h.total]
    total = sum(h.total for h in histograms)
    if not total:
        return None

    def kth(k: int) -> int:
        """The smallest minute with more than K delays at or below it."""
        lo, hi = 0, _MAX_DELAY
        while lo < hi:
            mid = (lo + hi) // 2
            if sum(h.at_most(mid) for h in histograms) > k:
                hi = mid
            else:
                lo = mid + 1
        return lo

    return timedelta(minutes=(kth((total - 1) // 2) + kth(total // 2)) / 2)


@dataclass
class DayTally:
    """One local day's reply-rate groups for an owner (or the company) and its responses' delays."""

    answered: int = 0
    counted: int = 0
    pending: int = 0
    delays: Histogram = field(default_factory=Histogram)  # the responses' delays: the owner's, or every one


COMPANY_ID = 0  # the key of the company's groups in Tallies (account ids start at 1)
Tallies = dict[tuple[int, int], DayTally]  # (owner id or COMPANY_ID, day index) -> tally


@dataclass(frozen=True)
class Window:
    """The dashboard's window: (since, now], its local days in TZ, and day i's bounds in UTC."""

    now: datetime
    tz: str
    since: datetime
    days: tuple[date, ...]

    @classmethod
    def of(cls, now: datetime, tz: str, window_days: int) -> Window:
        zone = ZoneInfo(tz)
        since = now - timedelta(days=window_days)
        first, last = since.astimezone(zone).date(), now.astimezone(zone).date()
        return cls(now, tz, since, tuple(first + timedelta(days=i) for i in range((last - first).days + 1)))

    def bounds(self, index: int) -> tuple[datetime, datetime]:
        """Local midnight of day INDEX and of the next day, as UTC instants (DST-aware)."""
        zone = ZoneInfo(self.tz)
        day = self.days[index]
        start = datetime.combine(day, datetime.min.time(), zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
        return start, end


def key_bits(session: Session, window: Window) -> int | None:
    """Bits for the owner id in the packed keys, or None when the keys would not fit 62 bits."""
    max_account, max_buyer = (
        session.connection()
        .exec_driver_sql("SELECT (SELECT COALESCE(MAX(id), 0) FROM account), (SELECT COALESCE(MAX(id), 0) FROM buyer)")
        .one()
    )
    ob = max(1, int(max_account).bit_length())
    if len(window.days) > _DAYS or int(max_buyer).bit_length() + _DAY_BITS_N + 1 + ob + 2 + _DELAY_BITS > 62:
        return None
    return ob


def read_tallies(session: Session, window: Window, lo: datetime, hi: datetime, ob: int, only: int | None) -> Tallies:
    """Tallies of the inquiries received in (LO, HI], a run of whole local days of the window
    (or its partial first day); outcomes as of the window's `now`. With ONLY, that owner's rows
    alone (the company tallies are then meaningless and left out).

    Two passes: every arrival of the range (the company's figures, and the accounts' for
    inquiries that never moved), then the few (owner, buyer) pairs with an inquiry that moved to
    its owner in the range, all their rows of the range in the order of when they became the
    owner's (the accounts' figures for those pairs; docs/domain.md, Reply rate).
    """
    postgres = session.get_bind().dialect.name != "sqlite"
    params: dict[str, object] = {}
    arrivals = _arrivals_sql(window, lo, hi, ob, only, params, postgres=postgres)
    moved_params: dict[str, object] = {}
    moved_sql = _moved_sql(window, lo, hi, ob, only, moved_params, postgres=postgres)
    if postgres:
        values = [int(v) for v in session.execute(text(arrivals), params).scalars()]
        moved = [(int(v), bool(m)) for v, m in session.execute(text(moved_sql), moved_params).all()]
    else:
        cursor = session.connection().connection.cursor()  # the DB-API cursor: plain tuples, no Row objects
        try:
            cursor.execute(arrivals, params)
            values = [v for (v,) in cursor.fetchall()]
            cursor.execute(moved_sql, moved_params)
            moved = [(v, bool(m)) for v, m in cursor.fetchall()]
        finally:
            cursor.close()
    tallies = _count(values, moved, ob)
    if only is not None:
        tallies = {key: t for key, t in tallies.items() if key[0] != COMPANY_ID}
    return tallies


def _packed_sql(
    window: Window, lo: datetime, hi: datetime, ob: int, params: dict[str, object], *, postgres: bool
) -> str:
    """The packed value of a row of columns st (when the figures' owner received it), rs (its epoch
    seconds), fr / fs (first response, its seconds), chat (1 or 0), buyer_id, own (owner id, 0 for
    none): see `_count`. Times are compared exactly: whole seconds, then the stored microseconds
    (SQLite), or interval arithmetic (PostgreSQL), so the limit's edge matches `domain.metrics`."""
    now, tz = window.now, window.tz
    params.update(
        chat=int(CHAT_RESPONSE_LIMIT.total_seconds()),
        lim=int(RESPONSE_LIMIT.total_seconds()),
        base_day=window.days[0].toordinal() - _EPOCH_ORDINAL,
    )
    segments = offset_segments(tz, lo, hi)
    if postgres:
        params["now"] = _naive(now)
        local = _local_seconds_sql([(_naive(t), o) for t, o in segments], params, "CAST({} AS bigint)")
        limit = "(CASE WHEN chat = 1 THEN CAST(:chat AS bigint) ELSE CAST(:lim AS bigint) END)"
        outcome = f"""(CASE WHEN fr <= :now THEN (CASE WHEN extract(epoch FROM fr - st) <= {limit} THEN 0 ELSE 1 END)
          ELSE (CASE WHEN extract(epoch FROM CAST(:now AS timestamp) - st) <= {limit} THEN 2 ELSE 1 END) END)"""
        delay = f"(CASE WHEN fr <= :now THEN 1 + LEAST({_MAX_DELAY - 2}, GREATEST(0, fs - rs) / 60) ELSE 0 END)"
        base = "CAST(:base_day AS bigint)"
    else:
        params.update(now=db_text(now), now_s=int(now.timestamp()))
        local = _local_seconds_sql([(db_text(t), o) for t, o in segments], params)
        limit = "(CASE WHEN chat THEN :chat ELSE :lim END)"
        # Outcome: 0 answered in time, 1 missed, 2 pending. In whole seconds the sign of
        # (delay - limit) decides; at exactly the limit the stored microseconds do (text from 20).
        outcome = f"""CASE WHEN fr <= :now THEN
            (CASE max(-1, min(1, fs - rs - {limit})) WHEN -1 THEN 0 WHEN 1 THEN 1
             ELSE substr(fr, 20) > substr(st, 20) END)
          ELSE (CASE max(-1, min(1, :now_s - rs - {limit})) WHEN -1 THEN 2 WHEN 1 THEN 1
             ELSE 2 - (substr(:now, 20) > substr(st, 20)) END) END"""
        delay = f"CASE WHEN fr <= :now THEN 1 + min({_MAX_DELAY - 2}, max(0, fs - rs) / 60) ELSE 0 END"
        base = ":base_day"
    return f"""(((((buyer_id * 2 + chat) * {_DAYS} + {local} / 86400 - {base}) << {ob} | own) << 2
                 | {outcome}) << {_DELAY_BITS}) | {delay}"""


def _naive(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None)


def _bounds(lo: datetime, hi: datetime, params: dict[str, object], *, postgres: bool) -> None:
    params["lo"], params["hi"] = (_naive(lo), _naive(hi)) if postgres else (db_text(lo), db_text(hi))


def _columns(start: str, *, postgres: bool, alias: str = "") -> str:
    """The inner query's columns for `_packed_sql`, START being the row's start time."""
    a = f"{alias}." if alias else ""
    if postgres:
        return f"""{start} AS st, {a}id, CAST({a}buyer_id AS bigint) AS buyer_id,
                   CASE WHEN {a}channel = '{Channel.TM}' THEN 1 ELSE 0 END AS chat, {a}first_response_at AS fr,
                   CAST(floor(extract(epoch FROM {start})) AS bigint) AS rs,
                   CAST(floor(extract(epoch FROM {a}first_response_at)) AS bigint) AS fs"""
    return f"""{start} AS st, {a}id, {a}buyer_id, {a}channel = '{Channel.TM}' AS chat, {a}first_response_at AS fr,
               unixepoch({start}) AS rs, unixepoch({a}first_response_at) AS fs"""


def _arrivals_sql(
    window: Window, lo: datetime, hi: datetime, ob: int, only: int | None, params: dict[str, object], *, postgres: bool
) -> str:
    """One packed integer per inquiry received in (LO, HI], in (received_at, id) order (see `_count`); the
    owner field is 0 for an inquiry that moved to its owner (the second pass counts it for them)."""
    packed = _packed_sql(window, lo, hi, ob, params, postgres=postgres)
    _bounds(lo, hi, params, postgres=postgres)
    own = "CASE WHEN owned_at IS NULL THEN owner_id ELSE 0 END"
    mine = ""
    if only is not None:
        params["only"], mine = only, "AND owner_id = :only"
    if postgres:
        own = f"CAST({own} AS bigint)"
        return f"""SELECT {packed} FROM (
                SELECT {_columns("received_at", postgres=True)}, {own} AS own
                FROM inquiry
                WHERE received_at > :lo AND received_at <= :hi AND NOT (is_junk AND first_response_at IS NULL) {mine}
              ) AS t ORDER BY st, id"""
    # The inner query runs as a co-routine: unixepoch() is computed once per row, and rows
    # come in its ORDER BY, the order the first-row-wins counting of `_count` relies on.
    return f"""SELECT {packed} FROM (
                SELECT {_columns("received_at", postgres=False)}, {own} AS own
                FROM inquiry
                WHERE received_at > :lo AND received_at <= :hi AND NOT (is_junk AND first_response_at IS NULL) {mine}
                ORDER BY received_at, id LIMIT -1)"""


def _moved_sql(
    window: Window, lo: datetime, hi: datetime, ob: int, only: int | None, params: dict[str, object], *, postgres: bool
) -> str:
    """(packed, moved) per row of the (owner, buyer) pairs with an inquiry that moved to its owner in
    (LO, HI]: those moved rows from the move (one answered before it is not theirs: left out) and
    the pairs' other arrivals of the range, in the order they became the owner's."""
    packed = _packed_sql(window, lo, hi, ob, params, postgres=postgres)
    _bounds(lo, hi, params, postgres=postgres)
    mine = ""
    if only is not None:
        params["only"], mine = only, "AND owner_id = :only"
    own = "CAST(i.owner_id AS bigint)" if postgres else "i.owner_id"
    live = "NOT (i.is_junk AND i.first_response_at IS NULL)"
    # Two index ranges, never a pair's whole history: the moved rows by `ix_inquiry_owned`, the pairs'
    # other arrivals of the range by `ix_inquiry_buyer_recv` (buyer, received_at).
    return f"""WITH m AS (SELECT DISTINCT owner_id, buyer_id FROM inquiry
                      WHERE owned_at IS NOT NULL AND owned_at > :lo AND owned_at <= :hi {mine})
          SELECT {packed}, moved FROM (
            SELECT {_columns("i.owned_at", postgres=postgres, alias="i")}, {own} AS own, 1 AS moved
            FROM inquiry i
            WHERE i.owned_at IS NOT NULL AND i.owned_at > :lo AND i.owned_at <= :hi {mine.replace("owner_id", "i.owner_id")}
              AND {live} AND NOT (i.first_response_at IS NOT NULL AND i.first_response_at < i.owned_at)
            UNION ALL
            SELECT {_columns("i.received_at", postgres=postgres, alias="i")}, {own} AS own, 0 AS moved
            FROM m JOIN inquiry i ON i.buyer_id = m.buyer_id AND i.owner_id = m.owner_id
            WHERE i.received_at > :lo AND i.received_at <= :hi AND i.owned_at IS NULL AND {live}
          ) AS t ORDER BY st, id"""


def _count(values: list[int], moved: list[tuple[int, bool]], ob: int) -> Tallies:
    """Keep each group's first row (time order), then count outcomes per (owner, day) and (company, day).

    A packed value, low bits first: delay+1 in minutes (16 bits, 0 = no response), outcome
    (2), owner id (ob), local day (6), chat (1), buyer id. VALUES are the arrivals (owner 0 for
    an inquiry that moved); MOVED the second pass's (value, moved or not), whose groups replace
    the arrivals' for their (owner, buyer) pairs.
    """
    tallies: Tallies = {}
    if not values and not moved:
        return tallies
    owner_key, company_key = _DELAY_BITS + 2, _DELAY_BITS + 2 + ob
    field_mask = (1 << (2 + ob + _DAY_BITS_N)) - 1  # outcome | owner | day
    owner_mask, delay_mask = (1 << ob) - 1, _MAX_DELAY - 1
    low_mask = (1 << company_key + _DAY_BITS_N) - 1  # delay | outcome | owner | day
    values.reverse()  # the earliest row of a group is written last and wins
    owner_firsts = dict(zip([v >> owner_key for v in values], values))
    if moved:
        again = [v for v, _ in reversed(moved)]
        owner_firsts.update(zip([v >> owner_key for v in again], again))
    company_firsts = dict(zip([v >> company_key for v in values], values)).values()
    by_owner = Counter([(v >> _DELAY_BITS) & field_mask for v in owner_firsts.values()])
    by_company = Counter([(v >> _DELAY_BITS) & field_mask for v in company_firsts])
    # Every response counts for the medians (not only groups' first rows): the company's from
    # arrival, an account's from when the inquiry became theirs.
    delays = Counter([v & low_mask for v in values if v & delay_mask])
    moved_delays = Counter([v & low_mask for v, was_moved in moved if was_moved and v & delay_mask])

    def tally(owner: int, day: int) -> DayTally:
        found = tallies.get((owner, day))
        if found is None:
            found = tallies[(owner, day)] = DayTally()
        return found

    for counts, company in ((by_owner, False), (by_company, True)):
        for key, n in counts.items():
            outcome, owner, day = key & 3, (key >> 2) & owner_mask, key >> 2 + ob
            if not company and owner == COMPANY_ID:
                continue  # an arrival that moved to its owner: counted for them by the second pass
            t = tally(COMPANY_ID if company else owner, day)
            if outcome == PENDING:
                t.pending += n
            else:
                t.counted += n
                t.answered += n if outcome == ANSWERED else 0
    histograms: dict[tuple[int, int], Counter[int]] = {}
    for key, n in delays.items():
        owner, day, minute = (key >> owner_key) & owner_mask, key >> company_key, (key & delay_mask) - 1
        histograms.setdefault((COMPANY_ID, day), Counter())[minute] += n
        if owner != COMPANY_ID:
            histograms.setdefault((owner, day), Counter())[minute] += n
    for key, n in moved_delays.items():
        owner, day, minute = (key >> owner_key) & owner_mask, key >> company_key, (key & delay_mask) - 1
        histograms.setdefault((owner, day), Counter())[minute] += n
    for (owner, day), counts in histograms.items():
        tally(owner, day).delays = Histogram.of(counts)
    return tallies


def rates_from(tallies: Tallies, n_days: int) -> Rates:
    """Per-owner and company RateCounts over the window's days, medians over all the delays."""
    answered: dict[int, list[int]] = {}
    counted: dict[int, list[int]] = {}
    pending: dict[int, list[int]] = {}
    delays: dict[int, list[Histogram]] = {}
    for (owner, day), t in tallies.items():
        if not 0 <= day < n_days:
            continue
        if owner not in answered:
            answered[owner], counted[owner], pending[owner] = [0] * n_days, [0] * n_days, [0] * n_days
            delays[owner] = []
        answered[owner][day] += t.answered
        counted[owner][day] += t.counted
        pending[owner][day] += t.pending
        delays[owner].append(t.delays)

    def counts(owner: int, histograms: list[Histogram]) -> RateCounts:
        median = median_of(histograms)
        if owner not in answered:
            return RateCounts(median_delay=median)
        return RateCounts(tuple(answered[owner]), tuple(counted[owner]), tuple(pending[owner]), median)

    owners = {owner: counts(owner, delays[owner]) for owner in answered if owner != COMPANY_ID}
    return Rates(counts(COMPANY_ID, delays.get(COMPANY_ID, [])), owners)
