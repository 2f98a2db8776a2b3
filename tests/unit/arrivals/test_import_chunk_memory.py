"""What the publishing remembers within a chunk (routing decisions, junk verdicts) changes no decision.

As test_import_same_decisions.py, but with every arrival in one chunk, few buyers, and salespeople at a
capacity limit that arrivals fill during the chunk (who is unavailable changes mid-chunk): one copy of
the sample store imports the file, the other receives the records one at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.services.arrivals import checking
from inquiry_tui.services.context import connect_system
from inquiry_tui.services.team.accounts import set_limit
from tests.conftest import _ctx_for, fixed_clock
from tests.unit.arrivals.test_import_same_decisions import (
    assert_same_decisions,
    import_file,
    receive_one_by_one,
    record,
    two_copies,
)


def limit_both(urls: dict[str, str], room: int) -> None:
    """In each store of URLS, ana and ben are full after ROOM more open inquiries each."""
    for url in urls.values():
        system = connect_system(url)
        system.clock = fixed_clock
        try:
            ctx = _ctx_for(system, "boss")
            for login in ("ana", "ben"):
                set_limit(ctx, login, _open_count(url, login) + room)
        finally:
            system.close()


def _open_count(url: str, login: str) -> int:
    ctx = connect_system(url)
    try:
        with ctx.read() as session:
            found = session.connection().exec_driver_sql(
                "SELECT COUNT(*) FROM inquiry i JOIN account a ON a.id = i.owner_id "
                "WHERE a.login = ? AND i.folder = 'inbox' AND i.first_response_at IS NULL",
                (login,),
            )
            return int(found.scalar_one())
    finally:
        ctx.close()


@pytest.mark.sqlite_only
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, min_size=10, max_size=30), room=st.integers(min_value=0, max_value=3))
def test_one_chunk_with_repeated_buyers_decides_as_one_by_one_arrivals(
    records: list[dict[str, Any]],
    room: int,
    sqlite_sample_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INQUIRY_TUI_IMPORT_CHUNK", "1000")  # the whole file in one chunk
    monkeypatch.setattr(checking, "PARALLEL_FROM_BYTES", 0)  # checked by worker processes: text verdicts given
    data, urls = two_copies(records, sqlite_sample_template, tmp_path)
    limit_both(urls, room)
    report = import_file(urls["batched"], data)
    assert report.received == len(records)
    receive_one_by_one(urls["single"], data)
    assert_same_decisions(urls)
