"""The reply-rate pass over 30 days of arrivals in SQLite, fast enough for 1M-inquiry stores.

One SELECT walks the window in (received_at, id) order on `ix_inquiry_recv` (the metric's
own order) and returns one packed integer per row: buyer, chat or not, local day, owner,
outcome (answered / missed / pending) and the response delay in minutes. The first row of
each group is kept by `dict(zip(reversed(keys), reversed(values)))` (the earliest row is
written last and wins) and counted with `Counter`: both run in C, and no GROUP BY sorts the
window. Times are compared exactly (whole seconds from `unixepoch`, then the stored
microseconds), so the 24-hour edge matches `domain.metrics`.

Cost at 1M generated inquiries (250k in the window): reading the window's rows is ~40% of
the time, the Python counting ~40%; see benchmarks/bench_admin.py.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from inquiry_tui.domain.metrics import CHAT_RESPONSE_LIMIT, RESPONSE_LIMIT, RateFigures
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

    def add_day(self, index: int, f: RateFigures) -> "RateCounts":
        def put(values: tuple[int, ...], n: int) -> tuple[int, ...]:
            out = list(values) + [0] * max(0, index + 1 - len(values))
            out[index] += n
            return tuple(out)

        return replace(self, answered=put(self.answered, f.answered), counted=put(self.counted, f.counted), pending=put(self.pending, f.pending))

    def with_median(self, median: timedelta | None) -> "RateCounts":
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
        return int(t.astimezone(zone).utcoffset().total_seconds())  # type: ignore[union-attr]

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


def _local_seconds_sql(segments: list[tuple[datetime, int]], params: dict[str, object]) -> str:
    """SQL for received_at (`rs`, its epoch seconds) as seconds of the local wall clock, per DST period."""
    if len(segments) == 1:
        params["off0"] = segments[0][1]
        return "(rs + :off0)"
    cases = []
    for n, (start, off) in enumerate(segments[1:], 1):
        params[f"seg{n}"], params[f"off{n - 1}"] = db_text(start), segments[n - 1][1]
        cases.append(f"WHEN received_at < :seg{n} THEN :off{n - 1}")
    params[f"off{len(segments) - 1}"] = segments[-1][1]
    return f"(rs + CASE {' '.join(cases)} ELSE :off{len(segments) - 1} END)"


def fast_rates(session: Session, now: datetime, tz: str, window_days: int, only: int | None) -> Rates | None:
    """The window's reply-rate counts and delay medians, or None when the packed keys would not fit."""
    since = now - timedelta(days=window_days)
    zone = ZoneInfo(tz)
    first_day = since.astimezone(zone).date()
    n_days = (now.astimezone(zone).date() - first_day).days + 1
    conn = session.connection()
    max_account, max_buyer = conn.exec_driver_sql(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM account), (SELECT COALESCE(MAX(id), 0) FROM buyer)"
    ).one()
    ob = max(1, int(max_account).bit_length())
    if n_days > _DAYS or int(max_buyer).bit_length() + _DAY_BITS_N + 1 + ob + 2 + _DELAY_BITS > 62:
        return None
    params: dict[str, object] = {
        "since": db_text(since), "now": db_text(now), "now_s": int(now.timestamp()),
        "chat": int(CHAT_RESPONSE_LIMIT.total_seconds()), "lim": int(RESPONSE_LIMIT.total_seconds()),
        "base_day": first_day.toordinal() - _EPOCH_ORDINAL,
    }
    local = _local_seconds_sql(offset_segments(tz, since, now), params)
    limit = "(CASE WHEN chat THEN :chat ELSE :lim END)"
    # Outcome: 0 answered in time, 1 missed, 2 pending. In whole seconds the sign of
    # (delay - limit) decides; at exactly the limit the stored microseconds do (text from 20).
    outcome = f"""CASE WHEN fr <= :now THEN
            (CASE max(-1, min(1, fs - rs - {limit})) WHEN -1 THEN 0 WHEN 1 THEN 1
             ELSE substr(fr, 20) > substr(received_at, 20) END)
          ELSE (CASE max(-1, min(1, :now_s - rs - {limit})) WHEN -1 THEN 2 WHEN 1 THEN 1
             ELSE 2 - (substr(:now, 20) > substr(received_at, 20)) END) END"""
    delay = f"CASE WHEN fr <= :now THEN 1 + min({_MAX_DELAY - 2}, max(0, fs - rs) / 60) ELSE 0 END"
    packed = f"""(((((buyer_id * 2 + chat) * {_DAYS} + {local} / 86400 - :base_day) << {ob} | owner_id) << 2
                 | {outcome}) << {_DELAY_BITS}) | {delay}"""
    # The inner query runs as a co-routine: unixepoch() is computed once per row, and rows
    # come in its ORDER BY, the order the first-row-wins counting below relies on.
    sql = f"""SELECT {packed} FROM (
                SELECT received_at, id, buyer_id, owner_id, channel = 'tm' AS chat, first_response_at AS fr,
                       unixepoch(received_at) AS rs, unixepoch(first_response_at) AS fs
                FROM inquiry
                WHERE received_at > :since AND received_at <= :now AND NOT (is_junk AND first_response_at IS NULL)
                  {"AND owner_id = :only" if only is not None else ""}
                ORDER BY received_at, id LIMIT -1)"""
    if only is not None:
        params["only"] = only
    cursor = conn.connection.cursor()  # the DB-API cursor: plain tuples, no Row objects for 250k rows
    try:
        cursor.execute(sql, params)
        values = [v for (v,) in cursor.fetchall()]
    finally:
        cursor.close()
    return _count(values, ob, n_days)


