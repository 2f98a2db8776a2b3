"""InquiryList: the virtual inquiry list (Line API), fed one keyset page at a time.

The list knows how many rows there are (`virtual_size`) but holds only a contiguous run of
pages near the viewport. `render_line(y)` draws a row from that run (through a small LRU of
rendered lines) or a placeholder, and asks for the missing page with `PagesRequested`;
the screen fetches it in a worker and hands it back with `add_page`. A page next to the run
is fetched by keyset from the run's edge row; any other page is a jump (`at`), which replaces
the run, so the rows shown are always one consistent keyset walk. Widgets never call
services: this one only posts messages and takes data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip
from textual.timer import Timer

from inquiry_tui.services.inbox.listing import ListItem
from inquiry_tui.tui.common.kept_bar_lines import kept_vertical_scrollbar
from inquiry_tui.tui.common.lean_strip import LeanStrip, lean
from inquiry_tui.tui.common.scrollbar_thumb import set_vertical_bar
from inquiry_tui.tui.common.styled_lines import use_styled_lines
from inquiry_tui.tui.inbox.inquiry_row import RowStyles, fit, item_segments

PAGE = 64
MAX_PAGES = 24  # rows held: ~1,500, whatever the folder size
MAX_ANCHORS = 64
LADDER_STEP = 1024  # rows between two rungs of the key ladder (a jump's seek walks fewer)
# A move onto a row not held (a jump, a page key past the rows held) keeps the viewport as it was drawn, rows,
# cursor and scrollbar, for this long while its page is read (`_hold`). At 1M the page, its neighbours and the
# cursor's panes came 17-23 ms after the key with a frame of placeholders drawn meanwhile, a frame that cost the
# event loop and the GIL about half of the jump (docs/performance.md, session 14); without it they come sooner,
# and the frame that shows them is the first. A frame and a half at most: a page slower than that (a slow disk,
# a loaded machine) shows the placeholders, so the key is seen to be taken, as before.
JUMP_GRACE = 0.025
_UNSET = object()


@dataclass(frozen=True)
class PageRequest:
    """Fetch page `page`: `after` the bound row, `before` it, or `at` its position (a jump).

    `cursor`: the cursor's position when the page holds it (a jump, or a page key that landed
    past the rows held): the worker reads that row's thread and profile with the page, and
    both panes show it in the frame that shows the page.

    `neighbours`: for a jump, the pages next to it that the viewport shows too, read by the same worker
    by keyset from the jump's page's edge rows (`before` and `after` requests, as the chained ones
    would be) and added with it: the viewport's rows come in the frame that shows the cursor's page."""

    epoch: int
    page: int
    mode: str  # after | before | at
    bound: ListItem | None
    hint: tuple[int, tuple[str, int]] | None  # (position, key) nearest known, for `at`
    cursor: int | None = None
    neighbours: tuple[int, ...] = ()  # for `at`: the pages above it (descending), then those below it


@dataclass(frozen=True)
class HeldView:
    """The viewport as it was drawn before a move onto rows not held yet (`InquiryList._hold`): shown instead of
    the new one until its rows come or JUMP_GRACE passes, never a mix of the old rows and the new cursor."""

    top: int
    cursor: int
    total: int
    rows: dict[int, ListItem]  # position -> row, the viewport's rows that were held
    timer: Timer


@dataclass(frozen=True)
class ListPlace:
    """Where a reader was in a list: its rows held, the cursor and the viewport (`InquiryList.place`).

    The inbox keeps the folder's place while a search is shown, and escape puts it back as it was
    (`InquiryList.restore`): no read, no frame of an empty list."""

    total: int
    pages: tuple[tuple[int, tuple[ListItem, ...]], ...]
    anchors: tuple[tuple[int, tuple[str, int]], ...]
    ladder: tuple[tuple[str, int], ...]
    cursor: int
    top: int
    empty_text: str

    @property
    def current(self) -> ListItem | None:
        """The row under the cursor, when it was held."""
        page, offset = divmod(self.cursor, PAGE)
        rows = dict(self.pages).get(page)
        return rows[offset] if rows is not None and offset < len(rows) else None


class InquiryList(ScrollView, can_focus=True):
    """A million rows scroll like a thousand: only the visible pages are ever fetched."""

    COMPONENT_CLASSES = {
        "inquiry-list--cursor",
        "inquiry-list--unread",
        "inquiry-list--dim",
        "inquiry-list--verified",
        "inquiry-list--auto",
        "inquiry-list--overdue",
        "inquiry-list--tagged",
        "inquiry-list--junk",
    }
    DEFAULT_CSS = """
    InquiryList { overflow-x: hidden; }
    InquiryList > .inquiry-list--cursor { background: $block-cursor-blurred-background; }
    InquiryList:focus > .inquiry-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    InquiryList > .inquiry-list--unread { text-style: bold; }
    InquiryList > .inquiry-list--dim { color: $text-muted; }
    InquiryList > .inquiry-list--verified { color: $accent; text-style: bold; }
    InquiryList > .inquiry-list--auto { color: $secondary; }
    InquiryList > .inquiry-list--overdue { color: $error; text-style: bold; }
    InquiryList > .inquiry-list--tagged { color: $warning; }
    InquiryList > .inquiry-list--junk { color: $text-muted; text-style: italic; }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list-up", tooltip="previous inquiry"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list-down", tooltip="next inquiry"),
        Binding("pageup", "page_up", "Page up", show=False, id="list-page-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list-page-down"),
        Binding("home", "first", "First", show=False, id="list-first"),
        Binding("end", "last", "Last", show=False, id="list-last"),
        Binding("enter", "open", "Open", show=False, id="list-open", tooltip="open the thread (marks it read)"),
    ]

    @dataclass
    class PagesRequested(Message):
        inquiry_list: InquiryList
        requests: tuple[PageRequest, ...]

    @dataclass
    class Highlighted(Message):
        inquiry_list: InquiryList
        item: ListItem | None
        position: int

    @dataclass
    class OpenRequested(Message):
        inquiry_list: InquiryList
        item: ListItem

    @dataclass
    class ResyncRequested(Message):
        """The run's positions drifted from the store (rows moved under us): reload around `item`."""

        inquiry_list: InquiryList
        item: ListItem | None
        position: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # Scrolled by a row, 45 of the 46 lines only move up: each row is styled once (styled_lines.py).
        self.styled_lines = use_styled_lines(self)
        # Called at once with the new item under the cursor, before Highlighted is posted: the
        # screen can repaint its panes from memory in the same frame as the cursor. (The message
        # arrives after the list's own frame, and every move would cost two frames.)
        self.cursor_listener: Callable[[ListItem | None], None] | None = None
        self.epoch = 0
        self.total = 0
        self.grows = False  # search results: more may follow the last page
        self.show_folder = False  # search results span folders: mark the junk ones
        self.cursor = 0
        # How far the last move took the cursor, down (> 0) or up; a page key or a jump: more than a row.
        self.last_step = 0
        self.empty_text = "Loading…"
        self.zone: tzinfo = UTC
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._pages: dict[int, tuple[ListItem, ...]] = {}
        self._pending: set[int] = set()
        self._anchors: dict[int, tuple[str, int]] = {}
        # The keys at every LADDER_STEP-th position, read by the screen in a worker (`set_ladder`)
        self._ladder: tuple[tuple[str, int], ...] = ()
        self._lines: LRUCache[tuple[object, ...], Strip] = LRUCache(512)
        self._styles: RowStyles | None = None
        self._cursor_styles: RowStyles | None = None
        self._base: Style | None = None  # rich_style walks every ancestor's styles: kept until they change
        self._waiting: tuple[int, Style, Strip] | None = None  # the placeholder row (width, style, strip)
        self._frame: tuple[int, int] = (0, 0)  # scroll offset and content width as the frame being drawn began
        self._announced: object = _UNSET
        self._held: HeldView | None = None  # the viewport shown while a jump's page is read

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        # A jump moves the thumb every time: the bar's lines are kept, not drawn again (kept_bar_lines.py).
        return kept_vertical_scrollbar(self)

    # --- data in ------------------------------------------------------------------------------

    def reset(
        self,
        total: int,
        first_position: int,
        rows: tuple[ListItem, ...],
        *,
        cursor: int | None = None,
        grows: bool = False,
        empty_text: str = "Nothing here",
        show_folder: bool = False,
    ) -> int:
        """Show new data (a folder, a search, a reload); returns the new epoch."""
        self.epoch += 1
        self._release()
        self.grows = grows
        self.show_folder = show_folder
        self.empty_text = empty_text
        self._pages.clear()
        self._pending.clear()
        self._anchors.clear()
        self._ladder = ()
        self._announced = _UNSET
        self._set_run(first_position, rows)
        self.total = max(total, first_position + len(rows)) + (1 if grows and rows else 0)
        self._fix_total_from_short_tail()
        self.cursor = max(0, min(cursor if cursor is not None else first_position, self.total - 1))
        self._after_change(scroll_to_cursor=True)
        return self.epoch

    def place(self) -> ListPlace:
        """Where the reader is now: kept by the caller, and put back by `restore`."""
        return ListPlace(
            self.total,
            tuple(self._pages.items()),
            tuple(self._anchors.items()),
            self._ladder,
            self.cursor,
            int(self.scroll_offset.y),
            self.empty_text,
        )

    def restore(self, place: ListPlace) -> int:
        """Show the rows of PLACE again, with its cursor and viewport (pages still on their way are asked
        for again); returns the new epoch. Only a folder's place: it does not grow, nor span folders."""
        self.epoch += 1
        self._release()
        self.grows = False
        self.show_folder = False
        self.empty_text = place.empty_text
        self._pages = dict(place.pages)
        self._pending.clear()
        self._anchors = dict(place.anchors)
        self._ladder = place.ladder
        self._announced = _UNSET
        self.total = place.total
        self.cursor = max(0, min(place.cursor, self.total - 1))
        self.last_step = 0
        # The viewport where it was, set quietly: scrolled, it would be held to the search's shorter
        # list until the next layout, and the rows of that viewport asked for (a jump, which drops the run).
        top = float(max(0, min(place.top, self.total - 1)))
        self.set_reactive(ScrollView.scroll_target_y, top)
        self.set_reactive(ScrollView.scroll_y, top)
        set_vertical_bar(self, virtual=self.total, position=top)
        self._after_change(scroll_to_cursor=False)
        self.call_after_refresh(self._scroll_to_cursor)  # (the list's height may have changed meanwhile)
        return self.epoch

    def holds(self, first_position: int, rows: tuple[ListItem, ...]) -> bool:
        """Whether ROWS, from FIRST_POSITION on, are the rows held at those positions (nothing changed there)."""
        return bool(rows) and all(self.item_at(first_position + i) == row for i, row in enumerate(rows))

    def begin(self, empty_text: str = "Loading…") -> int:
        """Forget the rows (a folder switch is under way); returns the new epoch."""
        return self.reset(0, 0, (), empty_text=empty_text)

    def _set_run(self, first_position: int, rows: tuple[ListItem, ...]) -> None:
        # Rows may start mid-page (a window); split them onto page boundaries.
        position = first_position
        i = 0
        while i < len(rows):
            page, offset = divmod(position, PAGE)
            if offset:
                # A run must start on a page boundary; a partial first page is dropped here
                # and re-fetched by keyset from the next page's first row.
                skip = PAGE - offset
                i += skip
                position += skip
                continue
            chunk = rows[i : i + PAGE]
            self._pages[page] = chunk
            self._learn_anchor(page, chunk)
            i += len(chunk)
            position += len(chunk)

    def add_page(
        self,
        epoch: int,
        request: PageRequest,
        rows: list[ListItem],
        more: bool = False,
        neighbours: tuple[tuple[PageRequest, list[ListItem]], ...] = (),
    ) -> None:
        """A fetched page, and for a jump the NEIGHBOURS read with it (each a `before` or `after` request
        and its rows, in the order read); stale epochs (an earlier folder or search) are dropped."""
        if epoch != self.epoch:
            return
        self._pending.discard(request.page)
        # Every neighbour the jump asked for is no longer on its way, read or not (a short page ends
        # the walk): one not read is asked for again, chained from the run, by the change below.
        self._pending.difference_update(request.neighbours)
        if request.mode == "at" and request.page not in self._wanted_pages():
            # A jump the reader left before it landed (a second jump, `g` back to the rows held): the run it
            # would replace is the one the viewport shows now. The pages it kept waiting are asked for.
            self._request_visible()
            self._release_when_shown()
            return
        if not self._take_page(request, rows, more):
            self._end_hold()  # (a resync: the rows around the cursor come in a reset)
            return
        for neighbour, neighbour_rows in neighbours:
            if not self._take_page(neighbour, neighbour_rows, False):
                self._end_hold()
                return
        self._trim()
        self._release_when_shown()
        self._after_change(scroll_to_cursor=False)

    def _take_page(self, request: PageRequest, rows: list[ListItem], more: bool) -> bool:
        """Hold one fetched page; False when it shows the run drifted (a resync is asked for instead)."""
        page = request.page
        if request.mode == "at":
            self._pages.clear()
        elif request.mode == "before" and len(rows) < PAGE:
            # Fewer rows above the run than its position claims: rows left the folder meanwhile.
            self.post_message(self.ResyncRequested(self, self.current, self.cursor))
            return False
        if not rows and request.mode != "before":
            self.total = min(self.total, page * PAGE)
            self.cursor = max(0, min(self.cursor, self.total - 1))
        else:
            self._pages[page] = tuple(rows)
            self._learn_anchor(page, self._pages[page])
            if self.grows:
                self.total = page * PAGE + len(rows) + (1 if more else 0)
                self.grows = more
            self._fix_total_from_short_tail()
        return True

    def set_total(self, epoch: int, total: int) -> None:
        """A fresh count from the store (counts are refreshed in the background)."""
        if epoch != self.epoch or self.grows or total == self.total:
            return
        self.total = total
        self._fix_total_from_short_tail()
        self.cursor = max(0, min(self.cursor, self.total - 1))
        self._after_change(scroll_to_cursor=False)

    @property
    def wants_ladder(self) -> bool:
        """Jumps would walk far without a key ladder: a folder (not search hits) longer than a few rungs."""
        return not self._ladder and not self.grows and not self.show_folder and self.total > 4 * LADDER_STEP

    def set_ladder(self, epoch: int, rungs: tuple[tuple[str, int], ...]) -> None:
        """The keys at positions 0, LADDER_STEP, 2 x LADDER_STEP ... of the rows of EPOCH (stale epochs are dropped)."""
        if epoch == self.epoch:
            self._ladder = rungs

    def update_item(self, inquiry_id: int, change: Callable[[ListItem], ListItem]) -> None:
        """Replace every loaded item of INQUIRY_ID with `change(item)` (an in-place state change)."""
        changed = False
        for page, rows in self._pages.items():
            if any(r.id == inquiry_id for r in rows):
                self._pages[page] = tuple(change(r) if r.id == inquiry_id else r for r in rows)
                changed = True
        if changed:
            self._after_change(scroll_to_cursor=False)

    def _fix_total_from_short_tail(self) -> None:
        if not self._pages:
            return
        last = max(self._pages)
        rows = self._pages[last]
        if len(rows) < PAGE and not self.grows:
            self.total = last * PAGE + len(rows)

    def _learn_anchor(self, page: int, rows: tuple[ListItem, ...]) -> None:
        if rows:
            self._anchors[page * PAGE] = rows[0].key
            if len(self._anchors) > MAX_ANCHORS:
                self._anchors.pop(next(iter(self._anchors)))

    def _trim(self) -> None:
        """Keep MAX_PAGES pages, dropping from the end of the run farther from the viewport."""
        view = int(self.scroll_offset.y) // PAGE
        while len(self._pages) > MAX_PAGES:
            lo, hi = min(self._pages), max(self._pages)
            del self._pages[lo if view - lo > hi - view else hi]

    # --- data out -----------------------------------------------------------------------------

    def item_at(self, position: int) -> ListItem | None:
        page, offset = divmod(position, PAGE)
        rows = self._pages.get(page)
        return rows[offset] if rows is not None and offset < len(rows) else None

    @property
    def current(self) -> ListItem | None:
        return self.item_at(self.cursor) if self.total else None

    def position_of(self, inquiry_id: int) -> int | None:
        """Where a loaded item of INQUIRY_ID sits, if it is loaded."""
        for page in sorted(self._pages):
            for offset, item in enumerate(self._pages[page]):
                if item.id == inquiry_id:
                    return page * PAGE + offset
        return None

    def loaded_items(self) -> list[ListItem]:
        return [item for page in sorted(self._pages) for item in self._pages[page]]

    @property
    def page_step(self) -> int:
        """How many rows a page key moves the cursor."""
        return max(1, self.scrollable_content_region.height - 1)

    def _wanted_pages(self) -> set[int]:
        """The pages the viewport shows, and the cursor's."""
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        return {p for p in range(top // PAGE, (top + height) // PAGE + 1) if p * PAGE < self.total} | (
            {self.cursor // PAGE} if self.total else set()
        )

    def _request_visible(self) -> None:
        wanted = sorted(self._wanted_pages())
        # The rows a page key would land on too (read ahead by the panes), when they lie next to
        # the run: never a jump of their own.
        ahead = {
            p
            for p in ((self.cursor + self.page_step) // PAGE, (self.cursor - self.page_step) // PAGE)
            if p >= 0 and p * PAGE < self.total and p not in wanted
        }
        # The cursor's page first: a jump's `at` is that page, read with the cursor's row's panes
        # (PageRequest.cursor), and the rows above it chain from it (a jump down shows the cursor on
        # the viewport's last row, often on the page after the viewport's first).
        wanted.sort(key=lambda p: p != self.cursor // PAGE)
        requests: list[PageRequest] = []
        for page in [*wanted, *sorted(ahead)]:
            if page in self._pages or page in self._pending:
                continue
            request = self._request_for(page)
            if request is None or (page in ahead and (request.mode == "at" or not self._pages)):
                continue
            if request.mode == "at" and (requests or self._pending):
                break  # one jump at a time; the rest chain from it once it lands
            if page == self.cursor // PAGE:
                request = replace(request, cursor=self.cursor)
            if request.mode == "at" and not self.grows and not self.show_folder:
                # A folder's jump (search hits never jump): the viewport's other pages come with it.
                request = replace(request, neighbours=self._neighbours(page, wanted))
                self._pending.update(request.neighbours)
            requests.append(request)
            self._pending.add(page)
        if requests:
            self.post_message(self.PagesRequested(self, tuple(requests)))

    @staticmethod
    def _neighbours(page: int, wanted: list[int]) -> tuple[int, ...]:
        """The pages of WANTED next to PAGE, unbroken: those above it nearest first, then those below it.

        All of them, held or not: the jump's page replaces the run, and they are read with it."""
        shown = set(wanted)
        above: list[int] = []
        while page - len(above) - 1 in shown:
            above.append(page - len(above) - 1)
        below: list[int] = []
        while page + len(below) + 1 in shown:
            below.append(page + len(below) + 1)
        return (*above, *below)

    def _request_for(self, page: int) -> PageRequest | None:
        if self._pages:
            lo, hi = min(self._pages), max(self._pages)
            if page == hi + 1:
                last = self._pages[hi]
                return PageRequest(self.epoch, page, "after", last[-1], None) if len(last) == PAGE else None
            if page == lo - 1:
                return PageRequest(self.epoch, page, "before", self._pages[lo][0], None)
        position = page * PAGE
        known = list(self._anchors.items())
        rung = position // LADDER_STEP
        known += [(r * LADDER_STEP, self._ladder[r]) for r in (rung, rung + 1) if r < len(self._ladder)]
        hint = min(known, key=lambda kv: abs(kv[0] - position), default=None)
        return PageRequest(self.epoch, page, "at", None, hint)

    # --- rendering ----------------------------------------------------------------------------

    @property
    def base_style(self) -> Style:
        """The list's own Rich style, kept until its styles change (notify_style_update)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def _row_styles(self, selected: bool = False) -> RowStyles:
        if self._styles is None:
            get = self.get_component_rich_style
            self._styles = RowStyles(
                base=self.base_style,
                unread=get("inquiry-list--unread", partial=True),
                dim=get("inquiry-list--dim", partial=True),
                verified=get("inquiry-list--verified", partial=True),
                auto=get("inquiry-list--auto", partial=True),
                overdue=get("inquiry-list--overdue", partial=True),
                tagged=get("inquiry-list--tagged", partial=True),
                junk=get("inquiry-list--junk", partial=True),
            )
        if selected:
            if self._cursor_styles is None:
                cursor = self.get_component_rich_style("inquiry-list--cursor", partial=True)
                self._cursor_styles = replace(self._styles, base=self.base_style + cursor)
            return self._cursor_styles
        return self._styles

    def show_zone(self, zone: tzinfo) -> None:
        """Show the times on ZONE's clock from now on (the reader chose another zone)."""
        self.zone = zone
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._cursor_styles = None
        self._base = None
        self._lines.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        # render_line runs for each line the frame draws: what it needs of the widget is read once.
        self._frame = (int(self.scroll_offset.y), self.scrollable_content_region.width)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        top, width = self._frame
        base = self.base_style
        held = self._held
        if held is not None:
            # A jump's page is on its way: the viewport as it was (its rows and its cursor), not the new one.
            position = held.top + y
            if position >= held.total:
                return Strip.blank(width, base)
            item = held.rows.get(position)
            cursor = held.cursor
        else:
            position = top + y
            if self.total == 0:
                return Strip([Segment(fit(self.empty_text, width), base)]) if y == 1 else Strip.blank(width, base)
            if position >= self.total:
                return Strip.blank(width, base)
            item = self.item_at(position)
            cursor = self.cursor
        if item is None:
            return self._placeholder(width)
        selected = position == cursor
        key = (item, selected, width, self.has_focus, self.show_folder)
        strip = self._lines.get(key)
        if strip is None:
            styles = self._row_styles(selected)
            segments = item_segments(item, width, styles, self.now(), self.zone, self.show_folder)
            # Kept in the LRU: a LeanStrip makes its caches only when used (lean_strip.py); made lean from the
            # start, not from a Strip with seven caches that nothing uses (a jump draws 44 new rows).
            strip = lean(LeanStrip(segments).adjust_cell_length(width, styles.base))
            self._lines[key] = strip
        return strip

    def _placeholder(self, width: int) -> Strip:
        """A row whose page is on its way: one strip for them all (after a jump the whole list shows it, and
        the same strip object is styled and cut once: styled_lines.py)."""
        dim = self._row_styles().dim
        kept = self._waiting
        if kept is None or kept[0] != width or kept[1] is not dim:
            kept = self._waiting = (width, dim, lean(Strip([Segment(fit("  …", width), dim)])))
        return kept[2]

    # --- cursor and scrolling -----------------------------------------------------------------

    def _after_change(self, *, scroll_to_cursor: bool) -> None:
        self._set_virtual_size(Size(self.scrollable_content_region.width, self.total), scrolls=scroll_to_cursor)
        if scroll_to_cursor:
            self._scroll_to_cursor()
            # A grown virtual size is applied at the next layout; scroll again once it is.
            self.call_after_refresh(self._scroll_to_cursor)
        self.refresh()
        self._request_visible()
        self._announce()

    def _set_virtual_size(self, size: Size, *, scrolls: bool) -> None:
        """The list's rows: quietly when only the scrollbar's thumb follows.

        `virtual_size` asks for a layout of the whole screen (a search's hits, escape back to the
        folder, a page that ends the folder: the layout and the frame drawn whole, not just the rows and
        the panes that changed). A layout is needed only when the bar appears or goes (the rows' width
        changes with it) or the viewport would be left past the new end (the layout clamps the scroll
        there); SCROLLS: the caller scrolls to the cursor next, which is within the new end.
        """
        if size == self.virtual_size:
            return
        height = self.container_size.height
        bar_stays = self.show_vertical_scrollbar == (size.height > height)
        in_range = scrolls or self.scroll_offset.y <= max(0, size.height - height)
        if self.is_mounted and height and bar_stays and in_range:
            self.set_reactive(ScrollView.virtual_size, size)
            set_vertical_bar(self, virtual=size.height)
            self.refresh()
        else:
            self.virtual_size = size

    def _announce(self) -> None:
        """Tell the screen what is under the cursor, once per change (its page may be on the way)."""
        if self._held is not None:
            return  # the panes follow the row the viewport shows: told when the hold ends
        item = self.current
        if item is None and self.total and self.cursor // PAGE in self._pending:
            return
        if item != self._announced:
            self._announced = item
            if self.cursor_listener is not None:
                self.cursor_listener(item)
            self.post_message(self.Highlighted(self, item, self.cursor))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_cursor(self, position: int) -> None:
        if not self.total:
            return
        position = max(0, min(position, self.total - 1))
        if position == self.cursor:
            return
        old = self.cursor
        if self._held is None and self.item_at(position) is None and not self.grows and not self.show_folder:
            self._hold(old)  # (a folder's rows only: search hits are drawn as they come, as before)
        self.cursor = position
        self.last_step = position - old
        self._scroll_to_cursor()
        if self._held is None:
            self.refresh_line(old)
            self.refresh_line(position)
        self._request_visible()
        self._release_when_shown()
        self._announce()

    # --- a jump's grace (JUMP_GRACE) ----------------------------------------------------------

    def _hold(self, cursor: int) -> None:
        """Keep drawing the viewport as it is now (its cursor on CURSOR) while the rows of a move are read."""
        if not self.is_mounted:
            return
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        rows = {p: item for p in range(top, min(top + height, self.total)) if (item := self.item_at(p)) is not None}
        self._held = HeldView(top, cursor, self.total, rows, self.set_timer(JUMP_GRACE, self._end_hold))

    def _viewport_held(self) -> bool:
        """Whether the cursor's row and every row of the viewport are held (a frame would draw no placeholder)."""
        if self.current is None:
            return False
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        return all(self.item_at(p) is not None for p in range(top, min(top + height, self.total)))

    def _release_when_shown(self) -> None:
        """End the hold once the new viewport can be drawn whole (the caller draws it and tells the panes)."""
        if self._held is not None and self._viewport_held():
            self._end_hold()

    def _release(self) -> None:
        """Draw the list as it is from now on (the caller draws it: new rows replaced those held)."""
        held, self._held = self._held, None
        if held is not None:
            held.timer.stop()
            set_vertical_bar(self, position=self.scroll_y)

    def _end_hold(self) -> None:
        """Draw the new viewport and tell the panes: its rows came, or JUMP_GRACE passed without them (then its
        placeholders show the key was taken), or its page showed the run drifted (a resync follows)."""
        if self._held is not None:
            self._release()
            self.refresh()
            self._announce()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # ScrollView's watcher, but the scrollbar is repainted only when its thumb moves: scrolled
        # by a row of 100,000 it does not (scrollbar_thumb.py), and drawing it cost as much as the rows.
        # While a jump's viewport is held (`_hold`), the bar and the rows stay as they were drawn.
        if self._held is None:
            set_vertical_bar(self, position=new_value)
            if round(old_value) != round(new_value):
                self.refresh(self.size.region)
        self._request_visible()

    def on_resize(self, _event: events.Resize) -> None:
        self._end_hold()  # (the rows held were the old height's)
        self.virtual_size = Size(self.scrollable_content_region.width, self.total)
        self._lines.clear()
        self._request_visible()

    def on_focus(self) -> None:
        self._cursor_styles = None  # (the cursor's colours follow the focus)
        self.refresh()

    def on_blur(self) -> None:
        self._cursor_styles = None
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        position = int(self.scroll_offset.y) + event.y
        if position < self.total:
            self.move_cursor(position)
            if event.chain >= 2 and (item := self.current) is not None:
                self.post_message(self.OpenRequested(self, item))

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.total - 1)

    def action_open(self) -> None:
        item = self.current
        if item is not None:
            self.post_message(self.OpenRequested(self, item))
