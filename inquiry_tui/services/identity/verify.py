"""`db verify`: walk the audit log's hash chain and name the first row changed, inserted or removed outside the app.

A service function, so that other checks of the store (`db check`) run it too. Any account may
run it: it reads, and tells only where the chain breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from inquiry_tui.domain.audit_chain import HASH_LEN, Head, walk
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.engine import is_sqlite
from inquiry_tui.store.queries import audit_chain

_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")


@dataclass(frozen=True)
class AuditVerdict:
    """What `db verify` found: the chain walked, its first problem (if any), guards that are gone."""

    rows: int  # rows walked
    last_id: int  # the last row that checks out (the chain's end when ok)
    last_hash: str
    problem: str | None  # domain.audit_chain.Tamper: changed | inserted | removed
    row_id: int | None  # the first row changed, inserted or removed
    message: str | None  # that finding in one line
    missing_guards: tuple[str, ...]  # append-only triggers dropped outside the app

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.missing_guards

    @property
    def anchor(self) -> str:
        """The chain's end as `ID:HASH`: kept outside the store, it finds a rewrite later (`--anchor`)."""
        return f"{self.last_id}:{self.last_hash}"

    def summary(self) -> str:
        """One line: intact, or what was found first."""
        if self.ok:
            return f"audit log intact: {self.rows:,} rows, chained up to row {self.last_id}"
        found = [self.message] if self.message else []
        if self.missing_guards:
            found.append(f"the append-only triggers {', '.join(self.missing_guards)} were dropped outside the app")
        return "audit log tampered with: " + "; ".join(found)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "intact_to": {"id": self.last_id, "hash": self.last_hash},
            "problem": None
            if self.problem is None
            else {"kind": self.problem, "row": self.row_id, "message": self.message},
            "missing_guards": list(self.missing_guards),
        }


def parse_anchor(text: str) -> Head:
    """`ID:HASH` as `db verify` printed it."""
    match = _ANCHOR.match(text.strip().lower())
    if match is None:
        raise ValidationError(f"--anchor {text!r} is not ID:HASH (a row id, a colon and {HASH_LEN} hex digits)")
    return Head(int(match.group(1)), match.group(2))


def verify_audit(ctx: Ctx, anchor: Head | None = None) -> AuditVerdict:
    """Walk the whole chain in one read transaction (a consistent snapshot, even while others write)."""
    engine = ctx.read_engine or ctx.engine
    snapshot = {} if is_sqlite(ctx.url) else {"isolation_level": "REPEATABLE READ"}
    with engine.connect() as conn:
        conn = conn.execution_options(**snapshot)
        with conn.begin():
            ctx.check_active(conn)
            report = walk(audit_chain.rows(conn), audit_chain.head(conn), anchor=anchor)
            guards = audit_chain.missing_guards(conn)
    finding = report.finding
    return AuditVerdict(
        rows=report.rows,
        last_id=report.last_id,
        last_hash=report.last_hash,
        problem=None if finding is None else finding.kind.value,
        row_id=None if finding is None else finding.row_id,
        message=None if finding is None else finding.message,
        missing_guards=guards,
    )
