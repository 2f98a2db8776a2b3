"""`import notices FILE`: the marketplace's platform notices into the feeds (all or nothing, idempotent).

A record goes to the account `to` names (it must exist and be active), or to every active
account when `to` is missing. A notice already delivered (the same `external_id` for the same
account) is not delivered again, so importing a file twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.services.records.channels import NoticeRecord
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.services.records.reader import iter_records
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import Account

_a = table_of(Account)


@dataclass(frozen=True)
class NoticeImportReport:
    records: int
    delivered: int  # notices added to feeds
    already: int  # (record, account) pairs delivered by an earlier import


def import_notices(ctx: Ctx, path: Path) -> NoticeImportReport:
    ctx.require_admin("import platform notices")
    records = [(r.line, check_record(NoticeRecord, path, r)) for r in iter_records(path)]
    with ctx.write() as session:
        accounts = {r[0]: r[1] for r in session.execute(select(_a.c.login, _a.c.id).where(_a.c.active.is_(True)))}
        delivered = wanted = 0
        for line, r in records:
            if r.to is not None and r.to not in accounts:
                raise FileFormatError(
                    path, line, "to", f"{r.to!r} is not an active account; see `inquiry-tui account list`"
                )
            targets = [accounts[r.to]] if r.to is not None else sorted(accounts.values())
            wanted += len(targets)
            delivered += notify(
                session,
                targets,
                NoticeKind.PLATFORM,
                r.text,
                at=r.posted_at,
                ref_kind="platform",
                ref_id=r.external_id,
                dedupe=f"platform:{r.external_id}",
            )
        audit(
            session,
            ctx,
            "notices_import",
            "notice",
            path.name,
            after={"records": len(records), "delivered": delivered, "already": wanted - delivered},
        )
        return NoticeImportReport(len(records), delivered, wanted - delivered)