def _count(values: list[int], ob: int, n_days: int) -> Rates:
    """Keep each group's first row (time order), then count outcomes per (owner, day).

    A packed value, low bits first: delay+1 in minutes (16 bits, 0 = no response), outcome
    (2), owner id (ob), local day (6), chat (1), buyer id.
    """
    if not values:
        return Rates(RateCounts(), {})
    owner_key, company_key = _DELAY_BITS + 2, _DELAY_BITS + 2 + ob
    field = (1 << (2 + ob + _DAY_BITS_N)) - 1  # outcome | owner | day
    delay_mask = _MAX_DELAY - 1
    values.reverse()  # the earliest row of a group is written last and wins
    owner_firsts = dict(zip([v >> owner_key for v in values], values)).values()
    company_firsts = dict(zip([v >> company_key for v in values], values)).values()
    by_owner = Counter([(v >> _DELAY_BITS) & field for v in owner_firsts])
    by_company = Counter([(v >> _DELAY_BITS) & field for v in company_firsts])
    delays = Counter([v & ((1 << owner_key + ob) - 1) for v in values if v & delay_mask])

    def split(key: int) -> tuple[int, int]:
        """(owner, day * 4 + outcome) of an outcome|owner|day field."""
        return (key >> 2) & ((1 << ob) - 1), ((key >> 2 + ob) << 2) | (key & 3)

    per_owner: dict[int, Counter[int]] = {}
    for key, n in by_owner.items():
        owner, day_outcome = split(key)
        per_owner.setdefault(owner, Counter())[day_outcome] += n
    company: Counter[int] = Counter()
    for key, n in by_company.items():
        company[split(key)[1]] += n
    owner_delays: dict[int, Counter[int]] = {}
    everyone: Counter[int] = Counter()
    for key, n in delays.items():
        minutes = (key & delay_mask) - 1
        owner_delays.setdefault(key >> owner_key, Counter())[minutes] += n
        everyone[minutes] += n
    owners = {
        owner: _rate_counts(counts, n_days, _median_minutes(owner_delays.get(owner, Counter())))
        for owner, counts in per_owner.items()
    }
    return Rates(_rate_counts(company, n_days, _median_minutes(everyone)), owners)


def _rate_counts(day_outcomes: Counter[int], n_days: int, median: timedelta | None) -> RateCounts:
    answered, counted, pending = [0] * n_days, [0] * n_days, [0] * n_days
    for value, n in day_outcomes.items():
        day, outcome = divmod(value, 4)
        if not 0 <= day < n_days:
            continue
        if outcome == PENDING:
            pending[day] += n
        else:
            counted[day] += n
            if outcome == ANSWERED:
                answered[day] += n
    return RateCounts(tuple(answered), tuple(counted), tuple(pending), median)


def _median_minutes(histogram: Counter[int]) -> timedelta | None:
    """The median of a minute histogram (the mean of the two middle values for an even count)."""
    total = sum(histogram.values())
    if not total:
        return None
    targets = sorted({(total - 1) // 2, total // 2})
    found: list[int] = []
    seen = 0
    for minute in sorted(histogram):
        seen += histogram[minute]
        while targets and targets[0] < seen:
            found.append(minute)
            targets.pop(0)
        if not targets:
            break
    if len(found) == 1:
        found.append(found[0])
    return timedelta(minutes=(found[0] + found[1]) / 2)
