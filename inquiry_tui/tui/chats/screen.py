"""ChatsScreen (`5`): the chat manager. Conversations per buyer on the left (virtual, keyset pages, unread
counts), the open conversation on the right with a line to write, search across chats and find within one.

Every store call runs in a thread worker whose result comes back as a message. Opening a
conversation marks it read; a line sent goes to the buyer's latest chat thread (an outgoing
`tm` message, which answers the chat for the reply rate).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, tzinfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from inquiry_tui.domain.errors import InquiryError, NotFound, StaleWrite
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.chats.conversation import Conversation, conversation, mark_read, send_line
from inquiry_tui.services.chats.conversations import (
    PAGE,
    ChatCounts,
    ConversationRow,
    PageKey,
    chat_counts,
    conversation_page,
    search_conversations,
)
from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.chats import CHATS_CSS
from inquiry_tui.tui.chats.chat_view import ChatView
from inquiry_tui.tui.chats.customers import CustomersFromChatsScreen
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.paged_rows import PagedRows
from inquiry_tui.tui.files.attach import AttachScreen, Chosen, chosen_text

NARROW = 110  # below this many columns the conversation list is narrower


def row_text(row: ConversationRow, width: int, zone: tzinfo = UTC) -> Text:
    """One conversation in the list: unread count, buyer, when, the last line (all buyer text literal)."""
    text = Text(" ")
    text.append(f"{row.unread:>3} " if row.unread else "    ", style="bold yellow")
    name = safe_line(row.name) or safe_line(row.email)
    when = clock.short(row.last_at, zone)
    room = max(8, width - len(when) - 7)
    text.append(truncate(name, room).ljust(room), style="bold" if row.unread else "")
    text.append(" " + when, style="dim")
    return text


class ChatsScreen(Screen[None], WorkerErrors):
    # The list takes the focus as the screen is built (Textual's first focusable is the search field above it):
    # keys typed while it opens go to the list, not into the field.
    AUTO_FOCUS = "#chats-list"
    CSS_PATH = CHATS_CSS
    BINDINGS = [
        Binding("slash", "focus_search", "Search chats", id="chats-search", tooltip="search the lines of every chat"),
        Binding("f", "find", "Find in chat", id="chats-find", tooltip="find words in this conversation (n / N step)"),
        Binding("n", "step(1)", "Next found", show=False, id="chats-find-next"),
        Binding("N", "step(-1)", "Previous found", show=False, id="chats-find-previous"),
        Binding("i", "write", "Write", id="chats-write", tooltip="write a line to the buyer"),
        Binding("ctrl+o", "attach", "Attach", id="chats-attach", tooltip="attach files from the disk or a local path"),
        Binding(
            "c",
            "customers",
            "Customers from TM",
            id="chats-customers",
            tooltip="choose chat buyers to add as customers",
        ),
        Binding("escape", "back", "Back", show=False, id="chats-back", tooltip="back to the list / clear the search"),
    ]

    @dataclass
    class Started(Message):
        zone: tzinfo

    @dataclass
    class PageLoaded(Message):
        generation: int
        counts: ChatCounts | None
        rows: list[ConversationRow]
        next_key: PageKey | None
        search: str | None

    @dataclass
    class MoreLoaded(Message):
        generation: int
        start: PageKey
        rows: list[ConversationRow]
        next_key: PageKey | None

    @dataclass
    class ConversationLoaded(Message):
        buyer_id: int
        conversation: Conversation | None
        read: int

    @dataclass
    class LineSent(Message):
        buyer_id: int

    @dataclass
    class SendRefused(Message):
        message: str

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.zone: tzinfo = UTC
        self.generation = 0
        self.next_key: PageKey | None = None
        self.search: str | None = None
        self.counts: ChatCounts | None = None
        self.open_buyer: int | None = None
        self.attached: tuple[Chosen, ...] = ()
        self._sending = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="chats-body"):
            with Vertical(id="chats-side"):
                yield Input(
                    placeholder="/ search all chats (enter; escape clears)", id="chats-search-box", compact=True
                )
                yield Static("", id="chats-status")
                yield PagedRows(lambda row, width: row_text(row, width, self.zone), empty="No chats", id="chats-list")
            with Vertical(id="chats-main"):
                yield Static("", id="chat-head")
                yield Input(placeholder="find in this chat (enter; n / N step)", id="chat-find", compact=True)
                yield ChatView(id="chat-view")
                yield Static(chosen_text(()), id="chat-attached")
                yield Input(
                    placeholder="i: write a line · enter sends · ctrl+o attaches", id="chat-input", compact=True
                )
        yield KeysFooter()

    @property
    def listing(self) -> PagedRows:
        return self.query_one("#chats-list", PagedRows)

    @property
    def view(self) -> ChatView:
        return self.query_one(ChatView)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        self.query_one("#chat-find", Input).display = False
        self._start()

    @work(thread=True, exclusive=True, group="chats-start", exit_on_error=False)
    def _start(self) -> None:
        self.post_message(self.Started(clock.load(self.ctx)))

    @on(Started)
    def _started(self, event: Started) -> None:
        self.zone = event.zone
        self.run_query()

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        self._started(self.Started(clock.zone()))

    # --- the list -----------------------------------------------------------------------------

    def run_query(self) -> None:
        self.generation += 1
        self._first_page(self.generation, self.search)

    @work(thread=True, exclusive=True, group="chats-list", exit_on_error=False)
    def _first_page(self, generation: int, search: str | None) -> None:
        if search:
            rows = search_conversations(self.ctx, search)
            self.post_message(self.PageLoaded(generation, None, rows, None, search))
            return
        counts = chat_counts(self.ctx)
        page = conversation_page(self.ctx, None, PAGE)
        self.post_message(self.PageLoaded(generation, counts, list(page.rows), page.next_key, None))

    @on(PageLoaded)
    def _page_loaded(self, event: PageLoaded) -> None:
        if event.generation != self.generation:
            return
        self.next_key = event.next_key
        if event.counts is not None:
            self.counts = event.counts
        total = event.counts.conversations if event.counts else len(event.rows)
        # The open conversation keeps the cursor when it is on the first page (it moves up when a line is sent).
        keep = next((i for i, r in enumerate(event.rows) if r.buyer_id == self.open_buyer), 0)
        self.listing.reset(total, event.rows, complete=event.next_key is None, cursor=keep)
        self._status()

    def _status(self) -> None:
        if self.search:
            text = Text(f"{self.listing.total} chats match ", style="bold")
            text.append(f"“{truncate(safe_line(self.search), 30)}”")
        elif self.counts is not None:
            text = Text(f"{self.counts.conversations:,} chats", style="bold")
            text.append(f" · {self.counts.unread:,} unread", style="yellow" if self.counts.unread else "dim")
        else:
            text = Text("")
        self.query_one("#chats-status", Static).update(text)

    @on(PagedRows.RowsWanted)
    def _rows_wanted(self, event: PagedRows.RowsWanted) -> None:
        if self.next_key is not None and self.search is None:
            self._more(self.generation, self.next_key, event.upto - len(self.listing.rows))

    @work(thread=True, exclusive=True, group="chats-more", exit_on_error=False)
    def _more(self, generation: int, key: PageKey, wanted: int) -> None:
        page = conversation_page(self.ctx, key, max(PAGE, wanted))
        self.post_message(self.MoreLoaded(generation, key, list(page.rows), page.next_key))

    @on(MoreLoaded)
    def _more_loaded(self, event: MoreLoaded) -> None:
        if event.generation == self.generation and event.start == self.next_key:
            self.next_key = event.next_key
            self.listing.add_rows(event.rows, event.next_key is None)

    # --- the open conversation ------------------------------------------------------------------

    @on(PagedRows.Highlighted)
    def _highlighted(self, event: PagedRows.Highlighted) -> None:
        row = event.row
        if row is None:
            self.open_buyer = None
            self.view.show_message("No chats" if not self.listing.total else "Choose a conversation")
            self.query_one("#chat-head", Static).update("")
            return
        if row.buyer_id != self.open_buyer:
            self.open_buyer = row.buyer_id
            self.attached = ()
            self.query_one("#chat-attached", Static).update(chosen_text(()))
            self._load(row.buyer_id, True)

    @work(thread=True, exclusive=True, group="chats-open", exit_on_error=False)
    def _load(self, buyer_id: int, read: bool) -> None:
        try:
            conv = conversation(self.ctx, buyer_id)
        except NotFound:
            self.post_message(self.ConversationLoaded(buyer_id, None, 0))
            return
        done = mark_read(self.ctx, buyer_id) if read else 0
        self.post_message(self.ConversationLoaded(buyer_id, conv, done))

    @on(ConversationLoaded)
    def _conversation_loaded(self, event: ConversationLoaded) -> None:
        if event.buyer_id != self.open_buyer:
            return
        conv = event.conversation
        if conv is None:
            self.view.show_message("This chat is no longer yours to see")
            return
        head = Text(safe_line(conv.name) or "(no name)", style="bold")
        head.append(f" <{safe_line(conv.email)}>", style="dim")
        if conv.company:
            head.append(" · " + safe_line(conv.company))
        head.append(f" · {conv.country or '??'} · owner {conv.owner_login}", style="dim")
        if conv.is_customer:
            head.append(" · customer", style="italic")
        self.query_one("#chat-head", Static).update(head)
        self.view.show(conv, self.zone)
        if event.read:
            self._mark_row_read(event.buyer_id)

    def _mark_row_read(self, buyer_id: int) -> None:
        listing = self.listing
        for i, row in enumerate(listing.rows):
            if row.buyer_id == buyer_id and row.unread:
                listing.replace(i, replace(row, unread=0))
                if self.counts is not None and not self.search:
                    self.counts = ChatCounts(self.counts.conversations, max(0, self.counts.unread - 1))
                    self._status()

    # --- search and find ---------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#chats-search-box", Input).focus()

    @on(Input.Submitted, "#chats-search-box")
    def _search(self, event: Input.Submitted) -> None:
        words = event.value.strip()
        self.search = words or None
        self.run_query()
        self.listing.focus()
        if words:
            self.view.set_find(words)

    def action_find(self) -> None:
        box = self.query_one("#chat-find", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#chat-find")
    def _find(self, event: Input.Submitted) -> None:
        found = self.view.set_find(event.value)
        self.notify(
            f"{found} line{'s' if found != 1 else ''} found" if event.value.strip() else "Find cleared", timeout=2
        )
        self.view.focus()

    def action_step(self, delta: int) -> None:
        position, count = self.view.step(delta)
        if count:
            self.notify(f"{position} of {count}", timeout=1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            return bool(self.view.matches) and not isinstance(self.focused, Input)
        # Letters type into a box rather than act.
        return not (action in ("find", "write", "customers") and isinstance(self.focused, Input))

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.id == "chats-search-box" and focused.value:
            focused.value = ""
            self.search = None
            self.view.set_find("")
            self.run_query()
        elif isinstance(focused, Input) and focused.id == "chat-find":
            focused.value = ""
            focused.display = False
            self.view.set_find("")
        self.listing.focus()

    # --- writing -----------------------------------------------------------------------------

    def action_write(self) -> None:
        if self.open_buyer is None:
            self.notify("Choose a conversation first.", severity="warning")
            return
        self.query_one("#chat-input", Input).focus()

    @on(PagedRows.Opened)
    def _opened(self) -> None:
        self.action_write()

    def action_attach(self) -> None:
        if self.open_buyer is None:
            self.notify("Choose a conversation first.", severity="warning")
            return

        def chosen(files: tuple[Chosen, ...] | None) -> None:
            if files is not None:
                self.attached = files
                self.query_one("#chat-attached", Static).update(chosen_text(files))
                self.query_one("#chat-input", Input).focus()

        self.app.push_screen(AttachScreen(self.ctx, self.attached), chosen)

    @on(Input.Submitted, "#chat-input")
    def _send_line(self, event: Input.Submitted) -> None:
        if self._sending or self.open_buyer is None:
            return
        if not event.value.strip() and not self.attached:
            return
        self._sending = True
        self._send(self.open_buyer, event.value, self.attached)

    @work(thread=True, exclusive=True, group="chats-send", exit_on_error=False)
    def _send(self, buyer_id: int, text: str, files: tuple[Chosen, ...]) -> None:
        try:
            send_line(self.ctx, buyer_id, text, [f.source for f in files])
        except (StaleWrite, InquiryError) as error:
            self.post_message(self.SendRefused(str(error)))
            return
        except BaseException:
            self.post_message(self.SendRefused(""))
            raise
        self.post_message(self.LineSent(buyer_id))

    @on(LineSent)
    def _sent(self, event: LineSent) -> None:
        self._sending = False
        self.query_one("#chat-input", Input).value = ""
        self.attached = ()
        self.query_one("#chat-attached", Static).update(chosen_text(()))
        if event.buyer_id == self.open_buyer:
            self._load(event.buyer_id, False)
        self.run_query()

    @on(SendRefused)
    def _refused(self, event: SendRefused) -> None:
        self._sending = False
        if event.message:
            self.notify(event.message, severity="warning", markup=False)

    # --- import from TM ------------------------------------------------------------------------

    def action_customers(self) -> None:
        def done(added: int | None) -> None:
            if added is not None:
                self.notify(f"{added} chat buyer{'s' if added != 1 else ''} became customers")
                if self.open_buyer is not None:
                    self._load(self.open_buyer, False)

        self.app.push_screen(CustomersFromChatsScreen(self.ctx), done)
