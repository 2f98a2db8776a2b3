"""Caches filled before their first reader: after an upgrade and after a bulk load (docs/store.md, Caches).

An upgrade, a big import or a generated store leaves the reply-rate day cache (`reply_day`)
empty for the days it touched and no activity rollup for today: the first dashboard and the
first recommendations would compute everything while a person waits. `warm_caches` does that
work at the end of the long operation instead, where a second or two is not noticed: the
closed days of the dashboard's window are computed and stored, and today's activity rollup is
built with tomorrow's prepared (services/customers/activity.py). Nothing here is required for
correctness: a cache write that finds the write lock busy is skipped and the reader computes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from inquiry_tui.domain.metrics import DEFAULT_WINDOW_DAYS
from inquiry_tui.services.context import STORE_ERRORS, UNWRITABLE, Ctx
from inquiry_tui.services.customers import activity
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.services.team.reply_rate_cache import fast_rates, save
from inquiry_tui.store.queries.reply_rate import Window


@dataclass(frozen=True)
class Warmed:
    reply_days: int  # closed days written to the reply-rate cache
    reply_seconds: float
    rollup_seconds: float  # today's rollup and tomorrow's prepared
    skipped: tuple[str, ...] = ()  # the caches a busy or read-only store kept from being written


def warm_reply_days(ctx: Ctx, window_days: int = DEFAULT_WINDOW_DAYS) -> int:
    """Compute and cache the closed days of the dashboard's window as of now; how many were written."""
    with ctx.read() as session:
        window = Window.of(ctx.now(), load_settings(session).reception.timezone, window_days)
        fast = fast_rates(session, window, None)
    if fast is None or fast[1] is None:
        return 0
    return len(fast[1].days) if save(ctx.engine, fast[1]) else 0


def warm_caches(ctx: Ctx) -> Warmed:
    """Both caches, as an upgrade or a bulk load ends (errors of a busy or read-only store skip a cache)."""
    started = time.perf_counter()
    days = 0
    skipped: list[str] = []
    try:
        days = warm_reply_days(ctx)
    except (*STORE_ERRORS, *UNWRITABLE):
        skipped.append("reply rates")
    middle = time.perf_counter()
    try:
        activity.warm(ctx)
    except (*STORE_ERRORS, *UNWRITABLE):
        skipped.append("activity rollup")
    return Warmed(days, middle - started, time.perf_counter() - middle, tuple(skipped))
