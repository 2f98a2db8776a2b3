"""ReadingPanes: the thread and profile of the inquiry under the cursor, loaded by one coalescing worker.

Holding `j` never queues a backlog: one load runs at a time, and when it comes back
(`DetailLoaded`) with the cursor moved on, the next load starts at once from the newest
position. Its neighbours are loaded too (`NeighbourLoaded`), so the next move paints both panes
from memory in the same frame as the cursor (then re-reads the store): after a single step by the
cursor's own load, once its re-read found what the panes show (no frame to share the GIL with);
after a page key or a jump by a worker started after the frame (and again when a page of the list
comes: the next page key's landing row may lie on it). A cursor that lands on a row a read-ahead is
reading waits for that read rather than reading the row a second time beside it.
The workers also lay out what they read (the thread's text and strips, the profile's strips,
for the panes' width and style as the load started: `thread_view.lay_out`,
`profile_pane.lay_out_profile`), so a move shows ready strips instead of building them on
the key's path; the panes keep them (`keep`) and build again only what no worker laid out
for their current width, style and clock.
The panes reach their screen through `PanesHost`; the screen hands the two messages back here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from textual.message import Message
from textual.strip import Strip

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox.listing import ListItem
from inquiry_tui.tui.customers.profile_pane import PaneLayout, ProfilePane, lay_out_profile
from inquiry_tui.tui.inbox.inquiry_list import InquiryList
from inquiry_tui.tui.inbox.thread_view import LaidThread, ThreadLayout, ThreadView, lay_out

# After the cursor's inquiry is shown, its neighbours are loaded too (see the module docstring).
# After a page key or a jump, the row the next page key the same way lands on first: the next
# key is likely another page key, and the way back is remembered. (Reading the page keys'
# rows ahead after every move cost more CPU per move than it saved under held `j`: measured in
# session 7, not kept.)
PREFETCH = (1, -1, 2)
# Moving a row at a time (held `j`), one row more the way the cursor goes: the next key comes before
# a read-ahead that starts with it is done (the cursor's re-read first), so the row after it must
# be read already. In a steady run each row is still read once; only the rows past where the cursor
# stops are read for nothing.
STEPPING = (1, 2, -1, 3)
AHEAD_SPAN = 3  # a read-ahead goes on while the cursor is at most this many rows from where it was planned
REMEMBERED = 64  # thread details and profiles kept for that

if TYPE_CHECKING:
    from inquiry_tui.services.customers.profile import BuyerProfile
    from inquiry_tui.services.inbox.thread import ThreadDetail

Detail: TypeAlias = "ThreadDetail | InquiryError"
Profile: TypeAlias = "BuyerProfile | InquiryError | None"


# The thread and profile services (with the notes, files, outbox and profile modules they load) are imported by
# the panes' worker when it first reads, after the first page is on screen, not with the inbox screen's modules.
def thread_detail(ctx: Ctx, inquiry_id: int) -> ThreadDetail:
    """services.inbox.thread.thread_detail."""
    from inquiry_tui.services.inbox.thread import thread_detail as read

    return read(ctx, inquiry_id)


def buyer_profile(ctx: Ctx, buyer_id: int) -> BuyerProfile:
    """services.customers.profile.buyer_profile."""
    from inquiry_tui.services.customers.profile import buyer_profile as read

    return read(ctx, buyer_id)


@dataclass(frozen=True)
class Layouts:
    """The panes' layouts as a load starts (read on the event loop), for its worker to lay out what it reads."""

    zone: tzinfo
    thread: ThreadLayout | None
    profile: PaneLayout | None  # None: the profile pane is not shown


@dataclass(frozen=True)
class Laid:
    """What a worker laid out: a thread, and a profile's strips for its layout."""

    thread: LaidThread | None
    profile: tuple[BuyerProfile, PaneLayout, list[Strip]] | None


@dataclass(frozen=True)
class Ahead:
    """A row's thread and profile read (and laid out) by a list worker beside the page it fetched."""

    detail: Detail
    profile: Profile
    profile_loaded: bool
    laid: Laid | None


class PanesHost(Protocol):
    """What the panes need from their screen."""

    ctx: Ctx
    zone: tzinfo

    @property
    def profile_visible(self) -> bool: ...

    @property
    def inquiry_list(self) -> InquiryList: ...

    def run_worker(
        self, work: Callable[[], Any], *, thread: bool, group: str, description: str, exit_on_error: bool
    ) -> Any: ...

    def post_message(self, message: Message) -> bool: ...

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...


