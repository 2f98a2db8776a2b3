"""The allocation record of the past 30 days: filtered keyset pages and the export (CSV / JSON Lines).

A salesperson sees only the rows that involve them (allocated to them, or taken from them);
the admin sees every row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, and_, func, or_, select
from sqlmodel import Session, col

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.text import neutralize_cell
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN, Rule, allowed
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account, AllocationRecord

RECORD_DAYS = 30
PAGE_SIZE = 50
MAX_PAGE = 500
FORMATS = ("csv", "jsonl")
EXPORT_COLUMNS = ("at", "inquiry_id", "from", "to", "rule", "actor", "reason")
RULES = tuple(r.value for r in Rule)  # arrival rules, then a person's and an account change's
REPORT_EVERY = 500  # rows between progress reports
Progress = Callable[[str, int, int], None]  # (part, done, total)

_T = table_of(AllocationRecord)


@dataclass(frozen=True)
class AllocationFilter:
    account: str | None = None  # rows allocated to or taken from this login
    rule: str | None = None
    actor: str | None = None  # SYSTEM_LOGIN or a login
    days: int = RECORD_DAYS


@dataclass(frozen=True)
class AllocationRow:
    id: int
    at: datetime
    inquiry_id: int
    from_login: str | None  # None for an arrival
    to_login: str
    rule: str
    actor: str
    reason: str


@dataclass(frozen=True)
class AllocationPage:
    rows: tuple[AllocationRow, ...]
    next_cursor: tuple[datetime, int] | None  # pass as `after` for the next (older) page


def _logins(session: Session) -> dict[int, str]:
    return dict(session.execute(select(col(Account.id), col(Account.login))).all())


def _query(session: Session, ctx: Ctx, flt: AllocationFilter) -> Select[Any]:
    if not 1 <= flt.days <= 3650:
        raise ValidationError(f"days must be 1..3650, got {flt.days}")
    if flt.rule is not None and flt.rule not in RULES:
        raise ValidationError(f"rule {flt.rule!r} is not known; allowed: {allowed(RULES)}")
    since = ctx.now() - timedelta(days=flt.days)
    query = select(_T.c.id, _T.c.at, _T.c.inquiry_id, _T.c.from_id, _T.c.to_id, _T.c.rule, _T.c.actor, _T.c.reason)
    query = query.where(_T.c.at > since)
    if not ctx.actor.is_admin:
        # Only one's own history: what came to me and what left me.
        query = query.where(or_(_T.c.to_id == ctx.actor.id, _T.c.from_id == ctx.actor.id))
    if flt.account:
        account_id = account_by_login(session, flt.account).id
        query = query.where(or_(_T.c.to_id == account_id, _T.c.from_id == account_id))
    if flt.rule:
        query = query.where(_T.c.rule == flt.rule)
    if flt.actor:
        query = query.where(_T.c.actor == flt.actor)
    return query.order_by(_T.c.at.desc(), _T.c.id.desc())


def _row(r: Any, logins: dict[int, str]) -> AllocationRow:
    return AllocationRow(
        r.id,
        r.at,
        r.inquiry_id,
        logins.get(r.from_id) if r.from_id is not None else None,
        logins.get(r.to_id, "?"),
        r.rule,
        r.actor,
        r.reason,
    )


def allocation_page(
    ctx: Ctx,
    flt: AllocationFilter = AllocationFilter(),
    *,
    after: tuple[datetime, int] | None = None,
    limit: int = PAGE_SIZE,
) -> AllocationPage:
    """Newest first, keyset on (at, id): page N costs what page 1 costs."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"page size must be 1..{MAX_PAGE}, got {limit}")
    with ctx.read() as session:
        query = _query(session, ctx, flt)
        if after is not None:
            at, last_id = after
            query = query.where(or_(_T.c.at < at, and_(_T.c.at == at, _T.c.id < last_id)))
        rows = session.execute(query.limit(limit + 1)).all()
        logins = _logins(session)
    out = tuple(_row(r, logins) for r in rows[:limit])
    return AllocationPage(out, (out[-1].at, out[-1].id) if len(rows) > limit and out else None)


