"""NoticesScreen (`8`): the acting account's notices, newest first, read one by one or all at once.

`enter` opens what a notice is about (an inquiry in the inbox, a call in Calls) and marks it
read; `m` marks it read; `M` marks all read; `u` shows unread ones only. Opening the screen
(and `r`) runs the overdue check first, so a warning due now is in the list. Notice text may
quote buyers: it is drawn literally (KeysetList, safe_text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import cast

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from inquiry_tui.domain.text import safe_text
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import PAGE, NoticeRow, mark_read, notices, unread_count
from inquiry_tui.services.notices.producers import check_overdue
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.keyset_list import KeysetList
from inquiry_tui.tui.notices import NOTICES_CSS
from inquiry_tui.tui.notices.background import NoticesChanged


class NoticeList(KeysetList[NoticeRow]):
    COLUMNS = (("", 1), ("When", 16), ("Kind", 19), ("Notice", 0))
    EMPTY = "No notices"
    zone: tzinfo = UTC

    def cells(self, row: NoticeRow) -> list[str]:
        return [
            "" if row.read else "•",
            clock.stamp(row.created_at, self.zone),
            row.title,
            row.text,
        ]

    def row_style(self, row: NoticeRow) -> Style | None:
        return None if not row.read else Style(dim=True)


class NoticesScreen(Screen[None], WorkerErrors):
    CSS_PATH = NOTICES_CSS
    BINDINGS = [
        Binding("enter", "open_notice", "Open", id="notices-open", tooltip="open what it is about; marks it read"),
        Binding("m", "mark_read", "Read", id="notices-read", tooltip="mark the notice read"),
        Binding("M", "mark_all_read", "All read", id="notices-all-read", tooltip="mark every notice read"),
        Binding("u", "toggle_unread", "Unread only", id="notices-unread", tooltip="show unread notices only / all"),
        Binding("r", "reload", "Refresh", id="notices-refresh"),
    ]

    @dataclass
    class Loaded(Message):
        generation: int
        rows: list[NoticeRow]
        unread: int
        zone: str

    @dataclass
    class MoreLoaded(Message):
        generation: int
        rows: list[NoticeRow]

    @dataclass
    class Marked(Message):
        changed: int
        open_after: NoticeRow | None

    @dataclass
    class InquiryGone(Message):
        inquiry_id: int

    @dataclass
    class InquiryFound(Message):
        inquiry_id: int
        key: tuple[str, int]
        folder: str

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.unread_only = False
        self.generation = 0
        self.unread = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="notices-status")
        yield NoticeList(id="notice-list")
        yield Static("", id="notice-text")
        yield KeysFooter()

    @property
    def listing(self) -> NoticeList:
        return self.query_one(NoticeList)

    def on_mount(self) -> None:
        self.listing.focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.generation:  # shown again (its mode's key): read what came meanwhile
            self.action_reload(keep_cursor=True)

    # --- loading -------------------------------------------------------------------------------

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        if self.generation:
            self.action_reload(keep_cursor=True)

    def action_reload(self, keep_cursor: bool = False) -> None:
        self.generation += 1
        self.keep_cursor = keep_cursor
        self._load(self.generation, self.unread_only)

    @work(thread=True, exclusive=True, group="notices-load", exit_on_error=False)
    def _load(self, generation: int, unread_only: bool) -> None:

        check_overdue(self.ctx)
        rows = notices(self.ctx, unread_only=unread_only)
        clock.load(self.ctx)
        zone = clock.zone_name()
        self.post_message(self.Loaded(generation, rows, unread_count(self.ctx), zone))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.generation != self.generation:
            return
        from zoneinfo import ZoneInfo

        self.listing.zone = ZoneInfo(event.zone)
        self.unread = event.unread
        self.listing.reset(event.rows, len(event.rows) < PAGE, keep_cursor=self.keep_cursor)
        self._status()
        self.app.post_message(NoticesChanged())

    @on(KeysetList.MoreWanted)
    def _more_wanted(self, event: KeysetList.MoreWanted) -> None:
        event.stop()
        last = self.listing.rows[-1] if self.listing.rows else None
        if last is not None:
            self._more(self.generation, self.unread_only, last.id)

    @work(thread=True, exclusive=True, group="notices-more", exit_on_error=False)
    def _more(self, generation: int, unread_only: bool, before_id: int) -> None:
        self.post_message(self.MoreLoaded(generation, notices(self.ctx, unread_only=unread_only, before_id=before_id)))

    @on(MoreLoaded)
    def _more_loaded(self, event: MoreLoaded) -> None:
        if event.generation == self.generation:
            self.listing.add_rows(event.rows, len(event.rows) < PAGE)

    def _status(self) -> None:
        shown = len(self.listing.rows)
        text = Text(f"{self.unread:,} unread", style="bold" if self.unread else "")
        text.append(f" · {'unread only' if self.unread_only else 'all notices'}, newest first", style="dim")
        text.append(f" · {shown:,}{'+' if not self.listing.complete else ''} shown", style="dim")
        self.query_one("#notices-status", Static).update(text)

    @on(KeysetList.Highlighted)
    def _highlighted(self, event: KeysetList.Highlighted) -> None:
        event.stop()
        row = self.listing.current
        pane = self.query_one("#notice-text", Static)
        if row is None:
            pane.update(Text("", style="dim"))
            return
        text = Text(row.title, style="bold")
        text.append(f"  {clock.stamp(row.created_at, self.listing.zone)}", style="dim")
        if row.ref_kind in ("inquiry", "call"):
            text.append(f"  · enter opens the {row.ref_kind} #{row.ref_id}", style="dim")
        text.append("\n")
        text.append(safe_text(row.text))
        pane.update(text)

    # --- actions -------------------------------------------------------------------------------

    def action_toggle_unread(self) -> None:
        self.unread_only = not self.unread_only
        self.action_reload()

    def action_mark_read(self) -> None:
        row = self.listing.current
        if row is not None and not row.read:
            self._mark([row.id], None)

    def action_mark_all_read(self) -> None:
        if self.unread:
            self._mark(None, None)

    def action_open_notice(self) -> None:
        row = self.listing.current
        if row is None:
            return
        if row.read:
            self._open(row)
        else:
            self._mark([row.id], row)

    @work(thread=True, exclusive=True, group="notices-mark", exit_on_error=False)
    def _mark(self, ids: list[int] | None, open_after: NoticeRow | None) -> None:
        self.post_message(self.Marked(mark_read(self.ctx, ids), open_after))

    @on(Marked)
    def _marked(self, event: Marked) -> None:
        if event.changed:
            self.notify(f"{event.changed} notice{'s' if event.changed != 1 else ''} marked read.", markup=False)
        self.action_reload(keep_cursor=True)
        if event.open_after is not None:
            self._open(event.open_after)

    def _open(self, row: NoticeRow) -> None:
        if row.ref_kind == "inquiry" and row.ref_id.isdigit():
            self._find_inquiry(int(row.ref_id))
        elif row.ref_kind == "call":
            self.app.switch_mode("calls")

    @work(thread=True, exclusive=True, group="notices-find", exit_on_error=False)
    def _find_inquiry(self, inquiry_id: int) -> None:
        from inquiry_tui.services.inbox.listing import find_inquiries

        hits = [h for h in find_inquiries(self.ctx, f"#{inquiry_id}") if h.id == inquiry_id]
        if not hits:
            self.post_message(self.InquiryGone(inquiry_id))
            return
        self.post_message(self.InquiryFound(hits[0].id, hits[0].key, hits[0].folder))

    @on(InquiryGone)
    def _inquiry_gone(self, event: InquiryGone) -> None:
        self.notify(f"Inquiry #{event.inquiry_id} is not yours any more (or was purged).", severity="warning")

    @on(InquiryFound)
    async def _inquiry_found(self, event: InquiryFound) -> None:
        from inquiry_tui.tui.inbox.finder import OpensInquiries

        await self.app.switch_mode("inbox")
        inbox = cast(OpensInquiries, self.app.screen)
        inbox.open_inquiry(event.inquiry_id, event.key, event.folder)
