"""TUI fixtures: a copy of one generated sample store per test, apps on it, and a way to wait for workers.

Generating the 2,000-inquiry sample takes about a second; the TUI tests copy one generated
file instead (a WAL-checkpointed SQLite file copies cleanly).
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import textual._wait
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from inquiry_tui.services.context import Ctx, connect_system
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.synthetic import generate
from inquiry_tui.services.team.accounts import init_company
from inquiry_tui.store.engine import make_engine
from inquiry_tui.store.models import Buyer, Inquiry, Message
from inquiry_tui.tui.app import InquiryApp
from inquiry_tui.tui.common import clock
from tests.conftest import FIXED_NOW, ctx_as, fixed_clock

# Pilot waits after every key and pause until the process looks idle (textual._wait.wait_for_idle):
# it sleeps in slices of 20 ms until one passes with under 1 ms of CPU, so a key cost at least 40 ms of
# sleep, and most of a TUI test's time was those sleeps (the 20-second admin test spent 18 s in them).
# Slices of 5 ms, with the same share of CPU as the bar (a twentieth), halve its time. The idle guess is
# a guess at either length: a test that asserts a worker's result waits for that result (`settle`,
# `until`). Textual is pinned (8.2.8): the two constants are its own.
textual._wait.SLEEP_GRANULARITY = 0.005
textual._wait.SLEEP_IDLE = textual._wait.SLEEP_GRANULARITY / 20

FIXED_OS_USER = "tester"  # audit rows name the OS user; snapshots must not depend on who runs them
HOSTILE = [
    "[@click=app.quit]x[/]",
    "[link='https://evil.example']Pay[/link]",
    "[RED]",
    "[/bold]",
    "x[/",
    "trailing\\",
    "\x1b]52;c;SGVsbG8gd29ybGQ=\x07",
    "\x1b]0;PWNED-TITLE\x07",
    "\x9b31m",
    "nul\x00byte",
    "carriage\rreturn",
    "\u202etxt.exe",
    "zero\u200bwidth",
]
HOSTILE_TEXT = " ".join(HOSTILE)


@pytest.fixture(autouse=True)
def _error_log_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app's error log (platformdirs' state dir) goes under tmp_path, never the developer's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture(autouse=True)
def _clock_reset() -> Iterator[None]:
    """Each test's app starts from no reader's zone (the clock is the process's: tui/common/clock.py)."""
    clock.reset()
    yield
    clock.reset()


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tui-template") / "store.db"
    url = f"sqlite:///{path}"
    system = connect_system(url)
    system.clock = fixed_clock
    system.os_user = FIXED_OS_USER
    init_company(system, "boss", "The Boss")
    boss = ctx_as(system, "boss")
    set_up_company(boss, load_json("company.json"))
    generate(boss, 2000, 20261123)
    system.close()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file so that a copy is whole
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def store_ctx(sample_template: Path, tmp_path: Path) -> Iterator[Ctx]:
    """The main account `boss` on a private copy of the sample store (fixed clock)."""
    path = tmp_path / "store.db"
    shutil.copy(sample_template, path)
    url = f"sqlite:///{path}"
    system = connect_system(url)
    system.clock = fixed_clock
    system.os_user = FIXED_OS_USER
    system.read_engine = make_engine(url, read_only=True)
    yield ctx_as(system, "boss")
    system.close()


def add_hostile_inquiry(ctx: Ctx, owner_login: str = "ana") -> int:
    """The newest inquiry of OWNER_LOGIN: hostile subject, body, buyer name and company."""
    owner = ctx_as(ctx, owner_login).actor.id
    with ctx.write() as session:
        buyer = Buyer(
            email="mallory@evil.example",
            name=f"Mallory {HOSTILE_TEXT}",
            company=f"Evil {HOSTILE_TEXT} Ltd",
            country="US",
            first_seen_at=FIXED_NOW - timedelta(days=1),
            owner_id=owner,
        )
        session.add(buyer)
        session.flush()
        received = FIXED_NOW - timedelta(minutes=1)
        inquiry = Inquiry(
            buyer_id=buyer.id,
            subject=f"Hostile {HOSTILE_TEXT}",
            received_at=received,
            owner_id=owner,  # type: ignore[arg-type]
            rule="sticky",
            last_message_at=received,
            due_at=received + timedelta(hours=24),
        )
        session.add(inquiry)
        session.flush()
        session.add(
            Message(inquiry_id=inquiry.id, direction="in", sent_at=received, body="Body: " + "\n".join(HOSTILE))
        )  # type: ignore[arg-type]
        return int(inquiry.id)  # type: ignore[arg-type]


async def settle(pilot: Pilot[object]) -> None:
    """Wait until no worker runs and the screen has caught up (workers start workers)."""
    app = pilot.app
    for _ in range(100):
        await pilot.pause()  # queued messages are handled: results land, and may start workers
        if not any(w.is_running for w in app.workers):
            await pilot.pause()  # the last results' own messages
            if not any(w.is_running for w in app.workers):
                return
        # A worker's failure is the app's to report (a toast, the log) and the test's to assert: wait for the
        # running workers without raising it here (a failed worker can still be in the manager on a loaded machine).
        running = [worker.wait() for worker in app.workers if worker.is_running]
        await asyncio.gather(*running, return_exceptions=True)
    raise AssertionError("the app never settled")


async def steady(pilot: Pilot[object]) -> None:
    """Settled, with every text field's cursor held still: a snapshot shows the focused field's cursor in every
    run (a blinking one is hidden half the time, and a loaded machine takes a snapshot at any point of it)."""
    await settle(pilot)
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False
    await settle(pilot)


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's snap_compare, with every picture taken `steady` after the test's own run_before."""

    def compare(
        app: object,
        *args: object,
        run_before: Callable[[Pilot[object]], Awaitable[None]] | None = None,
        **kwargs: object,
    ) -> bool:
        async def before(pilot: Pilot[object]) -> None:
            if run_before is not None:
                await run_before(pilot)
            await steady(pilot)

        return snap_compare(app, *args, run_before=before, **kwargs)

    return compare


def make_app(ctx: Ctx) -> InquiryApp:
    return InquiryApp(ctx)


async def until(pilot: Pilot[object], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until CONDITION holds (a debounce timer fired, a worker's result landed), then settle.

    No fixed sleep: each turn is one `pilot.pause()`, and the wait ends as soon as it holds.
    """
    for _ in turns():
        if condition():
            await settle(pilot)
            return
        await pilot.pause()
    raise AssertionError(f"never happened: {what}")


def turns(seconds: float = 30.0) -> Iterator[int]:
    """The turns of a waiting loop until SECONDS have passed: a bound in time, whatever one turn takes (a
    `pilot.pause()` takes from 5 ms on a quiet machine to far more on a loaded one)."""
    end = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < end:
        yield turn
        turn += 1


async def until_in_own_frames(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Let the app run until CONDITION holds, drawing only the frames it draws itself.

    For tests that record the app's frames: every `pilot.pause()` (so `until` and `settle`) ends by drawing
    a frame of its own (Textual's Pilot calls the screen's update), whenever that falls, e.g. between the
    hits and the footer's keys of one change, which the app itself never draws apart."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.005)