def allocation_choices(ctx: Ctx) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(accounts, rules, actors) a filter can pick from; a salesperson picks only themselves."""
    with ctx.read() as session:
        logins = tuple(sorted(_logins(session).values()))
    if not ctx.actor.is_admin:
        return (ctx.actor.login,), RULES, (SYSTEM_LOGIN, *logins)
    return logins, RULES, (SYSTEM_LOGIN, *logins)


def _record(row: AllocationRow) -> dict[str, Any]:
    return {
        "at": row.at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),  # whole seconds
        "inquiry_id": row.inquiry_id,
        "from": row.from_login,
        "to": row.to_login,
        "rule": row.rule,
        "actor": row.actor,
        "reason": row.reason,
    }


def iter_allocations(ctx: Ctx, flt: AllocationFilter) -> Iterator[AllocationRow]:
    """Every matching row, newest first, streamed from one read transaction."""
    with ctx.read() as session:
        logins = _logins(session)
        result = session.execute(_query(session, ctx, flt).execution_options(yield_per=2000))
        for r in result:
            yield _row(r, logins)


@contextmanager
def _open_target(dest: str | os.PathLike[str] | IO[str]) -> Iterator[IO[str]]:
    """A stream as is; a path is written to a temporary file and renamed: never a partial file."""
    if not isinstance(dest, (str, os.PathLike)):
        yield dest
        return
    path = Path(dest)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def count_allocations(ctx: Ctx, flt: AllocationFilter) -> int:
    """How many rows match (an index range on `at`): the export's total, for its time left."""
    with ctx.read() as session:
        query = _query(session, ctx, flt).order_by(None)
        return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def export_allocations(
    ctx: Ctx,
    dest: str | os.PathLike[str] | IO[str],
    days: int = RECORD_DAYS,
    fmt: str = "csv",
    flt: AllocationFilter | None = None,
    progress: Progress | None = None,
) -> int:
    """Write the allocation record of the past DAYS (newest first) to DEST; returns the row count.

    CSV has a header row and formula-like cells neutralised (OWASP); JSON Lines keeps values
    as they are (one object per line, keys as in EXPORT_COLUMNS). A salesperson exports only
    their own rows, as in `allocation_page`. PROGRESS, if given, hears `("allocation records",
    written, total)` every REPORT_EVERY rows and at the end (the total counted first: one index range).
    """
    if fmt not in FORMATS:
        raise ValidationError(f"format {fmt!r} is not allowed; allowed: {', '.join(FORMATS)}")
    if isinstance(dest, (str, os.PathLike)):
        ctx.require_local_files("exporting to a file")  # over SSH the server's files are the service account's
    flt = AllocationFilter(flt.account, flt.rule, flt.actor, days) if flt else AllocationFilter(days=days)
    total = count_allocations(ctx, flt) if progress is not None else 0
    count = 0
    with _open_target(dest) as fh:
        writer = csv.writer(fh) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(EXPORT_COLUMNS)
        for row in iter_allocations(ctx, flt):
            if writer is not None:
                writer.writerow([neutralize_cell(v) for v in _record(row).values()])
            else:
                fh.write(json.dumps(_record(row), ensure_ascii=False) + "\n")
            count += 1
            if progress is not None and count % REPORT_EVERY == 0:
                progress("allocation records", count, max(total, count))
        if progress is not None:
            progress("allocation records", count, count)  # the end (rows may have come since the count)
    return count


def export_allocations_text(
    ctx: Ctx, days: int = RECORD_DAYS, fmt: str = "csv", flt: AllocationFilter | None = None
) -> str:
    """The export as a string (small windows; tests and the clipboard)."""
    buffer = io.StringIO()
    export_allocations(ctx, buffer, days, fmt, flt)
    return buffer.getvalue()


__all__ = [
    "EXPORT_COLUMNS",
    "FORMATS",
    "RULES",
    "AllocationFilter",
    "AllocationPage",
    "AllocationRow",
    "allocation_choices",
    "allocation_page",
    "count_allocations",
    "export_allocations",
    "export_allocations_text",
    "iter_allocations",
]
