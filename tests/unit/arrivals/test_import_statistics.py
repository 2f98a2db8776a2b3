"""After a big import on PostgreSQL the planner's statistics are fresh at once, not when autovacuum gets to them.

Until ANALYZE ran, one arrival after a 100k import took 200 ms instead of 16 ms (plans made for
the old table sizes); `import_inquiries` now refreshes them as a published import ends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from inquiry_tui.services.arrivals.importing import import_inquiries
from inquiry_tui.services.context import Ctx
from tests.unit.arrivals.test_import_publishing import write_file


def _last_analyze(url: str) -> object:
    engine = create_engine(url)  # a new connection: the statistics as another session sees them
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'inquiry'"
            ).scalar_one()
    finally:
        engine.dispose()


def test_a_published_import_leaves_fresh_planner_statistics(
    admin_ctx: Ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if admin_ctx.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics gathered by ANALYZE are PostgreSQL's; SQLite's plans here do not use them")
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "5")  # published in several transactions, as a big file is
    before = _last_analyze(admin_ctx.url)
    report = import_inquiries(admin_ctx, write_file(tmp_path / "big.jsonl", "S", n=20))
    assert report.received == 20
    after = _last_analyze(admin_ctx.url)
    assert after is not None and (before is None or after > before)  # type: ignore[operator]
