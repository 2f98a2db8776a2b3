"""The TUI on a store this OS user may only read: the inbox and a thread show, and each write is refused in one line.

As in tests/unit/store/test_read_only_store.py, root may write anything, so the store is said to
be unwritable (`health.unwritable_reason`); the engine then opens it through SQLite's read-only URIs.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from inquiry_tui.services.context import Ctx, connect
from inquiry_tui.store import health
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.thread_view import ThreadView
from tests.tui.conftest import settle

WHY = "its folder is not writable by OS user tester"


async def test_the_inbox_of_a_read_only_store_shows_and_refuses_writes_in_one_line(
    store_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(store_ctx.url.removeprefix("sqlite:///"))
    store_ctx.close()
    with sqlite3.connect(path) as conn:  # the WAL into the file, so its bytes say whether anything changed
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(health, "unwritable_reason", lambda _path: WHY)
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")
    ctx = connect(str(path))
    ctx.clock = store_ctx.clock
    app = InquiryApp(ctx)
    told: list[str] = []
    notify = app.notify

    def noting(message: str, *args: object, **kwargs: object) -> None:
        told.append(str(message))
        notify(message, *args, **kwargs)  # type: ignore[arg-type]

    app.notify = noting  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot)
            current = app.screen.query_one(InquiryList).current
            assert current is not None and current.inquiry.unread  # the inbox shows
            await pilot.press("enter")  # opening marks read: a write, refused
            await settle(pilot)
            assert isinstance(app.focused, ThreadView)  # the thread shows all the same
            await pilot.press("escape", "t")  # tag: a write, refused
            await settle(pilot)
            assert app.is_running and not app.unexpected_errors
    finally:
        ctx.close()
    refusals = [t for t in told if "read-only" in t]
    assert refusals and all(
        t.startswith(f"the store is read-only for you: {WHY}; nothing was changed") for t in refusals
    )
    assert all("\n" not in t for t in refusals)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
