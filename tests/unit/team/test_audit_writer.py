"""One audit writer: every row is built by services.audit.audit_row, by the ORM form and the Core form alike."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlmodel import select

import inquiry_tui
from inquiry_tui.config import real_os_user
from inquiry_tui.services.audit import audit, audit_conn, audit_row
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import AuditLog
from tests.conftest import FIXED_NOW

PACKAGE = Path(inquiry_tui.__file__).parent


def test_no_other_module_writes_audit_rows() -> None:
    writers = re.compile(
        r"(?<!class )AuditLog\(|INSERT INTO audit_log|insert\((?:table_of\()?AuditLog|UPDATE audit_chain"
    )
    found = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and writers.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["services/audit.py"]


def test_both_forms_write_the_same_row(admin_ctx: Ctx) -> None:
    state = {"folder": "junk", "moved": 3}
    with admin_ctx.write() as session:
        audit(session, admin_ctx, "check", "inquiry", 7, before={"folder": "inbox"}, after=state)
        audit_conn(
            session.connection(),
            at=FIXED_NOW,
            actor="boss",
            action="check",
            entity="inquiry",
            entity_id=7,
            before={"folder": "inbox"},
            after=state,
        )
    with admin_ctx.read() as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action == "check")).all()
    shapes = [(r.at, r.actor, r.action, r.entity, r.entity_id, r.before, r.after) for r in rows]
    assert len(shapes) == 2 and shapes[0] == shapes[1]
    assert shapes[0][4] == "7" and json.loads(shapes[0][6]) == state


def test_the_row_shape() -> None:
    row = audit_row(at=FIXED_NOW, actor="system", action="allocate", entity="inquiry", after={"b": 1, "a": 2})
    assert row == {
        "at": FIXED_NOW,
        "actor": "system",
        "action": "allocate",
        "entity": "inquiry",
        "entity_id": "",
        "before": "",
        "after": '{"a": 2, "b": 1}',
        "os_user": real_os_user(),  # the real OS user of the process, beside the account
    }
