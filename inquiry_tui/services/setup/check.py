"""`db check`: is the store whole? The database's own check, the audit chain, the file store.

Three questions, each answered on its own so that one finding does not hide another:
- the database: on SQLite `PRAGMA quick_check` (pages, indexes, constraints) and
  `PRAGMA foreign_key_check`; a PostgreSQL server keeps its own pages (its administrator's
  tools, e.g. pg_amcheck, check them), so there only the rows' references are checked by the
  server's constraints and nothing is read here;
- the audit log: the hash chain walked as `db verify` walks it (services.identity.verify);
- the file store: every stored file the store names is present with the size recorded (the
  contents' hashes are checked by `db backup`, which reads every file anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.blobs import blob_path, files_dir
from inquiry_tui.services.identity.verify import AuditVerdict, verify_audit
from inquiry_tui.store.engine import is_sqlite

MAX_LISTED = 10  # problems named one by one; the rest are counted


@dataclass(frozen=True)
class CheckReport:
    database: tuple[str, ...]  # the database's own findings (empty: whole)
    audit: AuditVerdict
    files_checked: int
    files_missing: tuple[str, ...]  # "sha256 prefix: what is wrong", at most MAX_LISTED
    files_bad: int  # how many stored files are missing or of the wrong size
    files_note: str  # why files were not checked, if they were not

    @property
    def ok(self) -> bool:
        return not self.database and self.audit.ok and self.files_bad == 0

    def lines(self) -> list[str]:
        """The report as the command prints it: one line per question, then the problems named."""
        out = ["database: ok" if not self.database else f"database: {len(self.database)} problems"]
        out += [f"  {finding}" for finding in self.database]
        out.append(self.audit.summary())  # "audit log intact: ..." or "audit log tampered with: ..."
        if self.files_note:
            out.append(f"files: not checked ({self.files_note})")
        elif self.files_bad == 0:
            out.append(f"files: {self.files_checked:,} stored files present")
        else:
            out.append(f"files: {self.files_bad:,} of {self.files_checked:,} stored files missing or damaged")
            out += [f"  {problem}" for problem in self.files_missing]
        return out

    def as_json(self) -> dict[str, Any]:
        """`db check --json`: {"ok", "database": [...], "audit": {...as db verify}, "files": {...}}."""
        return {
            "ok": self.ok,
            "database": list(self.database),
            "audit": self.audit.as_json(),
            "files": {
                "checked": self.files_checked,
                "bad": self.files_bad,
                "problems": list(self.files_missing),
                "not_checked": self.files_note or None,
            },
        }


def check_store(ctx: Ctx) -> CheckReport:
    """Answer the three questions (admin only: it reads every salesperson's rows and files)."""
    ctx.require_admin("check the store")
    database = _database(ctx)
    audit = verify_audit(ctx)
    checked, bad, problems, note = _files(ctx)
    return CheckReport(database, audit, checked, problems, bad, note)


def _database(ctx: Ctx) -> tuple[str, ...]:
    if not is_sqlite(ctx.url):
        return ()
    findings: list[str] = []
    with ctx.engine.connect() as conn:
        quick = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check").all()]
        if quick != ["ok"]:  # damaged pages: the references cannot be read through them
            conn.rollback()
            return tuple(quick[:MAX_LISTED])
        for table, rowid, parent, _ in conn.exec_driver_sql("PRAGMA foreign_key_check").all()[:MAX_LISTED]:
            findings.append(f"{table} row {rowid} names a {parent} row that does not exist")
        conn.rollback()
    return tuple(findings)


def _files(ctx: Ctx) -> tuple[int, int, tuple[str, ...], str]:
    with ctx.engine.connect() as conn:
        stored = conn.execute(text("SELECT sha256, size FROM stored_file ORDER BY sha256")).all()
        conn.rollback()
    if not stored:
        return 0, 0, (), ""
    try:
        root = files_dir(ctx.url)
    except InquiryError as exc:
        return 0, 0, (), str(exc)
    bad = 0
    problems: list[str] = []
    for sha, size in stored:
        path = blob_path(root, str(sha))
        try:
            found = path.stat().st_size
        except OSError:
            found = None
        if found == size:
            continue
        bad += 1
        if len(problems) < MAX_LISTED:
            what = "missing" if found is None else f"{found:,} bytes where {size:,} were stored"
            problems.append(f"{str(sha)[:12]}: {what} ({path})")
    return len(stored), bad, tuple(problems), ""
