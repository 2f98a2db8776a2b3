"""Hostile buyer text (markup, escape sequences, controls, bidi) in subject, body, name and company.

It is shown literally or as visible placeholders, clicking it does nothing, nothing crashes, and
under a real pseudo-terminal none of the raw payloads reach the terminal.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.style import Style
from textual.widgets import Input

from inquiry_tui.domain.text import safe_text
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.listing import InquiryRow
from inquiry_tui.services.inbox.thread import thread_detail
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.inquiry_row import RowStyles, inquiry_segments
from inquiry_tui.tui.inbox.reply import ReplyScreen
from inquiry_tui.tui.inbox.screen import InboxScreen
from inquiry_tui.tui.inbox.search import searchable
from inquiry_tui.tui.inbox.thread_view import thread_text
from tests.conftest import FIXED_NOW, ctx_as
from tests.tui.conftest import HOSTILE, HOSTILE_TEXT, add_hostile_inquiry, settle, until

RAW = ["\x1b", "\x9b", "\x00", "\x07", "\r", "\u202e", "\u200b"]
SHOWN = [
    "[@click=app.quit]x[/]",
    "[link='https://evil.example']Pay[/link]",
    "[RED]",
    "[/bold]",
    "x[/",
    "trailing\\",
    "␛]52;c;",
    "␛]0;PWNED-TITLE␇",
    "⟨U+009B⟩31m",
    "nul␀byte",
    "carriage␍return",
    "⟨U+202E⟩txt.exe",
    "zero⟨U+200B⟩width",
]


def _no_raw(text: str) -> None:
    for raw in RAW:
        assert raw not in text, f"raw {raw!r} reached the screen"


@pytest.mark.parametrize("login", ["boss", "ana"])
async def test_the_inbox_shows_hostile_text_literally_and_survives_everything(store_ctx: Ctx, login: str) -> None:
    inquiry_id = add_hostile_inquiry(store_ctx, "ana")
    app = InquiryApp(ctx_as(store_ctx, login))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one(InquiryList)
        assert listing.current is not None and listing.current.id == inquiry_id
        svg = app.export_screenshot()
        _no_raw(svg)
        for shown in ("[@click=app.quit]x[/]", "␛]52;c;", "⟨U+202E⟩txt.exe", "nul␀byte"):
            assert shown.replace("'", "&#x27;").replace("&", "&amp;") in svg or shown in svg.replace("&#160;", " ")
        # Click everything the buyer wrote: list row, thread pane, profile pane. Nothing happens.
        for selector in ("#inquiries", "#thread", "#profile"):
            for offset in ((4, 1), (10, 2), (20, 3), (12, 5)):
                await pilot.click(selector, offset=offset)
            await settle(pilot)
        assert app.is_running and isinstance(app.screen, InboxScreen)
        await pilot.press("tab", "tab", "tab", "shift+tab")
        await pilot.press("r")  # the reply editor names the buyer and the subject
        await settle(pilot)
        assert isinstance(app.screen, ReplyScreen)
        _no_raw(app.export_screenshot())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"PWNED", "enter")
        await settle(pilot)
        assert listing.current is not None and listing.current.id == inquiry_id
        _no_raw(app.export_screenshot())
        await pilot.press("escape", "ctrl+p")
        await pilot.press(*"Mallory")
        await settle(pilot)  # the palette's search is a worker: its hits are listed once it ends
        _no_raw(app.export_screenshot())
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and not app.unexpected_errors


async def test_hostile_search_terms_are_text(store_ctx: Ctx) -> None:
    app = InquiryApp(store_ctx)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InboxScreen)
        for terms in [*HOSTILE, '" OR 1 NEAR(', "subject:x", "*", "NOT a", "\x00"]:
            screen.run_search(terms)
            await settle(pilot)
            _no_raw(app.export_screenshot())
        box = screen.query_one("#search", Input)
        box.value = HOSTILE_TEXT  # as a paste would
        await until(pilot, lambda: screen.search_terms == searchable(HOSTILE_TEXT).strip(), "the pasted search runs")
        _no_raw(box.value)
        _no_raw(app.export_screenshot())
        assert app.is_running and not app.unexpected_errors


def test_thread_text_has_every_hostile_string_as_placeholders(store_ctx: Ctx) -> None:
    inquiry_id = add_hostile_inquiry(store_ctx, "boss")
    detail = thread_detail(store_ctx, inquiry_id)
    shown = thread_text(detail, FIXED_NOW, UTC).plain
    _no_raw(shown)
    for literal in SHOWN:
        assert literal in shown, literal
    assert "zero⟨U+200B⟩width" in shown.split("Body:")[1]  # a NUL hides nothing after it


_STYLES = RowStyles(*(Style() for _ in range(8)))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=80), st.text(max_size=40), st.integers(min_value=20, max_value=140))
def test_a_list_row_is_exactly_its_width_and_never_raw(subject: str, name: str, width: int) -> None:
    row = InquiryRow(
        id=1,
        key=("2026-11-23 09:00:00.000000", 1),
        received_at=FIXED_NOW,
        subject=subject,
        buyer_id=1,
        buyer_name=name,
        buyer_company="",
        country=None,
        verified=True,
        tier=None,
        owner_login="ana",
        channel="inquiry",
        folder="inbox",
        is_junk=False,
        unread=True,
        tagged=True,
        replied=False,
        auto_replies=1,
        overdue=True,
        version=1,
    )
    segments = inquiry_segments(row, width, _STYLES, datetime(2026, 11, 23, 10, tzinfo=UTC), UTC)
    text = "".join(s.text for s in segments)
    from rich.cells import cell_len

    assert cell_len(text) == width
    _no_raw(text)
    assert safe_text(text) == text


def test_hostile_rows_come_back_whole_from_the_store(store_ctx: Ctx) -> None:
    inquiry_id = add_hostile_inquiry(store_ctx, "boss")
    row = inbox.page_after(store_ctx, "all", None, 1)[0]
    assert row.id == inquiry_id and row.subject.endswith("zero\u200bwidth")  # not cut at the NUL
    assert inbox.search(store_ctx, "PWNED").rows[0].id == inquiry_id


# --- a real terminal --------------------------------------------------------------------------

_SCRIPT = "import sys; sys.argv = ['inquiry-tui', '--db', sys.argv[1]]; from inquiry_tui.cli import main; main()"


def _read(fd: int, until: float, out: bytearray, stop: bytes | None = None) -> None:
    while time.monotonic() < until:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            out.extend(chunk)
            if stop is not None and stop in out:
                return


def test_no_raw_payload_reaches_a_real_terminal(store_ctx: Ctx, tmp_path: Path) -> None:
    add_hostile_inquiry(store_ctx, "boss")
    db = store_ctx.url.removeprefix("sqlite:///")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "INQUIRY_TUI_LOGIN": "boss", "COLUMNS": "140", "LINES": "40"}
    env.pop("TEXTUAL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, db],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
        cwd=tmp_path,
    )
    os.close(slave)
    out = bytearray()
    try:
        _read(master, time.monotonic() + 40, out, stop=b"PWNED-TITLE")
        assert b"PWNED-TITLE" in out, out[-2000:].decode("utf-8", "replace")
        # Move, change panes, quit: the app handles the keys in order, drawing each step, and
        # everything it drew is read until it exits (the deadline is only a safety net).
        os.write(master, b"jk\t\tq")
        _read(master, time.monotonic() + 30, out)
        process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert process.returncode == 0, out[-2000:].decode("utf-8", "replace")
    assert b"\x1b]52" not in out  # clipboard write
    assert b"\x1b]0;PWNED" not in out and b"\x1b]0;" not in out  # title change
    assert "\x9b".encode() not in out  # one-byte CSI (UTF-8 encoded C1)
    assert b"\x00" not in out
    assert "\u202e".encode() not in out and "\u200b".encode() not in out
    assert "␛]52;c;".encode() in out  # what was sent is still visible, as placeholders
    assert b"Traceback" not in out
