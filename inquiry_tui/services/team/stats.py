"""Team dashboard figures: open, overdue, 24-hour reply rate, median first response, load today, 30-day trend.

The reply rate follows `domain.metrics` (docs/domain.md, Reply rate): over the past 30 days, one
count per (buyer, local day, chat or not) for the company and per (owner, buyer, local day,
chat or not) for an account, judged by the group's first inquiry; a person's reply or junk
marking (`inquiry.first_response_at`) within 24 h (chats 1 h) answers it; auto-replies and
deleting do not. Inquiries the junk filter sent to Junk (or a block sent to Deleted) that no
person answered are not "received" for the rate: they were never the seller's to answer.

The company received an inquiry at its arrival; an account received it when it became theirs
(`inquiry.owned_at`: the last move to them by a reassign, hand-over, successor, escalation, a
return from away or `allocate`; the arrival if it never moved). An account's window, local day,
24 h (1 h) and median run from that moment, so a successor is not charged for the hours an
inquiry waited before it was theirs; one answered before it became theirs is left out of their
figures. The company's figures keep the arrival.

Two paths compute the same figures:
- SQLite and PostgreSQL (`reply_rate_cache.fast_rates`): closed days from the reply_day cache, the
  other days by one pass each over their arrivals in order and one over the moved inquiries'
  (owner, buyer) pairs (`store.queries.reply_rate`), SQL packing each row's group key and
  outcome, Python keeping each group's first row at C speed.
- any other backend (`_reference_rates`): ThreadFacts (with `owned_at`) fed to `domain.metrics` as they are.
Tests hold the two to the same answers. The median first response of the fast path is
taken over whole minutes of each delay (the dashboard shows minutes).

Open and overdue are domain.due's rule (in the inbox with no human response yet; overdue:
open and at or past `due_at`, 24 h after arrival), counted by store.queries.workload; load
today = arrivals since local midnight, junk not counted. Local days and "today" are in the
company time zone (`reception.timezone`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session, col

from inquiry_tui.domain.availability import Presence, presence_label
from inquiry_tui.domain.metrics import (
    DEFAULT_WINDOW_DAYS,
    RateFigures,
    ThreadFacts,
    median_first_response,
    owner_median_first_response,
    owner_since,
    reply_rate,
    reply_rate_by_owner,
)
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.services.team.reply_rate_cache import fast_rates, save
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, Inquiry
from inquiry_tui.store.queries.reply_rate import RateCounts, Rates, Window, local_midnight
from inquiry_tui.store.queries.workload import arrivals_since, open_and_overdue

COMPANY = "company"


@dataclass(frozen=True)
class Figures:
    """One row of the dashboard: an account, or the company (login `company`)."""

    login: str
    name: str
    open: int  # in the inbox, no human response yet
    overdue: int  # open and past its due time (24 h after arrival)
    reply: RateFigures
    median_first_response: timedelta | None
    load_today: int  # arrivals since local midnight, junk not counted
    trend: tuple[float | None, ...]  # reply rate per local day, oldest first (None: nothing counted)
    active: bool = True
    presence: str = ""  # "away", "away until 12-10", "full 20/20" (domain.availability); "" when available
    limit: int | None = None  # capacity: open inquiries at most


@dataclass(frozen=True)
class TeamStats:
    now: datetime
    window_days: int
    timezone: str
    days: tuple[date, ...]  # the trend's local days, oldest first
    accounts: tuple[Figures, ...]
    company: Figures | None  # None for a salesperson (they see only their own figures)


def team_stats(ctx: Ctx, *, window_days: int = DEFAULT_WINDOW_DAYS) -> TeamStats:
    """The dashboard; the admin sees everyone and the company, a salesperson only themselves."""
    with ctx.read() as session:
        tz = load_settings(session).reception.timezone
        now = ctx.now()
        only = None if ctx.actor.is_admin else ctx.actor.id
        accounts = session.execute(
            select(
                col(Account.id),
                col(Account.login),
                col(Account.name),
                col(Account.active),
                col(Account.away),
                col(Account.away_until),
                col(Account.capacity),
            ).order_by(col(Account.login))
        ).all()
        window = Window.of(now, tz, window_days)
        fast = fast_rates(session, window, only)
        rates, write = fast if fast is not None else (_reference_rates(session, now, tz, window_days, only), None)
        open_, overdue = open_and_overdue(session, now, only)
        load = arrivals_since(session, local_midnight(now, tz), now, only)
    if write is not None:
        save(ctx.engine, write)
    days = window.days
    rows = []
    today = now.astimezone(ZoneInfo(tz)).date()
    for account_id, login, name, active, away, away_until, limit in accounts:
        if only is not None and account_id != only:
            continue
        counts = rates.owners.get(account_id)
        if not active and counts is None and not open_.get(account_id):
            continue
        figures = _figures(
            login,
            name,
            active,
            counts,
            open_.get(account_id, 0),
            overdue.get(account_id, 0),
            load.get(account_id, 0),
            days,
        )
        presence = presence_label(Presence(login, active, away, away_until, limit), today, figures.open)
        rows.append(replace(figures, presence=presence if active else "", limit=limit))
    company = None
    if only is None:
        company = _figures(
            COMPANY,
            "Company",
            True,
            rates.company,
            sum(open_.values()),
            sum(overdue.values()),
            sum(load.values()),
            days,
        )
    return TeamStats(now, window_days, tz, days, tuple(rows), company)


def _figures(
    login: str,
    name: str,
    active: bool,
    counts: RateCounts | None,
    open_: int,
    overdue: int,
    load: int,
    days: tuple[date, ...],
) -> Figures:
    counts = counts or RateCounts()
    trend = tuple(counts.day_rate(i) for i in range(len(days)))
    return Figures(login, name, open_, overdue, counts.figures(), counts.median(), load, trend, active)


# --- the reference path: domain.metrics on every thread of the window ---------------------


def window_threads(session: Session, now: datetime, window_days: int, only: int | None = None) -> list[ThreadFacts]:
    """The window's threads as the metric sees them (filter junk nobody answered left out): those that
    arrived in it (the company's) and those that moved to their owner in it (the accounts')."""
    i = table_of(Inquiry).c
    logins = dict(session.execute(select(col(Account.id), col(Account.login))).all())
    since = now - timedelta(days=window_days)
    query = select(i.id, i.owner_id, i.buyer_id, i.channel, i.received_at, i.first_response_at, i.owned_at).where(
        ((i.received_at > since) & (i.received_at <= now)) | ((i.owned_at > since) & (i.owned_at <= now)),
        ~(i.is_junk.is_(True) & i.first_response_at.is_(None)),
    )
    if only is not None:
        query = query.where(i.owner_id == only)
    return [
        ThreadFacts(r.id, logins[r.owner_id], r.buyer_id, r.channel, r.received_at, r.first_response_at, r.owned_at)
        for r in session.execute(query)
    ]


def _reference_rates(session: Session, now: datetime, tz: str, window_days: int, only: int | None) -> Rates:
    """domain.metrics over every thread of the window, one local day at a time (groups never span days):
    the company's by the day of arrival, an account's by the day the inquiry became theirs."""
    ids = {login: i for i, login in session.execute(select(col(Account.id), col(Account.login))).all()}
    threads = window_threads(session, now, window_days, only)
    days = Window.of(now, tz, window_days).days
    zone = ZoneInfo(tz)
    since = now - timedelta(days=window_days)
    arrived: dict[date, list[ThreadFacts]] = {}
    owned: dict[date, list[ThreadFacts]] = {}
    for t in threads:
        arrived.setdefault(t.received_at.astimezone(zone).date(), []).append(t)
        owned.setdefault(owner_since(t).astimezone(zone).date(), []).append(t)
    company = RateCounts()
    owners: dict[int, RateCounts] = {}
    for index, day in enumerate(days):
        company = company.add_day(index, reply_rate(arrived.get(day, []), now, tz=tz, window_days=window_days))
        for login, f in reply_rate_by_owner(owned.get(day, []), now, tz=tz, window_days=window_days).items():
            owners[ids[login]] = owners.get(ids[login], RateCounts()).add_day(index, f)
    responded = [t for t in threads if t.first_response_at is not None and t.first_response_at <= now]
    for login in {t.owner for t in threads}:
        mine = [t for t in responded if t.owner == login and since < owner_since(t) <= now]
        if ids[login] in owners:
            owners[ids[login]] = owners[ids[login]].with_median(owner_median_first_response(mine))
    arrivals = [t for t in responded if since < t.received_at <= now]
    return Rates(company.with_median(median_first_response(arrivals)), owners)


def reference_team_stats(ctx: Ctx, *, window_days: int = DEFAULT_WINDOW_DAYS) -> Rates:
    """The reply-rate counts by `domain.metrics` directly (tests compare the SQLite pass to it)."""
    with ctx.read() as session:
        tz = load_settings(session).reception.timezone
        return _reference_rates(session, ctx.now(), tz, window_days, None if ctx.actor.is_admin else ctx.actor.id)


def _rate_dict(f: RateFigures) -> dict[str, Any]:
    return {"answered": f.answered, "counted": f.counted, "rate": f.rate, "pending": f.pending}


def figures_to_dict(f: Figures) -> dict[str, Any]:
    median = f.median_first_response
    return {
        "login": f.login,
        "name": f.name,
        "active": f.active,
        "open": f.open,
        "overdue": f.overdue,
        "reply_rate": _rate_dict(f.reply),
        "median_first_response_seconds": None if median is None else int(median.total_seconds()),
        "load_today": f.load_today,
        "trend": list(f.trend),
        "presence": f.presence,
        "limit": f.limit,
    }


def stats_to_dict(stats: TeamStats) -> dict[str, Any]:
    """The stable JSON of `inquiry-tui stats --json` (keys never renamed; new keys may be added)."""
    return {
        "now": stats.now.isoformat(),
        "window_days": stats.window_days,
        "timezone": stats.timezone,
        "days": [d.isoformat() for d in stats.days],
        "company": figures_to_dict(stats.company) if stats.company else None,
        "accounts": [figures_to_dict(f) for f in stats.accounts],
    }


# --- plain-text forms shared by the CLI and the dashboard ---------------------------------

_BARS = "▁▂▃▄▅▆▇█"


def format_rate(f: RateFigures) -> str:
    """`62.5% (25/40)`, or `—` when nothing is counted yet."""
    return "—" if f.rate is None else f"{f.rate:.1%} ({f.answered}/{f.counted})"


def format_duration(value: timedelta | None) -> str:
    """`45 min`, `4 h 12 min`, `2 d 3 h`; `—` for none."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def sparkline(values: tuple[float | None, ...]) -> str:
    """One character per day, from 0% (▁) to 100% (█); a space where nothing was counted."""
    return "".join(" " if v is None else _BARS[min(len(_BARS) - 1, int(v * len(_BARS)))] for v in values)


__all__ = [
    "COMPANY",
    "Figures",
    "TeamStats",
    "figures_to_dict",
    "format_duration",
    "format_rate",
    "reference_team_stats",
    "sparkline",
    "stats_to_dict",
    "team_stats",
    "window_threads",
]
