"""What the publishing remembers within a chunk (routing decisions, junk verdicts) changes no decision.

As test_import_same_decisions.py, but with every arrival in one chunk, few buyers, and salespeople at a
capacity limit that arrivals fill during the chunk (who is unavailable changes mid-chunk): one copy of
the sample store imports the file, the other receives the records one at a time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inquiry_tui.services.arrivals import checking
from inquiry_tui.services.arrivals.importing import arrival_from_record, import_inquiries, receive
from inquiry_tui.services.context import connect_system
from inquiry_tui.services.records.reader import read_records
from inquiry_tui.services.team.accounts import set_limit
from tests.conftest import _ctx_for, fixed_clock
from tests.unit.arrivals.test_import_same_decisions import _line, _state, record


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
    folder = tmp_path / f"ex-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    data = folder / "in.jsonl"
    data.write_text("".join(json.dumps(_line(i, r)) + "\n" for i, r in enumerate(records)), encoding="utf-8")
    urls = {}
    for name in ("batched", "single"):
        path = folder / f"{name}.db"
        shutil.copy(sqlite_sample_template, path)
        urls[name] = f"sqlite:///{path}"
        system = connect_system(urls[name])
        system.clock = fixed_clock
        try:
            ctx = _ctx_for(system, "boss")
            for login in ("ana", "ben"):  # full after ROOM more arrivals each
                set_limit(ctx, login, _open_count(urls[name], login) + room)
        finally:
            system.close()

    system = connect_system(urls["batched"])
    system.clock = fixed_clock
    try:
        report = import_inquiries(_ctx_for(system, "boss"), data)
    finally:
        system.close()
    assert report.received == len(records)

    system = connect_system(urls["single"])
    system.clock = fixed_clock
    try:
        ctx = _ctx_for(system, "boss")
        for r in read_records(data):
            receive(ctx, [arrival_from_record(data, r)])
    finally:
        system.close()

    batched, single = _state(urls["batched"]), _state(urls["single"])
    assert batched[0] == single[0]  # every inquiry's owner, rule, reason, junk, auto-replies, terms, messages
    assert batched[1] == single[1]
    assert batched[2][0][0] == single[2][0][0]
