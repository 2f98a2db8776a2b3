"""InboxScreen: folders, the virtual inquiry list, the thread and the buyer's profile, all by keyboard.

Every store call runs in a thread worker whose result comes back as a message; the event loop
only lays out data. The list asks for pages (`PagesRequested`) and this screen reads them, for
a folder or a search. The thread and profile panes are loaded by `ReadingPanes`, the triage
keys run through `InboxActions`; both reach this screen through small protocols, and it hands
their workers' messages back to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, OptionList

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.services.inbox.listing import FolderCounts, ListItem, Window
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.pending_updates import frame_should_wait
from inquiry_tui.tui.common.span_compositor import use_span_compositor
from inquiry_tui.tui.customers.profile_pane import ProfilePane
from inquiry_tui.tui.inbox import INBOX_CSS, actions, first_page, loaded, panes
from inquiry_tui.tui.inbox.actions import InboxActions
from inquiry_tui.tui.inbox.finder import InquiryFinder
from inquiry_tui.tui.inbox.folder_bar import FolderBar
from inquiry_tui.tui.inbox.inquiry_list import LADDER_STEP, PAGE, InquiryList, ListPlace, PageRequest
from inquiry_tui.tui.inbox.inquiry_row import BADGE_HELP
from inquiry_tui.tui.inbox.keys import INBOX_KEYS
from inquiry_tui.tui.inbox.panes import ReadingPanes
from inquiry_tui.tui.inbox.search import SearchBox, searchable
from inquiry_tui.tui.inbox.thread_view import ThreadView

NARROW = 140  # below this many columns: list above thread, the profile folded away (p shows it)
REFRESH_SECONDS = 30.0  # counts (and new arrivals from other sessions) are re-read this often
SEARCHING_AFTER = 0.1  # a search whose hits take longer says "searching…" in the list's title meanwhile


class InboxScreen(Screen[None], WorkerErrors):
    CSS_PATH = INBOX_CSS
    COMMANDS = {InquiryFinder}
    HELP = BADGE_HELP
    BINDINGS = INBOX_KEYS

    # Textual repaints the whole screen when the focus moves (`Screen.focused` repaints); the
    # widgets that gain and lose it restyle and repaint themselves already. `/` and enter move it
    # between the list and the search field: a whole frame each, not two widgets.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    @dataclass
    class PanesUpdated(Message):
        """The thread and profile panes show the inquiry under the cursor (or nothing)."""

        inquiry_id: int | None

    @dataclass
    class Ready(Message):
        """The first page of the inbox is on screen."""

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        # A key's frame renders and cuts only the widgets under its dirty spans (span_compositor.py).
        use_span_compositor(self)
        self.ctx = ctx
        self.folder = "all"
        self.search_terms: str | None = None
        self.ranked = False
        self.counts: FolderCounts | None = None
        self.zone: tzinfo = UTC
        self.show_profile = True
        self._list_token = 0
        self._search_waiting: int | None = None  # the search whose hits are awaited (its list token)
        self._folder_place: tuple[str, ListPlace] | None = None  # the folder's list while a search is shown
        self._searching_timer: Timer | None = None
        self._ready_sent = False
        self._first_page_painted = False  # the panes wait for the first page's frame (_first_page_shown)
        self._ladder_for: int | None = None  # the list epoch whose key ladder was asked for
        self._draw_at_once = False  # the next frame shows what a key asked for: drawn on idle, not on the timer
        self.actions = InboxActions(self)
        self.panes: ReadingPanes | None = None  # on mount, with its widgets
        self._window_ahead: tuple[str, Window] | None = None  # the first page, read before the app (first_page.py)

    def compose(self) -> ComposeResult:
        # Over the header line in a layer of its own (inbox.tcss), and first: showing it moves nothing.
        yield SearchBox(placeholder="Search subject, messages, buyer company (enter; escape clears)", id="search")
        yield Header(show_clock=False)
        with Horizontal(id="inbox-body"):
            yield FolderBar(id="folders")
            with Container(id="panes"):
                yield InquiryList(id="inquiries")  # (no column of its own: every container is drawn in every frame)
                yield ThreadView(id="thread")
                yield ProfilePane(id="profile")
        yield KeysFooter()

    @property
    def inquiry_list(self) -> InquiryList:
        return self.query_one(InquiryList)

    @property
    def search_box(self) -> SearchBox:
        return self.query_one(SearchBox)

    @property
    def profile_visible(self) -> bool:
        return self.show_profile and (self.size.width >= NARROW or self.has_class("-show-profile"))

    def on_mount(self) -> None:
        self.panes = ReadingPanes(self, self.query_one(ThreadView), self.query_one(ProfilePane), self._panes_painted)
        listing = self.inquiry_list
        listing.now = self.ctx.now
        listing.cursor_listener = self._cursor_moved
        listing.focus()
        self._apply_layout()
        first = first_page.take(self.ctx, self.folder, PAGE)
        if first is None:
            self._start()
        else:
            # The zone and the first page were read while the app loaded (first_page.py): shown in the first frame.
            self._window_ahead = (self.folder, first.window)
            zone = clock.use(first.zone_name) if first.zone_name is not None else clock.zone()
            self._started(loaded.Started(zone))
        self.set_interval(REFRESH_SECONDS, self._periodic_refresh)

    def on_resize(self) -> None:
        self._apply_layout()

    # --- frames -------------------------------------------------------------------------------

    async def _on_idle(self, event: events.Idle) -> None:
        # Textual draws a frame on its next 60 fps tick after the screen goes idle: a key right after a
        # frame (the key repeat, a key that follows the panes' frame) waited up to 16.7 ms for it. The frame
        # that shows what a key asked for (the cursor's row, the panes that follow it) is drawn as soon as
        # the screen is idle; other frames keep the timer. (Screen._on_idle runs after this one: with
        # nothing dirty left, it runs the callbacks waiting for the frame.)
        if not self._draw_at_once or not self.is_current or self.app._batch_count:
            return
        if frame_should_wait(self):
            # What this screen's own handler changed (a search's hits, a jump's page, escape) has not reached
            # it from every widget yet: this handler runs again once it has, and draws then.
            event.prevent_default()  # (not the callbacks waiting for the frame: it has not been drawn)
            return
        if self._dirty_widgets or self._layout_required or self._scroll_required or self._repaint_required:
            self._draw_at_once = False
            self._on_timer_update()

    def _cursor_moved(self, item: ListItem | None) -> None:
        """The list's cursor is on ITEM (a key, or its page came): its frame at once, the panes from memory."""
        self._draw_at_once = True
        if self.panes is not None:
            self.panes.cursor_moved(item)

    def _apply_layout(self) -> None:
        narrow = self.size.width < NARROW
        # (profile_visible reads the new width already: the old one is told by the classes)
        was_visible = self.show_profile and (not self.has_class("-narrow") or self.has_class("-show-profile"))
        self.set_class(narrow, "-narrow")
        self.set_class(narrow and self.show_profile and self.has_class("-profile-wanted"), "-show-profile")
        self.set_class(not narrow and not self.show_profile, "-hide-profile")
        if self.profile_visible and not was_visible and self.panes is not None:
            # Widened past NARROW: the profile pane, folded away until now, shows the buyer at once.
            self.refresh_panes()

    # --- start, folders, reloads --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="inbox-start", exit_on_error=False)
    def _start(self) -> None:
        """The reader's time zone (their own, else the company's: tui/common/clock.py), then the first page; counts follow it."""
        self.post_message(loaded.Started(clock.load(self.ctx)))

    @on(loaded.Started)
    def _started(self, event: loaded.Started) -> None:
        self.zone = event.zone
        self._open_folder(self.folder)

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        self.zone = clock.zone()
        self.inquiry_list.show_zone(self.zone)
        if self.panes is not None:
            self.panes.times_changed()

    def _title(self) -> Content:
        if self.search_terms is not None:
            how = "by relevance, newest 500" if self.ranked else "newest first"
            return Content.assemble("Search ", (f"“{truncate(safe_line(self.search_terms), 40)}”", "bold"), f" · {how}")
        count = self.counts.of(self.folder) if self.counts else None
        title = inbox.FOLDER_TITLES[self.folder] + (" · past 30 days" if self.folder == "allocation" else "")
        return Content(title + (f" · {count:,}" if count is not None else ""))

    def _open_folder(self, folder: str, anchor_key: tuple[str, int] | None = None) -> None:
        self.folder = folder
        self.search_terms = None
        self.ranked = False
        self._folder_place = None
        self.query_one(FolderBar).show_folder(folder)
        listing = self.inquiry_list
        listing.zone = self.zone
        listing.border_title = self._title()
        listing.begin()
        token = self._next_token()
        ahead, self._window_ahead = self._window_ahead, None
        if ahead is not None and ahead[0] == folder and anchor_key is None:
            self._show_window(loaded.WindowLoaded(token, folder, ahead[1], None))
            return
        self._load_window(token, folder, anchor_key, None, None)

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

    @work(thread=True, exclusive=True, group="inbox-list", exit_on_error=False)
    def _load_window(
        self,
        token: int,
        folder: str,
        key: tuple[str, int] | None,
        position: int | None,
        total: int | None,
        recheck: bool = False,
    ) -> None:
        window = inbox.window(self.ctx, folder, key, PAGE, anchor_position=position)
        self.post_message(loaded.WindowLoaded(token, folder, window, total, recheck))

    @on(loaded.WindowLoaded)
    def _show_window(self, event: loaded.WindowLoaded) -> None:
        folder, window = event.folder, event.window
        if event.token != self._list_token or folder != self.folder or self.search_terms is not None:
            return
        if event.recheck and self.inquiry_list.holds(window.first_position, window.rows):
            return  # the rows put back are the store's: nothing to draw again
        known = self.counts.of(folder) if self.counts else None
        size = window.total if window.total is not None else (known if known is not None else (event.total or 0))
        listing = self.inquiry_list
        listing.reset(
            size,
            window.first_position,
            window.rows,
            cursor=window.anchor_position,
            empty_text=f"No inquiries in {inbox.FOLDER_TITLES[folder]}",
        )
        listing.border_title = self._title()
        self._want_ladder()
        if not self._ready_sent:
            self._ready_sent = True
            self.call_after_refresh(self._first_page_shown)

    def _first_page_shown(self) -> None:
        """After the first page's frame: Ready, then the panes and the counts (their workers would share the GIL
        and the disk with that frame; counting a million rows takes a moment)."""
        self._first_page_painted = True
        self.post_message(self.Ready())
        if self.panes is not None:
            self.panes.want(self.inquiry_list.current)
        self.refresh_counts()

    def _want_ladder(self) -> None:
        """Read the key ladder of the rows shown when jumps would walk far without it (once their count is known)."""
        listing = self.inquiry_list
        if not self._first_page_painted:
            return  # not beside the first page's frame: the counts, read after it, ask again (_show_counts)
        if listing.wants_ladder and self.search_terms is None and self._ladder_for != listing.epoch:
            self._ladder_for = listing.epoch
            self._read_ladder(listing.epoch, self.folder)

    @work(thread=True, exclusive=True, group="inbox-ladder", exit_on_error=False)
    def _read_ladder(self, epoch: int, folder: str) -> None:
        """The key ladder of the rows just shown: jumps then seek from a rung, not from the top."""
        self.post_message(loaded.LadderLoaded(epoch, inbox.key_ladder(self.ctx, folder, LADDER_STEP)))

    @on(loaded.LadderLoaded)
    def _ladder_loaded(self, event: loaded.LadderLoaded) -> None:
        self.inquiry_list.set_ladder(event.epoch, event.rungs)

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

    def refresh_counts(self, follow_changes: bool = False) -> None:
        self._count_folders(follow_changes)

    @work(thread=True, exclusive=True, group="inbox-counts", exit_on_error=False)
    def _count_folders(self, follow_changes: bool) -> None:
        self.post_message(loaded.CountsLoaded(inbox.folder_counts(self.ctx), follow_changes))

    @on(loaded.CountsLoaded)
    def _show_counts(self, event: loaded.CountsLoaded) -> None:
        before, counts = self.counts, event.counts
        self.counts = counts
        self.query_one(FolderBar).set_counts(counts)
        if self.search_terms is not None:
            return
        listing = self.inquiry_list
        listing.set_total(listing.epoch, counts.of(self.folder))
        listing.border_title = self._title()
        self._want_ladder()
        if event.follow_changes and before is not None and before.of(self.folder) != counts.of(self.folder):
            # Another session changed this folder (new arrivals, a colleague's triage):
            # re-read around the cursor. Our own actions adjust the list themselves.
            self.reload()

    def _periodic_refresh(self) -> None:
        self.refresh_counts(follow_changes=True)

    # --- pages --------------------------------------------------------------------------------

    def on_inquiry_list_pages_requested(self, message: InquiryList.PagesRequested) -> None:
        message.stop()
        layouts = self.panes.layouts() if self.panes is not None else None
        self._fetch_pages(
            message.requests, self.folder, self.search_terms, self.ranked, self.inquiry_list.total, layouts
        )

    @work(thread=True, group="inbox-pages", exit_on_error=False)
    def _fetch_pages(
        self,
        requests: tuple[PageRequest, ...],
        folder: str,
        terms: str | None,
        ranked: bool,
        total: int,
        layouts: panes.Layouts | None,
    ) -> None:
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
            neighbours = self._read_neighbours(request, rows, folder) if request.neighbours else ()
            ahead = None
            offset = -1 if request.cursor is None else request.cursor - request.page * PAGE
            if 0 <= offset < len(rows) and self.panes is not None and layouts is not None:
                # The row under the cursor (a jump's): its panes come in the page's frame (panes.read_with_page).
                read = self.panes.read_with_page(rows[offset], layouts)
                ahead = (rows[offset], read) if read is not None else None
            self.post_message(loaded.PageLoaded(request, rows, more, ahead, neighbours))

    def _read_neighbours(
        self, request: PageRequest, rows: list[ListItem], folder: str
    ) -> tuple[tuple[PageRequest, list[ListItem]], ...]:
        """The pages a jump's viewport shows beside its page, read by keyset from that page's edge rows as
        the list would chain them (in the worker thread); the walk stops at a short page (the folder's
        end, or rows that left it: the list resyncs), and the pages not read are asked for again."""
        read: list[tuple[PageRequest, list[ListItem]]] = []
        first, last = rows, rows  # the edge pages so far, above and below
        for page in request.neighbours:
            if page < request.page:
                if not first or (first is not rows and len(first) < PAGE):
                    break
                bound = first[0]
                first = inbox.page_before(self.ctx, folder, bound.key, PAGE)
                read.append((PageRequest(request.epoch, page, "before", bound, None), first))
            else:
                if len(last) < PAGE:
                    break
                bound = last[-1]
                last = inbox.page_after(self.ctx, folder, bound.key, PAGE)
                read.append((PageRequest(request.epoch, page, "after", bound, None), last))
        return tuple(read)

    @on(loaded.PageLoaded)
    def _add_page(self, event: loaded.PageLoaded) -> None:
        if event.ahead is not None and self.panes is not None and event.request.epoch == self.inquiry_list.epoch:
            self.panes.remember_read(*event.ahead)
        self.inquiry_list.add_page(event.request.epoch, event.request, event.rows, event.more, event.neighbours)
        if self.panes is not None and event.request.epoch == self.inquiry_list.epoch:
            self.panes.page_arrived()

    def on_inquiry_list_resync_requested(self, message: InquiryList.ResyncRequested) -> None:
        message.stop()
        self.reload(message.item)

    # --- thread and profile -------------------------------------------------------------------

    def on_inquiry_list_highlighted(self, message: InquiryList.Highlighted) -> None:
        message.stop()
        if self.panes is None:
            return
        if self._ready_sent and not self._first_page_painted:
            # The first page's frame first: the panes' worker (its reads, and the modules they load the
            # first time) shares the GIL with it. Ready follows that frame; the panes load from there.
            return
        self.panes.want(message.item)

    def refresh_panes(self) -> None:
        if self.panes is not None:
            self.panes.want(self.inquiry_list.current, force_profile=True)

    def _panes_painted(self, inquiry_id: int | None) -> None:
        self._draw_at_once = True  # the panes follow the cursor: their frame at once too
        self.post_message(self.PanesUpdated(inquiry_id))

    @on(panes.PanesMessage)
    def _panes_message(self, event: panes.PanesMessage) -> None:
        if self.panes is not None:
            self.panes.handle(event)

    def action_save_attachment(self) -> None:
        """`w`: save one of the attachments of the inquiry under the cursor (tui.files.save)."""
        from inquiry_tui.tui.files.save import SaveAttachmentScreen

        if (item := self.inquiry_list.current) is None:
            self.notify("No inquiry selected.", severity="warning")
            return
        self.app.push_screen(SaveAttachmentScreen(self.ctx, item.inquiry.id))

    def action_toggle_profile(self) -> None:
        if self.size.width < NARROW:
            wanted = not self.has_class("-profile-wanted")
            self.set_class(wanted, "-profile-wanted")
            self.show_profile = True
        else:
            self.show_profile = not self.show_profile
        self._apply_layout()
        if self.profile_visible:
            self.refresh_panes()

    # --- search -------------------------------------------------------------------------------

    @property
    def searching(self) -> bool:
        """The search field is shown."""
        return self.search_box.display

    def _show_search_box(self, shown: bool) -> None:
        # The field's own style, not a class on the screen: a screen class makes Textual restyle
        # every widget of the screen (and repaint them all) before the one layout it needs.
        box = self.search_box
        if box.display != shown:
            box.display = shown

    def action_search(self) -> None:
        box = self.search_box
        if self.focused is box:
            box.insert_text_at_cursor("/")  # `/` is a priority key (inbox/keys.py): in the field it is typed
            return
        self._show_search_box(True)
        box.handing_over = False
        # At once, not `focus()` (deferred to the app's queue, behind keys already read): the rest of a
        # `/solar` burst is typed into the field.
        self.set_focus(box)

    def _hide_search(self) -> None:
        self._show_search_box(False)
        self.search_box.set_quietly("")

    def action_clear_search(self) -> None:
        """escape: clear the search (back to the folder's row the cursor was on); otherwise back to the list from another pane."""
        if self.search_terms is None and not self.searching:
            self.inquiry_list.focus()
            return
        was_searching = self.search_terms is not None
        self._hide_search()
        self._focus_list_now()  # (in the frame of the folder's rows)
        if was_searching:
            self._back_to_folder()

    def _back_to_folder(self) -> None:
        """The folder's list as it was when the search began: its rows, cursor and viewport from memory
        (the panes, then, as for a cursor move), and then its rows around the cursor read again in case
        they changed meanwhile (shown only if they did). Without a place kept, the folder from its top."""
        kept, self._folder_place = self._folder_place, None
        if kept is None or kept[0] != self.folder or kept[1].current is None:
            self._open_folder(self.folder)
            return
        self.search_terms = None
        self.ranked = False
        self._search_waiting = None
        listing, place = self.inquiry_list, kept[1]
        listing.restore(place)
        listing.border_title = self._title()
        self._want_ladder()
        current = listing.current
        if current is None:
            return
        # The folder's count moved meanwhile (read while the search was shown): rows came or left, the
        # positions put back may be off: read the rows around the cursor again and show them.
        counted = self.counts.of(self.folder) if self.counts is not None else None
        recheck = counted is None or counted == place.total
        # After the frame that shows the rows put back: a read beside the compositor slows it (the GIL).
        self.call_after_refresh(
            self._load_window, self._next_token(), self.folder, current.key, listing.cursor, listing.total, recheck
        )

    @on(SearchBox.Requested)
    def _search_requested(self, event: SearchBox.Requested) -> None:
        if event.terms and (event.terms != self.search_terms or self.ranked):
            self.ranked = False
            # enter: the list takes the focus with the hits, in their frame (a focus change of its
            # own is a frame more, and the footer composing its keys again before the hits); the
            # field hands on the keys pressed meanwhile (it set `handing_over` at enter).
            self._run_search(event.terms)
            return
        if event.submitted:
            self.search_box.handing_over = False
            self.inquiry_list.focus()
        if not event.terms and self.search_terms is not None:
            self._back_to_folder()

    def _hand_over_focus(self) -> None:
        """After enter in the search field: the list takes the focus (the hits are there, or slow)."""
        box = self.search_box
        if box.handing_over:
            box.handing_over = False
            if self.focused is box:
                # At once, not `focus()` (deferred to the app's queue): the field's look, the list's and
                # the footer's keys change in the frame of the hits, not in one after it.
                self._focus_list_now()

    def _focus_list_now(self) -> None:
        """The list takes the focus now, and the footer shows its keys in the same frame: Textual refreshes
        the bindings (which the footer follows) only after the next frame, a layout and frame more."""
        self.set_focus(self.inquiry_list)
        # The footer takes the list's keys now, not in its own turn when the signal below reaches it: on a
        # loaded machine the hits' frame could come first, with the field's keys under them.
        self.query_one(KeysFooter).bindings_changed(self)
        self.refresh_bindings()

    @on(SearchBox.KeyAfterEnter)
    def _key_after_enter(self, event: SearchBox.KeyAfterEnter) -> None:
        """A key pressed after enter before the hits came: the list's, as if it had the focus already."""
        self.inquiry_list.focus()
        # Sent by the app, as a key from the terminal is: a key sent by this screen would not
        # bubble back up to it (nor its bindings run).
        self.app.post_message(events.Key(event.key, event.character).set_sender(self.app))

    def run_search(self, terms: str, *, ranked: bool = False) -> None:
        """Search from outside the search box (the palette, tests)."""
        terms = searchable(terms)
        self._show_search_box(True)
        self.search_box.set_quietly(terms)
        self.ranked = ranked
        self._run_search(terms)

    def _run_search(self, terms: str, keep_id: int | None = None) -> None:
        listing = self.inquiry_list
        if self.search_terms is None:
            # The folder's list as it is now: escape puts it back (`_back_to_folder`).
            self._folder_place = (self.folder, listing.place())
        self.search_terms = terms
        # The rows shown and their title stay until the hits replace them, with their count and the first
        # hit's panes, in one frame; only a search slower than SEARCHING_AFTER says "searching…" first. (A
        # frame for the title alone, drawn while the search's worker reads, shared the GIL with it.)
        token = self._next_token()
        self._search_waiting = token
        if self._searching_timer is not None:
            self._searching_timer.stop()
        self._searching_timer = self.set_timer(SEARCHING_AFTER, lambda: self._say_searching(token))
        layouts = self.panes.layouts() if self.panes is not None and keep_id is None else None
        self._search(token, terms, self.ranked, keep_id, layouts)

    def _say_searching(self, token: int) -> None:
        if token == self._search_waiting == self._list_token and self.search_terms is not None:
            self.inquiry_list.border_title = self._title() + Content(" · searching…")
            self._hand_over_focus()

    @work(thread=True, exclusive=True, group="inbox-list", exit_on_error=False)
    def _search(self, token: int, terms: str, ranked: bool, keep_id: int | None, layouts: panes.Layouts | None) -> None:
        found = inbox.search(self.ctx, terms, limit=PAGE, ranked=ranked)
        hits = inbox.count_search(self.ctx, terms)
        first = None
        if found.rows and self.panes is not None and layouts is not None:
            # The first hit's thread and profile, read and laid out here as a jump's row is (the UI thread
            # only shows their strips, in the frame of the hits).
            read = self.panes.read_with_page(found.rows[0], layouts)
            first = (found.rows[0], read) if read is not None else None
        self.post_message(loaded.SearchLoaded(token, terms, found, keep_id, hits, first))

    @on(loaded.SearchLoaded)
    def _show_search(self, event: loaded.SearchLoaded) -> None:
        if event.token != self._list_token or event.terms != self.search_terms:
            return
        self._search_waiting = None
        self._hand_over_focus()
        listing, found, keep_id = self.inquiry_list, event.found, event.keep_id
        if event.first is not None and self.panes is not None:
            self.panes.remember_read(*event.first)  # painted as the list shows it
        cursor = next((i for i, r in enumerate(found.rows) if r.id == keep_id), None)
        if cursor is None and keep_id is not None:
            cursor = min(listing.cursor, max(0, len(found.rows) - 1))
        listing.reset(
            len(found.rows),
            0,
            found.rows,
            cursor=cursor,
            grows=found.more,
            show_folder=True,
            empty_text="No inquiries match (deleted ones are not searched)",
        )
        listing.border_title = self._title()
        if event.hits is not None:
            self._show_search_count(loaded.SearchCounted(event.token, event.terms, event.hits))

    @on(loaded.SearchCounted)
    def _show_search_count(self, event: loaded.SearchCounted) -> None:
        if event.token != self._list_token or event.terms != self.search_terms:
            return
        hits = event.hits
        shown = f"{inbox.SEARCH_COUNT_CAP:,}+" if hits > inbox.SEARCH_COUNT_CAP else f"{hits:,}"
        self.inquiry_list.border_title = self._title() + Content(f" · {shown} hit{'s' if hits != 1 else ''}")

    def action_rank_search(self) -> None:
        if self.search_terms is None:
            self.notify("Search first (/), then rank the results.", severity="warning")
            return
        self.run_search(self.search_terms, ranked=True)

    # --- the triage keys (InboxActions) -------------------------------------------------------

    def on_inquiry_list_open_requested(self, message: InquiryList.OpenRequested) -> None:
        message.stop()
        self.query_one(ThreadView).focus()
        self.actions.open_item(message.item)

    def action_draft_loi(self) -> None:
        """L: a letter of intent pre-filled from the inquiry under the cursor (Deals: `3`)."""
        from inquiry_tui.tui.deals.loi_editor import LoiEditorScreen
        from inquiry_tui.tui.deals.loi_screen import LoiScreen

        item = self.inquiry_list.current
        if item is None:
            self.notify("No inquiry selected.", severity="warning")
            return

        def saved(loi_id: int | None) -> None:
            if loi_id is not None:
                self.app.push_screen(LoiScreen(self.ctx, loi_id))

        self.app.push_screen(LoiEditorScreen(self.ctx, inquiry_id=item.inquiry.id), saved)

    def action_triage(self, name: str) -> None:
        self.actions.run(name)

    @on(actions.TriageMessage)
    def _triage_message(self, event: actions.TriageMessage) -> None:
        self.actions.handle(event)
