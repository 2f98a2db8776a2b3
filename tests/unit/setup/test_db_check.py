"""`db check`: the database's own check, the audit chain and the file store, each named when broken."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.files.blobs import blob_path, files_dir, put
from inquiry_tui.services.setup.check import check_store
from inquiry_tui.services.team.accounts import set_away

runner = CliRunner()


def _store_a_file(ctx: Ctx, data: bytes) -> str:
    with ctx.write() as session:
        return put(session, ctx.url, data, at=ctx.now()).sha256


def test_a_whole_store_checks_out_on_both_engines(admin_ctx: Ctx) -> None:
    set_away(admin_ctx, "ana", True)
    _store_a_file(admin_ctx, b"%PDF-1.4 spec sheet")
    report = check_store(admin_ctx)
    assert report.ok, report.lines()
    assert report.database == () and report.audit.ok and (report.files_checked, report.files_bad) == (1, 0)
    assert report.lines()[-1] == "files: 1 stored files present"


def test_only_the_admin_checks(sales_ctx: Ctx) -> None:
    from inquiry_tui.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        check_store(sales_ctx)


@pytest.mark.sqlite_only  # the store is damaged with sqlite3 and the files removed by hand
def test_each_finding_is_named_and_the_command_exits_1(admin_ctx: Ctx) -> None:
    sha = _store_a_file(admin_ctx, b"catalogue 2026")
    db = admin_ctx.url.removeprefix("sqlite:///")
    assert runner.invoke(app, ["--db", db, "db", "check"]).exit_code == 0

    blob_path(files_dir(admin_ctx.url), sha).unlink()
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'ana' WHERE id = 1")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("INSERT INTO buyer_tag (buyer_id, tag) VALUES (424242, 'ghost')")
    conn.commit()
    conn.close()

    result = runner.invoke(app, ["--db", db, "db", "check"])
    assert result.exit_code == 1, result.output
    assert "database: 1 problems" in result.output and "buyer_tag row" in result.output
    assert "audit log tampered with: row 1" in result.output
    assert f"files: 1 of 1 stored files missing or damaged\n  {sha[:12]}: missing" in result.output

    as_json = json.loads(runner.invoke(app, ["--db", db, "db", "check", "--json"]).output)
    assert as_json["ok"] is False and as_json["audit"]["problem"]["kind"] == "changed"
    assert as_json["files"]["bad"] == 1 and len(as_json["database"]) == 1
