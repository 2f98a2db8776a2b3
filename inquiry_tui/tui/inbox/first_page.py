"""The reader's zone and the inbox's first page, read while Textual loads: the first frame shows the page.

Opening the TUI from the command line (`cli/state.py`, `open_tui`) starts this read in a thread of its
own as soon as `connect` has checked who is acting, before the app's modules are imported. The read is
the one the inbox's start makes (`InboxScreen._start`: the acting account's zone, then the newest page of
its first folder), each in a read transaction that checks the account first, as every read does. It
takes a few ms at 1M; the imports take some tenths of a second, so the inbox finds the page read when it
mounts and draws it in its first frame, instead of a frame of an empty list, a worker for the zone and
another for the page (docs/performance.md, "Start without typer, session 16").

Taken once, by the first inbox on the same context, for the same folder and page size. When the read is
not done yet, it failed (a store error, the account deactivated meanwhile) or anything else is asked,
the inbox reads as it always did, in its workers: its errors come up as they always have.

No Textual here: this module is imported before it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inquiry_tui.services.context import Ctx
    from inquiry_tui.services.inbox.listing import Window

FOLDER = "all"  # the folder the inbox opens on (InboxScreen.folder)
ROWS = 64  # the list's page (tui/inbox/inquiry_list.py PAGE; a test keeps them equal)


@dataclass(frozen=True)
class FirstPage:
    """What the inbox's start reads: the reader's zone (None: the clock keeps its zone) and the first window."""

    zone_name: str | None
    window: Window


class _Ahead:
    """One read in a thread of its own; its result (or its error) kept for one taker."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.done = threading.Event()
        self.result: FirstPage | None = None
        self.thread = threading.Thread(target=self._read, name="inquiry-first-page", daemon=True)

    def _read(self) -> None:
        try:
            self.result = read_first_page(self.ctx)
        except Exception:  # the inbox reads again in its workers, where the error is reported as ever
            self.result = None
        finally:
            self.done.set()


_ahead: _Ahead | None = None
_lock = threading.Lock()


def read_first_page(ctx: Ctx) -> FirstPage:
    """The zone as `clock.load` reads it, then the first folder's newest page as `InboxScreen._load_window` does."""
    from inquiry_tui.domain.errors import InquiryError
    from inquiry_tui.services.inbox import listing
    from inquiry_tui.services.team.zone import shown_zone

    try:
        zone_name: str | None = shown_zone(ctx)
    except InquiryError:  # as clock.load: the zone in force stays
        zone_name = None
    return FirstPage(zone_name, listing.window(ctx, FOLDER, None, ROWS))


def start(ctx: Ctx) -> None:
    """Start reading CTX's first page in a thread (the command line's `open_tui`, right after `connect`)."""
    global _ahead
    ahead = _Ahead(ctx)
    with _lock:
        _ahead = ahead
    ahead.thread.start()


def take(ctx: Ctx, folder: str, rows: int) -> FirstPage | None:
    """The first page read ahead for CTX, if it is read, read well, and is FOLDER's page of ROWS; else None.

    Once: whatever the answer, later calls get None (a later inbox, a reload, reads the store afresh).
    """
    global _ahead
    with _lock:
        ahead, _ahead = _ahead, None
    if ahead is None or ahead.ctx is not ctx or folder != FOLDER or rows != ROWS or not ahead.done.is_set():
        return None
    return ahead.result
