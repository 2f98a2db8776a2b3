"""InboxScreen: folders, the virtual inquiry list, the thread and the buyer's profile, all by keyboard.

Every store call runs in a thread worker and comes back with `call_from_thread`; the event
loop only lays out data. The list asks for pages (`PagesRequested`); the cursor asks for the
thread and the profile, loaded by one coalescing worker so that holding `j` never queues a
backlog: when a load finishes and the cursor has moved on, the next load starts at once
from the newest position. Triage actions live in `InboxActions`, search in `InboxSearch`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, OptionList

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.profile import BuyerProfile, buyer_profile
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.listing import FolderCounts, ListItem, Window
from inquiry_tui.services.inbox.thread import ThreadDetail, thread_detail
from inquiry_tui.services.setup.settings import get_settings
from inquiry_tui.tui.commands import InboxCommands
from inquiry_tui.tui.common.threads import ui
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox.actions import InboxActions
from inquiry_tui.tui.inbox.folder_bar import FOLDER_KEYS, FolderBar
from inquiry_tui.tui.inbox.inquiry_list import PAGE, InquiryList, PageRequest
from inquiry_tui.tui.inbox.search import InboxSearch
from inquiry_tui.tui.inbox.thread_view import ThreadView

NARROW = 140  # below this many columns: list above thread, the profile folded away (p shows it)
# After the cursor's inquiry is shown, its neighbours are loaded too, so that the next move
# paints both panes from memory in the same frame as the cursor (then re-checks the store).
PREFETCH = (1, -1, 2)
REMEMBERED = 64  # thread details and profiles kept for that
REFRESH_SECONDS = 30.0  # counts (and new arrivals from other sessions) are re-read this often


class InboxScreen(InboxSearch, InboxActions, Screen[None]):
    COMMANDS = {InboxCommands}
    BINDINGS = [
        # `?` is the app's; repeated here so that the footer shows it first
        Binding("question_mark", "app.show_keys", "Keys", id="inbox-keys"),
        Binding("slash", "search", "Search", id="inbox-search", tooltip="search subject, messages and buyer company"),
        Binding("r", "reply", "Reply", id="inbox-reply", tooltip="reply, with templates"),
        Binding("t", "toggle_tag", "Tag", id="inbox-tag", tooltip="tag / untag"),
        Binding("s", "toggle_junk", "Junk", id="inbox-junk", tooltip="junk / not junk"),
        Binding("d", "delete", "Delete", id="inbox-delete", tooltip="move to Deleted"),
        Binding("u", "restore", "Restore", id="inbox-restore", tooltip="restore from Deleted (junk returns to Junk)"),
        Binding("a", "assign", "Assign", id="inbox-assign", tooltip="reassign (admin) / hand over (salesperson)"),
        Binding("c", "add_customer", "Customer", id="inbox-customer", tooltip="add the buyer as a customer"),
        Binding("m", "toggle_read", "Read", id="inbox-read", tooltip="mark read / unread"),
        Binding("e", "export", "Export", id="inbox-export", tooltip="export this folder to a file"),
        Binding("p", "toggle_profile", "Profile", id="inbox-profile", tooltip="show / hide the buyer profile"),
        Binding(
            "tab",
            "focus_next",
            "Next pane",
            show=False,
            id="inbox-next-pane",
            tooltip="next pane (folders, list, thread, profile)",
        ),
        Binding(
            "escape",
            "clear_search",
            "Clear search",
            show=False,
            id="inbox-clear-search",
            tooltip="clear the search / back to the list",
        ),
        *(
            Binding(key, f"folder('{folder}')", inbox.FOLDER_TITLES[folder], show=False, id=f"folder-{folder}")
            for folder, key in FOLDER_KEYS.items()
        ),
    ]

    @dataclass
    class PanesUpdated(Message):
        """The thread and profile panes show the inquiry under the cursor (or nothing)."""

        inquiry_id: int | None

    @dataclass
    class Ready(Message):
        """The first page of the inbox is on screen."""

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.folder = "all"
        self.search_terms: str | None = None
        self.ranked = False
        self.counts: FolderCounts | None = None
        self.zone: tzinfo = UTC
        self.show_profile = True
        self._list_token = 0
        self._detail_target: ListItem | None = None
        self._detail_busy = False
        self._profile_for: int | None = None
        self._profile: BuyerProfile | None = None
        self._details: OrderedDict[int, ThreadDetail] = OrderedDict()
        self._profiles: OrderedDict[int, BuyerProfile | None] = OrderedDict()
        self._shown: tuple[int, ThreadDetail | None] | None = None  # what the thread pane shows
        self._ready_sent = False
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="inbox-body"):
            yield FolderBar(id="folders")
            with Container(id="panes"):
                with Vertical(id="list-column"):
                    yield Input(
                        placeholder="Search subject, messages, buyer company (enter; escape clears)", id="search"
                    )
                    yield InquiryList(id="inquiries")
                yield ThreadView(id="thread")
                yield ProfilePane(id="profile")
        yield Footer()

    def _ui(self, callback: Callable[..., Any], *args: Any) -> Any:
        return ui(self, callback, *args)

    @property
    def inquiry_list(self) -> InquiryList:
        return self.query_one(InquiryList)

    @property
    def profile_visible(self) -> bool:
        return self.show_profile and (self.size.width >= NARROW or self.has_class("-show-profile"))

    def on_mount(self) -> None:
        listing = self.inquiry_list
        listing.now = self.ctx.now
        listing.cursor_listener = self._cursor_moved
        listing.focus()
        self._apply_layout()
        self._start()
        self.set_interval(REFRESH_SECONDS, self._periodic_refresh)

    def on_resize(self) -> None:
        self._apply_layout()

    def _apply_layout(self) -> None:
        narrow = self.size.width < NARROW
        self.set_class(narrow, "-narrow")
        self.set_class(narrow and self.show_profile and self.has_class("-profile-wanted"), "-show-profile")
        self.set_class(not narrow and not self.show_profile, "-hide-profile")

    # --- start, folders, reloads --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inbox-start")
    def _start(self) -> None:
        """The company time zone, then the first page (the interactive inbox); counts follow it."""
        try:
            self.zone = ZoneInfo(get_settings(self.ctx).reception.timezone)
        except (InquiryError, ValueError, KeyError):
            self.zone = UTC
        self._ui(self._open_folder, self.folder)

    def _title(self) -> Content:
        if self.search_terms is not None:
            how = "by relevance, newest 500" if self.ranked else "newest first"
            return Content.assemble("Search ", (f"“{truncate(safe_line(self.search_terms), 40)}”", "bold"), f" · {how}")
        count = self.counts.of(self.folder) if self.counts else None
        title = inbox.FOLDER_TITLES[self.folder] + (" · past 30 days" if self.folder == "allocation" else "")
        return Content(title + (f" · {count:,}" if count is not None else ""))

    def _open_folder(
        self, folder: str, anchor: ListItem | None = None, anchor_key: tuple[str, int] | None = None
    ) -> None:
        self.folder = folder
        self.search_terms = None
        self.ranked = False
        self.query_one(FolderBar).show_folder(folder)
        listing = self.inquiry_list
        listing.zone = self.zone
        listing.border_title = self._title()
        listing.begin()
        key = anchor.key if anchor is not None else anchor_key
        self._load_window(self._next_token(), folder, key, None, None)

    def _next_token(self) -> int:
        self._list_token += 1
        return self._list_token

    def reload(self, anchor: ListItem | None = None, position: int | None = None) -> None:
        """Re-read the rows around ANCHOR (kept at POSITION when known), or the search."""
        if self.search_terms is not None:
            self._run_search(self.search_terms, keep_id=anchor.id if anchor else None)
            return
        if anchor is None and position is None and (current := self.inquiry_list.current) is not None:
            anchor = current
        self._load_window(
            self._next_token(), self.folder, anchor.key if anchor else None, position, self.inquiry_list.total
        )

    @work(thread=True, exclusive=True, group="inbox-list")
    def _load_window(
        self, token: int, folder: str, key: tuple[str, int] | None, position: int | None, total: int | None
    ) -> None:
        window = inbox.window(self.ctx, folder, key, PAGE, anchor_position=position)
        self._ui(self._show_window, token, folder, window, total)

    def _show_window(self, token: int, folder: str, window: Window, total: int | None) -> None:
        if token != self._list_token or folder != self.folder or self.search_terms is not None:
            return
        known = self.counts.of(folder) if self.counts else None
        size = window.total if window.total is not None else (known if known is not None else (total or 0))
        listing = self.inquiry_list
        listing.reset(
            size,
            window.first_position,
            window.rows,
            cursor=window.anchor_position,
            empty_text=f"No inquiries in {inbox.FOLDER_TITLES[folder]}",
        )
        listing.border_title = self._title()
        if not self._ready_sent:
            self._ready_sent = True
            self.call_after_refresh(self.post_message, self.Ready())
            # Counting a million rows takes a moment: after the first page is on screen.
            self._refresh_counts()

    def action_folder(self, folder: str) -> None:
        self._hide_search()
        self._open_folder(folder)
        self.inquiry_list.focus()

    @on(OptionList.OptionSelected, "#folders")
    def _folder_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.action_folder(event.option.id)

    def open_inquiry(self, inquiry_id: int, key: tuple[str, int], folder_state: str) -> None:
        """Show one inquiry (from the palette): its folder, with the cursor on it."""
        self._hide_search()
        self._open_folder({"inbox": "all"}.get(folder_state, folder_state), anchor_key=key)
        self.inquiry_list.focus()

    # --- counts -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inbox-counts")
    def _refresh_counts(self, follow_changes: bool = False) -> None:
        counts = inbox.folder_counts(self.ctx)
        self._ui(self._show_counts, counts, follow_changes)

    def _show_counts(self, counts: FolderCounts, follow_changes: bool = False) -> None:
        before = self.counts
        self.counts = counts
        self.query_one(FolderBar).set_counts(counts)
        if self.search_terms is not None:
            return
        listing = self.inquiry_list
        listing.set_total(listing.epoch, counts.of(self.folder))
        listing.border_title = self._title()
        if follow_changes and before is not None and before.of(self.folder) != counts.of(self.folder):
            # Another session changed this folder (new arrivals, a colleague's triage):
            # re-read around the cursor. Our own actions adjust the list themselves.
            self.reload()

    def _periodic_refresh(self) -> None:
        self._refresh_counts(follow_changes=True)

    # --- pages --------------------------------------------------------------------------------

    def on_inquiry_list_pages_requested(self, message: InquiryList.PagesRequested) -> None:
        message.stop()
        self._fetch_pages(message.requests, self.folder, self.search_terms, self.ranked, self.inquiry_list.total)

    @work(thread=True, group="inbox-pages")
    def _fetch_pages(
        self, requests: tuple[PageRequest, ...], folder: str, terms: str | None, ranked: bool, total: int
    ) -> None:
        listing = self.inquiry_list
        for request in requests:
            more = False
            if terms is not None:
                if ranked or request.mode != "after" or request.bound is None:
                    continue
                found = inbox.search(self.ctx, terms, after_id=request.bound.id, limit=PAGE)
                rows: list[ListItem] = list(found.rows)
                more = found.more
            elif request.mode == "after":
                rows = inbox.page_after(self.ctx, folder, request.bound.key if request.bound else None, PAGE)
            elif request.mode == "before":
                assert request.bound is not None
                rows = inbox.page_before(self.ctx, folder, request.bound.key, PAGE)
            else:
                rows = inbox.page_at(self.ctx, folder, request.page * PAGE, PAGE, total, request.hint)
            self._ui(listing.add_page, request.epoch, request, rows, more)

    def on_inquiry_list_resync_requested(self, message: InquiryList.ResyncRequested) -> None:
        message.stop()
        self.reload(message.item)

    # --- thread and profile -------------------------------------------------------------------

    def on_inquiry_list_highlighted(self, message: InquiryList.Highlighted) -> None:
        message.stop()
        self._want_detail(message.item)

    def _want_detail(self, item: ListItem | None, *, force_profile: bool = False) -> None:
        if force_profile:
            self._profile_for = None
            self._details.clear()
            self._profiles.clear()
        self._detail_target = item
        if item is None:
            self.query_one(ThreadView).show_message("No inquiry selected")
            self._shown = None
            self._set_profile(None)
            self._profile_for = None
            self.post_message(self.PanesUpdated(None))
            return
        self._paint_from_memory(item)
        # Always (re)read the store too: another session may have changed the thread meanwhile.
        # When the panes were painted from memory, that waits for the frame: a worker running
        # Python beside the compositor would slow the frame down (they share the GIL).
        if not self._detail_busy:
            self._detail_busy = True
            if self._shown is not None and self._shown[0] == item.id:
                self.call_after_refresh(self._load_detail, item)
            else:
                self._load_detail(item)

    def _cursor_moved(self, item: ListItem | None) -> None:
        """The list's cursor moved (Highlighted follows): a load in flight now serves ITEM."""
        if item is not None:
            self._detail_target = item
            self._paint_from_memory(item)

    def _paint_from_memory(self, item: ListItem | None) -> None:
        """Show ITEM's thread and profile now if they were prefetched (and are not shown yet)."""
        if item is None:
            return
        detail = self._details.get(item.id)
        buyer_id = item.inquiry.buyer_id
        if detail is None or (self.profile_visible and buyer_id not in self._profiles):
            return
        if self._shown != (item.id, detail) or (self.profile_visible and self._profile_for != buyer_id):
            self._paint(item, detail, self._profiles.get(buyer_id))

    @work(thread=True, group="inbox-detail")
    def _load_detail(self, item: ListItem) -> None:
        try:
            following: ListItem | None = item
            while following is not None:
                item = following
                detail, profile = self._fetch(item, always_profile=False)
                following = self._ui(self._show_detail, item, detail, profile)
        except BaseException:
            self._ui(setattr, self, "_detail_busy", False)
            raise
        self._prefetch(item)

    def _fetch(
        self, item: ListItem, *, always_profile: bool
    ) -> tuple[ThreadDetail | InquiryError, BuyerProfile | InquiryError | None]:
        """(In a worker) the thread of ITEM and, when the pane needs it, its buyer's profile."""
        detail: ThreadDetail | InquiryError
        try:
            detail = thread_detail(self.ctx, item.id)
        except InquiryError as error:
            detail = error
        buyer_id = item.inquiry.buyer_id
        profile: BuyerProfile | InquiryError | None = self._profile
        if self.profile_visible and (always_profile or buyer_id != self._profile_for):
            try:
                profile = buyer_profile(self.ctx, buyer_id)
            except InquiryError as error:
                profile = error
        return detail, profile

    def _prefetch(self, item: ListItem) -> None:
        """(In a worker) load the neighbours of ITEM while the cursor rests on it."""
        for neighbour in self._ui(self._neighbours, item) or ():
            if self._detail_target is not item:
                return  # the cursor moved on: its own load prefetches around it
            detail, profile = self._fetch(neighbour, always_profile=neighbour.inquiry.buyer_id not in self._profiles)
            self._ui(self._remember, neighbour, detail, profile)

    def _neighbours(self, item: ListItem) -> list[ListItem]:
        listing = self.inquiry_list
        position = listing.position_of(item.id)
        if position is None:
            return []
        found = (listing.item_at(position + step) for step in PREFETCH if position + step >= 0)
        return [n for n in found if n is not None and n.id not in self._details]

    def _remember(
        self, item: ListItem, detail: ThreadDetail | InquiryError, profile: BuyerProfile | InquiryError | None
    ) -> None:
        if isinstance(detail, InquiryError) or isinstance(profile, InquiryError):
            return
        self._details[item.id] = detail
        self._details.move_to_end(item.id)
        if self.profile_visible:
            self._profiles[item.inquiry.buyer_id] = profile
            self._profiles.move_to_end(item.inquiry.buyer_id)
        for memory in (self._details, self._profiles):
            while len(memory) > REMEMBERED:
                memory.popitem(last=False)

    def _show_detail(
        self, item: ListItem, detail: ThreadDetail | InquiryError, profile: BuyerProfile | InquiryError | None
    ) -> ListItem | None:
        """Apply a load if it is still wanted; return the next item to load, if the cursor moved."""
        target = self._detail_target
        if target is not None and target != item:
            return target
        self._detail_busy = False  # on the event loop: a new highlight now starts a new load
        if target is None:
            return None
        self._remember(item, detail, profile)
        shown_profile = self._profile if not self.profile_visible or isinstance(profile, InquiryError) else profile
        if isinstance(detail, InquiryError) or self._shown != (item.id, detail) or shown_profile != self._profile:
            self._paint(item, detail, profile)
        return None

    def _paint(
        self, item: ListItem, detail: ThreadDetail | InquiryError, profile: BuyerProfile | InquiryError | None
    ) -> None:
        """Show ITEM's thread (and its buyer's profile when the pane is visible)."""
        view = self.query_one(ThreadView)
        if isinstance(detail, InquiryError):
            view.show_message(str(detail))
            self._shown = None
        else:
            view.show(detail, self.ctx.now(), self.zone)
            self._shown = (item.id, detail)
        if self.profile_visible:
            self._profile = None if isinstance(profile, InquiryError) else profile
            self._profile_for = item.inquiry.buyer_id
            self._set_profile(self._profile)
        self.post_message(self.PanesUpdated(item.id))

    def _set_profile(self, profile: BuyerProfile | None) -> None:
        """Hand the pane its profile with a repaint of the pane only.

        ProfilePane.profile is a layout reactive; assigning it would lay out and repaint the
        whole screen on every cursor move (about 4 full frames), while the pane's size never
        depends on the profile. So the value is set quietly and the pane repainted.
        """
        pane = self.query_one(ProfilePane)
        if pane.profile is profile:
            return
        pane.set_reactive(ProfilePane.profile, profile)
        watcher = getattr(pane, "watch_profile", None)
        if watcher is not None:
            watcher(profile)
        pane.refresh()

    def action_toggle_profile(self) -> None:
        if self.size.width < NARROW:
            wanted = not self.has_class("-profile-wanted")
            self.set_class(wanted, "-profile-wanted")
            self.show_profile = True
        else:
            self.show_profile = not self.show_profile
        self._apply_layout()
        if self.profile_visible:
            self._want_detail(self.inquiry_list.current, force_profile=True)

    # --- search -------------------------------------------------------------------------------
