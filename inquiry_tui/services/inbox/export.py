"""Export inquiries as CSV (formula cells neutralised, OWASP) or JSON Lines, streamed in keyset pages.

The columns are docs/cli.md's (export inquiries). A salesperson exports only their own
inquiries; the admin exports all. `--folder` is a stored folder or one of the inbox's views
(store.queries.folders.EXPORT_VIEWS: the same predicates the inbox lists with). Rows are read 5,000 at a time by id (keyset, never OFFSET), so a million
rows never sit in memory; a file is written under a temporary name and renamed when complete.
Times are ISO 8601 in UTC (`2026-11-23T09:30:00Z`).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.terms import Terms, terms_from_json
from inquiry_tui.domain.text import neutralize_cell
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.queries.folders import EXPORT_VIEWS
from inquiry_tui.store.queries.inbox import export_page

__all__ = ["COLUMNS", "EXPORT_FOLDERS", "FORMATS", "export_inquiries", "write_inquiries"]

TERM_COLUMNS = ("target_price", "currency", "payment_terms", "incoterm", "destination", "sample_requested")
COLUMNS = (
    "id",
    "external_id",
    "channel",
    "received_at",
    "buyer_email",
    "country",
    "product",
    "subject",
    "owner",
    "rule",
    "folder",
    "tagged",
    "unread",
    "replied",
    "auto_replies",
    "due_at",
    # the buyer's structured terms (docs/domain.md, Deals), empty when not stated
    *TERM_COLUMNS,
)
EXPORT_FOLDERS = tuple(str(name) for name in EXPORT_VIEWS)
FORMATS = ("csv", "jsonl")
PAGE = 5_000
REPORT_EVERY = 500  # rows between progress reports
Progress = Callable[[str, int, int], None]  # (part, done, total; 0: not known)


def _iso(value: str | datetime | None) -> str | None:
    # The store's UTC text `YYYY-MM-DD HH:MM:SS.ffffff` (PostgreSQL: a naive UTC datetime), to whole
    # seconds: `2026-11-23T09:30:00Z`, as every time the app shows or prints (docs/cli.md).
    if not value:
        return None
    text = value.isoformat(" ", "seconds") if isinstance(value, datetime) else value
    return f"{text[:10]}T{text[11:19]}Z"


def _rows(ctx: Ctx, folder: str | None) -> Iterator[dict[str, Any]]:
    view = EXPORT_VIEWS[folder] if folder is not None else None
    owner = None if ctx.actor.is_admin else ctx.actor.id
    last = 0
    while True:
        # One short read transaction per page: a long export never holds a snapshot open for minutes.
        with ctx.read() as session:
            page = export_page(session, view=view, owner=owner, after=last, limit=PAGE)
        for r in page:
            yield {
                "id": r[0],
                "external_id": r[1],
                "channel": r[2],
                "received_at": _iso(r[3]),
                "buyer_email": r[4],
                "country": r[5],
                "product": r[6],
                "subject": r[7],
                "owner": r[8],
                "rule": r[9],
                "folder": r[10],
                "tagged": bool(r[11]),
                "unread": bool(r[12]),
                "replied": bool(r[13]),
                "auto_replies": r[14],
                "due_at": _iso(r[15]),
                **_terms(terms_from_json(r[16])),
            }
        if len(page) < PAGE:
            return
        last = page[-1][0]


def _terms(t: Terms) -> dict[str, Any]:
    return {
        "target_price": format(t.target_price.normalize(), "f") if t.target_price is not None else None,
        "currency": t.currency,
        "payment_terms": t.payment_terms,
        "incoterm": t.incoterm,
        "destination": t.destination,
        "sample_requested": t.sample_requested,
    }


def _check(folder: str | None, fmt: str) -> None:
    if folder is not None and folder not in EXPORT_FOLDERS:
        raise ValidationError(f"folder {folder!r} is not allowed; allowed: {', '.join(EXPORT_FOLDERS)}")
    if fmt not in FORMATS:
        raise ValidationError(f"format {fmt!r} is not allowed; allowed: {', '.join(FORMATS)}")


def write_inquiries(
    ctx: Ctx, stream: IO[str], folder: str | None = None, fmt: str = "csv", progress: Progress | None = None
) -> int:
    """Write the export to an open text stream (e.g. stdout); returns the number of inquiries.

    PROGRESS, if given, hears `("inquiries", written, 0)` every REPORT_EVERY rows and at the end
    (0: the total is not counted first, which would read the store twice).
    """
    _check(folder, fmt)
    count = 0
    writer = csv.writer(stream) if fmt == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    for row in _rows(ctx, folder):
        if writer is not None:
            writer.writerow([neutralize_cell(_csv_value(v)) for v in row.values()])
        else:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
        if progress is not None and count % REPORT_EVERY == 0:
            progress("inquiries", count, 0)
    if progress is not None:
        progress("inquiries", count, 0)
    return count


def _csv_value(value: Any) -> Any:
    return "true" if value is True else "false" if value is False else value


def export_inquiries(
    ctx: Ctx, path: Path, folder: str | None = None, fmt: str = "csv", progress: Progress | None = None
) -> int:
    """Export to PATH (replaced only when complete); folder None means every folder."""
    _check(folder, fmt)
    ctx.require_local_files("exporting to a file")  # over SSH the server's files are the service account's
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count = write_inquiries(ctx, fh, folder, fmt, progress)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
