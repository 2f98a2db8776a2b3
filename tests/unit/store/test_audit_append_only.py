"""Audit rows cannot be updated or deleted, not even with raw SQL."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DatabaseError

from inquiry_tui.services.context import Ctx


def test_audit_rows_cannot_be_updated_or_deleted(admin_ctx: Ctx) -> None:
    with admin_ctx.engine.connect() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one()
    assert count >= 4  # init + three account_add rows
    with pytest.raises(DatabaseError, match="append-only"), admin_ctx.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'someone else'")
    with pytest.raises(DatabaseError, match="append-only"), admin_ctx.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log")
    with admin_ctx.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar_one() == count
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_log WHERE actor = 'someone else'").scalar_one() == 0