class PanesMessage(Message):
    """What the pane workers post; the screen hands them all to `ReadingPanes.handle`."""


@dataclass
class DetailLoaded(PanesMessage):
    """The thread (and, when PROFILE_LOADED, the buyer's profile) of ITEM, read for the cursor."""

    item: ListItem
    detail: Detail
    profile: Profile
    profile_loaded: bool
    laid: Laid | None = None
    reading_ahead: bool = False  # the worker reads the neighbours next (no prefetch of its own after it)


@dataclass
class DetailFailed(PanesMessage):
    """The load for ITEM raised (the app shows the error); the next cursor move loads again."""

    item: ListItem


@dataclass
class ReadAheadFailed(PanesMessage):
    """A read-ahead of ITEM raised (the app shows the error): a cursor that waited for it loads the row itself."""

    item: ListItem


@dataclass
class NeighbourLoaded(PanesMessage):
    """A neighbour of the resting cursor, read ahead."""

    item: ListItem
    detail: Detail
    profile: Profile
    profile_loaded: bool
    laid: Laid | None = None


class ReadingPanes:
    """Loads and paints THREAD and PROFILE for the host's cursor, remembering recent ones."""

    def __init__(
        self, host: PanesHost, thread: ThreadView, profile: ProfilePane, on_painted: Callable[[int | None], None]
    ) -> None:
        self.host = host
        self.thread = thread
        self.profile_pane = profile
        self.on_painted = on_painted
        self.target: ListItem | None = None
        self.target_position = 0  # the list's cursor (read by the read-ahead in its worker)
        # Rows a read-ahead is reading or has read and not yet handed over (NeighbourLoaded): two read-aheads
        # running at once (the last load's and the next one's) read each row once.
        self._claimed: dict[int, object] = {}
        self._loads = 0  # loads started: a read-ahead stops when a newer load starts (one runs at a time)
        self.busy = False
        self.profile_for: int | None = None
        self.profile: BuyerProfile | None = None
        self.details: OrderedDict[int, ThreadDetail] = OrderedDict()
        self.profiles: OrderedDict[int, BuyerProfile | None] = OrderedDict()
        self.shown: tuple[int, ThreadDetail | None] | None = None  # what the thread pane shows

    # --- on the event loop --------------------------------------------------------------------

    def handle(self, event: PanesMessage) -> None:
        """A pane worker's message."""
        if isinstance(event, DetailLoaded | NeighbourLoaded) and event.laid is not None:
            self._keep(event.laid)
        if isinstance(event, DetailLoaded):
            self.detail_loaded(event)
        elif isinstance(event, NeighbourLoaded):
            self.neighbour_loaded(event)
        elif isinstance(event, DetailFailed):
            self.detail_failed(event)
        elif isinstance(event, ReadAheadFailed):
            self._claim_released(event.item)

    def want(self, item: ListItem | None, *, force_profile: bool = False) -> None:
        """Show ITEM's thread and profile (from memory at once when prefetched), then re-read them."""
        if force_profile:
            self.profile_for = None
            self.details.clear()
            self.profiles.clear()
            self._claimed.clear()
        self.target = item
        self.target_position = self.host.inquiry_list.cursor
        if item is None:
            self.thread.show_message("No inquiry selected")
            self.shown = None
            self._set_profile(None)
            self.profile_for = None
            self.on_painted(None)
            return
        self.paint_from_memory(item)
        # Always (re)read the store too: another session may have changed the thread meanwhile.
        # When the panes were painted from memory, that waits for the frame: a worker running
        # Python beside the compositor would slow the frame down (they share the GIL).
        if not self.busy:
            if self._being_read(item):
                return  # a read-ahead is reading this row now: its result paints it (_claim_released), sooner
            self.busy = True
            if self.shown is not None and self.shown[0] == item.id:
                self.host.call_after_refresh(self._start_load, item)
            else:
                self._start_load(item)

    def cursor_moved(self, item: ListItem | None) -> None:
        """The list's cursor moved (Highlighted follows): a load in flight now serves ITEM."""
        self.target_position = self.host.inquiry_list.cursor
        if item is not None:
            self.target = item
            self.paint_from_memory(item)

    def paint_from_memory(self, item: ListItem | None) -> None:
        """Show ITEM's thread and profile now if they were prefetched (and are not shown yet)."""
        if item is None:
            return
        detail = self.details.get(item.id)
        buyer_id = item.inquiry.buyer_id
        visible = self.host.profile_visible
        if detail is None or (visible and buyer_id not in self.profiles):
            return
        if self.shown != (item.id, detail) or (visible and self.profile_for != buyer_id):
            self._paint(item, detail, self.profiles.get(buyer_id))

    def _start_load(self, item: ListItem) -> None:
        want_profile = self.host.profile_visible and item.inquiry.buyer_id != self.profile_for
        # After a single step the load reads ahead itself (see _load); after a page key or a jump the rows a
        # page key lands on may still be on their way: the read-ahead is planned after the frame, as before.
        ahead = self._ahead_of(item) if abs(self.host.inquiry_list.last_step) == 1 else None
        self._loads += 1
        self.host.run_worker(
            partial(self._load, item, want_profile, self._layouts(), ahead, self.target_position, self._loads),
            thread=True,
            group="inbox-detail",
            # Named here: Textual describes a worker by the repr of its work otherwise (the row, the layouts), per key.
            description=f"the panes' load of inquiry {item.id}",
            exit_on_error=False,
        )

    def layouts(self) -> Layouts:
        """The panes' layouts now (on the event loop), for a worker to lay out what it reads."""
        return self._layouts()

    def _layouts(self) -> Layouts:
        visible = self.host.profile_visible
        return Layouts(
            self.host.zone, self.thread.worker_layout(), self.profile_pane.worker_layout() if visible else None
        )

    def _keep(self, laid: Laid) -> None:
        """Strips a worker laid out: the panes draw them from memory when they show that thread or profile."""
        if laid.thread is not None:
            self.thread.keep(laid.thread)
        if laid.profile is not None:
            self.profile_pane.keep(*laid.profile)

    def detail_loaded(self, message: DetailLoaded) -> None:
        item, target = message.item, self.target
        if target is not None and target != item:
            if self._being_read(target):
                self.busy = False  # a read-ahead is reading where the cursor is now: its result paints it
            else:
                self._start_load(target)  # the cursor moved on meanwhile: load where it is now
            return
        self.busy = False  # a new highlight now starts a new load
        if target is None:
            return
        profile = message.profile if message.profile_loaded else self.profile
        self._remember(item, message.detail, profile)
        visible = self.host.profile_visible
        shown_profile = self.profile if not visible or isinstance(profile, InquiryError) else profile
        detail = message.detail
        if isinstance(detail, InquiryError) or self.shown != (item.id, detail) or shown_profile != self.profile:
            self._paint(item, detail, profile)
        if not message.reading_ahead:
            # After the frame that shows it: workers laying out beside the compositor slow it (the GIL).
            self.host.call_after_refresh(self._start_prefetch, item)

    def detail_failed(self, _message: DetailFailed) -> None:
        self.busy = False

    def neighbour_loaded(self, message: NeighbourLoaded) -> None:
        self._claimed.pop(message.item.id, None)
        buyer_id = message.item.inquiry.buyer_id
        if message.profile_loaded:
            self._remember(message.item, message.detail, message.profile)
        # Not read: its buyer's profile is the one remembered for that buyer, or the one on view.
        elif buyer_id in self.profiles:
            self._remember(message.item, message.detail, self.profiles[buyer_id])
        elif buyer_id == self.profile_for or not self.host.profile_visible:
            self._remember(message.item, message.detail, self.profile)
        else:  # forgotten meanwhile: the thread alone (the cursor's own load reads the profile)
            self._remember(message.item, message.detail, self.profile, with_profile=False)
        self._claim_released(message.item)

    def _being_read(self, item: ListItem) -> bool:
        """A read-ahead is reading ITEM now (and the panes do not show it): the cursor waits for that read."""
        return item.id in self._claimed and (self.shown is None or self.shown[0] != item.id)

    def _claim_released(self, item: ListItem) -> None:
        """A read-ahead of ITEM came back (or failed): a cursor that waited for it is shown (or loaded) now."""
        self._claimed.pop(item.id, None)
        target = self.target
        if target is None or target.id != item.id or (self.shown is not None and self.shown[0] == target.id):
            return
        if self.busy:
            self.paint_from_memory(target)  # (the load in flight, an older row's, then re-reads this one)
        else:
            self.want(target)

    def page_arrived(self) -> None:
        """A page of the list came. After a page key or a jump the next page key's landing row is read ahead
        first, but its page may still have been on its way when that read-ahead was planned: plan it again
        (rows read or being read are not read twice)."""
        target = self.target
        if target is None or self.busy or abs(self.host.inquiry_list.last_step) <= 1:
            return  # (a load in flight plans its read-ahead when it comes back)
        if self.shown is not None and self.shown[0] == target.id:
            self.host.call_after_refresh(self._start_prefetch, target)

    def _start_prefetch(self, item: ListItem) -> None:
        if self.target is not item:
            return  # the cursor moved on: its own load prefetches around it
        todo = self._ahead_of(item)
        if todo:
            self.host.run_worker(
                partial(self._prefetch, todo, self.target_position, self._layouts()),
                thread=True,
                group="inbox-detail",
                description=f"the panes' read-ahead around inquiry {item.id}",
                exit_on_error=False,
            )

    def _ahead_of(self, item: ListItem) -> list[tuple[ListItem, bool]]:
        """The rows around ITEM to read ahead, nearest first, with whether their buyer's profile is wanted: the neighbours (one more the way single steps go), and after a page
        key or a jump the row the next page key the same way lands on first."""
        listing = self.host.inquiry_list
        position = listing.position_of(item.id)
        if position is None:
            return []
        visible = self.host.profile_visible
        todo: list[tuple[ListItem, bool]] = []
        step = listing.last_step
        targets = [
            position + (offset if step >= 0 else -offset) for offset in (STEPPING if abs(step) == 1 else PREFETCH)
        ]
        if abs(step) > 1:  # where the next page key the same way lands (move_cursor stops it at the ends)
            page, last = listing.page_step, max(0, listing.total - 1)
            targets.insert(0, max(position - page, 0) if step < 0 else min(position + page, last))
        for target in targets:
            neighbour = listing.item_at(target) if target >= 0 else None
            if neighbour is None or neighbour.id in self.details or any(n.id == neighbour.id for n, _ in todo):
                continue
            buyer_id = neighbour.inquiry.buyer_id
            # Its buyer's profile only when not remembered (nor on view): a remembered one is handed over as it is.
            todo.append((neighbour, visible and buyer_id not in self.profiles and buyer_id != self.profile_for))
        return todo

    def _remember(self, item: ListItem, detail: Detail, profile: Profile, *, with_profile: bool = True) -> None:
        if isinstance(detail, InquiryError) or isinstance(profile, InquiryError):
            return
        self.details[item.id] = detail
        self.details.move_to_end(item.id)
        if self.host.profile_visible and with_profile:
            self.profiles[item.inquiry.buyer_id] = profile
            self.profiles.move_to_end(item.inquiry.buyer_id)
        for memory in (self.details, self.profiles):
            while len(memory) > REMEMBERED:
                memory.popitem(last=False)

    def _paint(self, item: ListItem, detail: Detail, profile: Profile) -> None:
        """Show ITEM's thread (and its buyer's profile when the pane is visible)."""
        if isinstance(detail, InquiryError):
            self.thread.show_message(str(detail))
            self.shown = None
        else:
            self.thread.show(detail, self.host.ctx.now(), self.host.zone)
            self.shown = (item.id, detail)
        if self.host.profile_visible:
            self.profile = None if isinstance(profile, InquiryError) else profile
            self.profile_for = item.inquiry.buyer_id
            self._set_profile(self.profile)
        self.on_painted(item.id)

    def times_changed(self) -> None:
        """The reader chose another zone: the thread and profile on view are drawn again on the new clock."""
        if self.shown is not None and self.shown[1] is not None:
            self.thread.show(self.shown[1], self.host.ctx.now(), self.host.zone)
        self.profile_pane.times_changed()

    def _set_profile(self, profile: BuyerProfile | None) -> None:
        """Hand the pane its profile: it repaints itself only (ProfilePane draws from cached strips)."""
        self.profile_pane.profile = profile

    def remember_read(self, item: ListItem, ahead: Ahead) -> None:
        """ITEM's thread and profile read with its page or its search (`read_with_page`): kept, with their
        strips, so the list's frame that shows them paints both panes from memory."""
        if ahead.laid is not None:
            self._keep(ahead.laid)
        profile = ahead.profile if ahead.profile_loaded else self.profiles.get(item.inquiry.buyer_id)
        self._remember(item, ahead.detail, profile)

    # --- in thread workers --------------------------------------------------------------------

    def read_with_page(self, item: ListItem, layouts: Layouts) -> Ahead | None:
        """ITEM's thread and profile, laid out for LAYOUTS, in the caller's worker (the page under a jump's
        cursor, a search's first hit): the jump then costs one round trip to the store, not the page's and then the panes'.
        None when they are remembered already."""
        buyer_id = item.inquiry.buyer_id
        want_profile = layouts.profile is not None and buyer_id not in self.profiles
        if item.id in self.details and not want_profile:
            return None
        detail, profile = self._fetch(item, want_profile)
        laid = self._lay_out(detail, profile, layouts, unless_shown=False)
        return Ahead(detail, profile, want_profile, laid)

    def _fetch(self, item: ListItem, want_profile: bool) -> tuple[Detail, Profile]:
        detail: Detail
        try:
            detail = thread_detail(self.host.ctx, item.id)
        except InquiryError as error:
            detail = error
        profile: Profile = None
        if want_profile:
            try:
                profile = buyer_profile(self.host.ctx, item.inquiry.buyer_id)
            except InquiryError as error:
                profile = error
        return detail, profile

    def _lay_out(self, detail: Detail, profile: Profile, layouts: Layouts, *, unless_shown: bool) -> Laid:
        """DETAIL's and PROFILE's strips for LAYOUTS (UNLESS_SHOWN: not what the panes show already)."""
        thread: LaidThread | None = None
        shown = unless_shown and self.shown is not None and self.shown[1] == detail
        if not isinstance(detail, InquiryError) and layouts.thread is not None and not shown:
            thread = lay_out(detail, self.host.ctx.now(), layouts.zone, layouts.thread)
        laid_profile = None
        shown = unless_shown and profile == self.profile
        if profile is not None and not isinstance(profile, InquiryError) and layouts.profile is not None and not shown:
            laid_profile = (profile, layouts.profile, lay_out_profile(profile, layouts.profile))
        return Laid(thread, laid_profile)

    def _load(
        self,
        item: ListItem,
        want_profile: bool,
        layouts: Layouts,
        ahead: list[tuple[ListItem, bool]] | None,
        origin: int,
        load: int,
    ) -> None:
        try:
            detail, profile = self._fetch(item, want_profile)
            # The cursor's re-read usually finds what the panes show already: nothing to lay out.
            # Nor when the cursor moved on meanwhile (held `j`): the next load serves it.
            moved_on = self.target is not None and self.target != item
            laid = None if moved_on else self._lay_out(detail, profile, layouts, unless_shown=True)
        except BaseException:
            self.host.post_message(DetailFailed(item))
            raise
        # What the panes show already, found again: no frame follows, so this worker reads ahead at once
        # (a second worker, started after the message, came too late for a key right after the frame).
        quiet = (
            ahead is not None
            and laid is not None
            and laid.thread is None
            and laid.profile is None
            and not isinstance(detail, InquiryError)
            and self.shown is not None
            and self.shown[0] == item.id
        )
        self.host.post_message(DetailLoaded(item, detail, profile, want_profile, laid, reading_ahead=quiet))
        if quiet and ahead:
            self._prefetch(ahead, origin, layouts, load)

    def _prefetch(
        self, todo: list[tuple[ListItem, bool]], origin: int, layouts: Layouts, load: int | None = None
    ) -> None:
        """Read TODO ahead (planned with the cursor at ORIGIN) while the cursor stays near ORIGIN and, for
        LOAD's read-ahead, no newer load has started (keys faster than the reads: one read-ahead at a time)."""
        for neighbour, want_profile in todo:
            if self.target is None or abs(self.target_position - origin) > AHEAD_SPAN:
                return  # the cursor went elsewhere: its own load reads ahead around it
            if load is not None and load != self._loads:
                return  # a newer load reads ahead from where the cursor is now
            claim = object()
            if neighbour.id in self.details or self._claimed.setdefault(neighbour.id, claim) is not claim:
                continue  # read meanwhile, or being read by another read-ahead
            try:
                detail, profile = self._fetch(neighbour, want_profile)
                laid = self._lay_out(detail, profile, layouts, unless_shown=False)
            except BaseException:
                self._claimed.pop(neighbour.id, None)
                self.host.post_message(ReadAheadFailed(neighbour))
                raise
            self.host.post_message(NeighbourLoaded(neighbour, detail, profile, want_profile, laid))
