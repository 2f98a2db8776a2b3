"""ThreadView: the detail pane, one inquiry's thread with its state, junk reasons and allocation history.

Incoming, outgoing and automatic messages are told apart by a labelled, coloured header line
and a coloured rule. Everything the buyer wrote is appended to a Text as literal text after
safe_text: never markup, never raw control characters.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.strip import Strip

from inquiry_tui.domain.text import safe_line, safe_text
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.strip_view import StripView
from inquiry_tui.tui.common.text_strips import text_strips
from inquiry_tui.tui.files.labels import append_attachment_line
from inquiry_tui.tui.inbox.header_lines import notes_lines, terms_line

if TYPE_CHECKING:
    from inquiry_tui.services.inbox.thread import ThreadDetail, ThreadMessage

DIRECTION = {
    "in": ("▶ Buyer", "bold cyan"),
    "out": ("◀ Reply", "bold green"),
    "auto": ("⟲ Auto-reply (smart reception)", "bold magenta"),
}


def _when(moment: datetime | None, zone: tzinfo) -> str:
    return clock.stamp(moment, zone)


def _span(delta_seconds: float) -> str:
    minutes = int(abs(delta_seconds) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    return f"{hours} h" if hours < 48 else f"{hours // 24} d"


def _status(d: ThreadDetail, now: datetime, zone: tzinfo) -> Text:
    line = Text()
    line.append(f"Received {_when(d.received_at, zone)}", style="dim")
    if d.first_response_at is not None:
        took = (d.first_response_at - d.received_at).total_seconds()
        line.append(f"  · answered after {_span(took)}", style="green")
    elif d.overdue and d.due_at is not None:
        line.append(f"  · OVERDUE by {_span((now - d.due_at).total_seconds())}", style="bold red")
    elif d.due_at is not None and d.folder == "inbox":
        line.append(f"  · due {_when(d.due_at, zone)} (in {_span((d.due_at - now).total_seconds())})", style="yellow")
    flags = [name for name, on in (("unread", d.unread), ("tagged", d.tagged), ("replied", d.replied)) if on]
    if d.auto_replies:
        flags.append(f"{d.auto_replies} auto-repl{'y' if d.auto_replies == 1 else 'ies'}")
    if flags:
        line.append("  · " + ", ".join(flags), style="dim")
    return line


def _message(m: ThreadMessage, zone: tzinfo, width: int) -> Text:
    label, style = DIRECTION.get(m.direction, (m.direction, "bold"))
    if m.direction == "out" and m.author:
        label = f"◀ {safe_line(m.author)}"
    out = Text()
    out.append("─" * 2 + " ", style=style.replace("bold ", ""))
    out.append(label, style=style)
    out.append(f"  {_when(m.sent_at, zone)}", style="dim")
    if m.delivery:  # an e-mail: where it is in the outbox (sent, or why it waits)
        out.append(f"  ✉ {safe_line(m.delivery)}", style="green" if m.delivery == "sent" else "bold yellow")
    out.append("\n")
    out.append(safe_text(m.body) or "(empty message)", style="dim" if m.direction == "auto" else "")
    if m.cut_bytes:
        out.append(f"\n… {m.cut_bytes:,} more bytes not shown", style="italic dim")
    out.append("\n")
    for a in m.attachments:  # names come from outside: literal, after safe_line
        append_attachment_line(out, a.name, a.size, a.mime)
    return out


def thread_text(d: ThreadDetail, now: datetime, zone: tzinfo, width: int = 60) -> Text:
    """The whole detail pane as one literal Text."""
    t = Text()
    t.append(safe_line(d.subject) or "(no subject)", style="bold")
    t.append("\n")
    head = f"#{d.id} · {d.channel}"
    if d.product_sku:
        head += f" · {d.product_sku} {d.product_name or ''}".rstrip()
    if d.quantity:
        qty = int(d.quantity) if float(d.quantity).is_integer() else d.quantity
        head += f" · {qty} {d.unit or ''}".rstrip()
    t.append(head + "\n", style="dim")
    t.append("From ", style="dim")
    t.append(safe_line(d.buyer_name) or "(no name)", style="bold")
    t.append(f" <{safe_line(d.buyer_email)}>", style="dim")
    if d.buyer_company:
        t.append(" · ")
        t.append(safe_line(d.buyer_company))
    t.append(f" · {d.buyer_country or '??'}")
    if d.buyer_verified:
        t.append(" ✓ verified", style="bold blue")
    if d.buyer_tier:
        t.append(f" {d.buyer_tier}", style="blue")
    if d.is_customer:
        t.append(" · customer", style="italic")
    t.append("\n")
    t.append(f"Owner {d.owner_login} ({safe_line(d.owner_name)}) · rule {d.rule or '—'}\n", style="dim")
    if d.buyer_owner_login is not None and d.buyer_owner_login != d.owner_login:
        # Thread and buyer owners differ (a reassign moved the thread, not the buyer): say whose the next one is.
        nxt = f"goes to {d.buyer_owner_login} (sticky)" if d.sticky else "is routed by the rules (sticky is off)"
        t.append(f"The buyer's owner is {d.buyer_owner_login}: their next inquiry {nxt}\n", style="dim")
    for extra in (terms_line(d), notes_lines(d, zone)):  # the buyer's stated terms; the admin's notes
        if extra is not None:
            t.append_text(extra)
    t.append_text(_status(d, now, zone))
    t.append("\n")
    if d.folder == "deleted":
        t.append(f"Deleted {_when(d.deleted_at, zone)} — u restores it\n", style="bold yellow")
    if d.is_junk or d.junk_reasons:
        t.append(
            f"Junk (score {d.junk_score})" if d.is_junk else f"Junk filter notes (score {d.junk_score})",
            style="bold red",
        )
        t.append("\n")
        for reason in d.junk_reasons or ("marked junk by a person",):
            t.append(f"  • {safe_line(reason)}\n", style="red")
    t.append("\n")
    if d.earlier_messages:
        t.append(f"… {d.earlier_messages:,} earlier messages not shown\n\n", style="italic dim")
    for m in d.messages:
        t.append_text(_message(m, zone, width))
        t.append("\n")
    t.append("Allocation history\n", style="bold")
    if not d.allocations:
        t.append("  (no record)\n", style="dim")
    for a in d.allocations:
        t.append(f"  {_when(a.at, zone)}  ", style="dim")
        t.append(f"{a.from_login or 'new'} → {a.to_login}")
        t.append(f"  {a.rule}", style="cyan")
        t.append(f"  by {a.actor}", style="dim")
        if a.reason:
            t.append(f"  {safe_line(a.reason)}", style="dim")
        t.append("\n")
    return t


KEPT = 16  # threads whose strips are kept: moving back and forth draws them from memory

Key = tuple[object, ...]


@dataclass(frozen=True)
class ThreadLayout:
    """What laying a thread out for the pane needs, read from the pane on the event loop (`ThreadView.worker_layout`)."""

    width: int  # the content width the strips are cut to
    pane_width: int  # the pane's whole width (thread_text's header lines)
    style: Style
    console: Console


@dataclass(frozen=True)
class LaidThread:
    """A thread laid out for a pane (in a worker thread, `lay_out`): handed to `ThreadView.keep` on the loop."""

    key: Key
    detail: ThreadDetail
    text: Text
    strips: list[Strip]


def thread_key(detail: ThreadDetail, now: datetime, zone: tzinfo, width: int, style: Style) -> Key:
    """What a thread's strips are kept under: the thread and its version, the width, the zone, the style, the status line."""
    return (detail.id, detail.version, width, zone, style, _status(detail, now, zone).plain)


def lay_out(detail: ThreadDetail, now: datetime, zone: tzinfo, layout: ThreadLayout) -> LaidThread:
    """DETAIL's text and strips for a pane of LAYOUT: pure, so a worker thread can build them off the frame's path."""
    text = thread_text(detail, now, zone, layout.pane_width)
    strips = text_strips(text, layout.console, layout.width, layout.style)
    return LaidThread(thread_key(detail, now, zone, layout.width, layout.style), detail, text, strips)


class ThreadView(StripView, can_focus=True):
    """Scrollable detail pane (Line API): showing another thread repaints the lines that differ, in this pane only.

    A Static in a scroll container would change height with every thread and make the whole
    screen lay out and repaint again; here the text is wrapped once per thread (and width)
    into strips (text_strips: only the lines wider than the pane are word-wrapped), and
    scrolling draws from them. The strips of the last KEPT threads are kept, each under what
    it was built from (the thread and its version, the width, the zone, the style and the
    status line, which says how long ago or how soon); the stored thread must equal the one
    shown too (a note or an answer may change it without a new version).
    """

    DEFAULT_CSS = """
    ThreadView { height: 1fr; padding: 0 1; overflow-x: hidden; overflow-y: scroll; }
    """
    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="thread-up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="thread-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="thread-page-up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="thread-page-down"),
        Binding("home", "scroll_home", "Top", show=False, id="thread-top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="thread-bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown_id: int | None = None
        self._text = Text("No inquiry selected", style="dim")
        self._built: tuple[ThreadDetail, datetime, tzinfo, int] | None = None  # what the text was built from
        self._kept: OrderedDict[tuple[object, ...], tuple[ThreadDetail, Text, list[Strip]]] = OrderedDict()
        self.builds = 0  # threads laid out (not drawn from memory): tests

    def show(self, detail: ThreadDetail, now: datetime, zone: tzinfo) -> None:
        if detail.id != self.shown_id:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.shown_id = detail.id
        self._built = (detail, now, zone, self.size.width)
        self._show_thread(detail, now, zone)

    def worker_layout(self) -> ThreadLayout | None:
        """What a worker needs to lay a thread out for this pane as it is now (None: no width yet)."""
        width = self.content_width()
        if width <= 0 or not self.is_mounted:
            return None
        return ThreadLayout(width, self.size.width, self.base_style, self.app.console)

    def keep(self, laid: LaidThread) -> None:
        """Keep a thread a worker laid out (`lay_out`): showing it then draws from memory."""
        self._kept[laid.key] = (laid.detail, laid.text, laid.strips)
        self._kept.move_to_end(laid.key)
        while len(self._kept) > KEPT:
            self._kept.popitem(last=False)

    def _show_thread(self, detail: ThreadDetail, now: datetime, zone: tzinfo) -> None:
        width = self.content_width()
        if width <= 0:
            self._text = thread_text(detail, now, zone, self.size.width)
            self.show_strips([], 0)
            return
        style = self.base_style
        key = thread_key(detail, now, zone, width, style)
        kept = self._kept.get(key)
        if kept is not None and kept[0] == detail:
            self._kept.move_to_end(key)
            _, text, strips = kept
        else:
            self.builds += 1
            laid = lay_out(detail, now, zone, ThreadLayout(width, self.size.width, style, self.app.console))
            self.keep(laid)
            text, strips = laid.text, laid.strips
        self._text = text
        self.show_strips(strips, width)

    def show_message(self, message: str) -> None:
        """An empty or unavailable pane (our own text, shown literally)."""
        self.shown_id = None
        self._built = None
        self.scroll_to(y=0, animate=False, immediate=True)
        self._text = Text(message, style="dim")
        self._wrap()

    @property
    def plain(self) -> str:
        """What the pane says, as plain text (tests, accessibility)."""
        return self._text.plain

    def _wrap(self) -> None:
        width = self.content_width()
        strips = text_strips(self._text, self.app.console, width, self.base_style) if width > 0 else []
        self.show_strips(strips, max(0, width))

    def _rebuild(self) -> None:
        if self._built is not None:
            # The thread's text is laid out for a width (its header lines): built again for the new one.
            detail, now, zone, _ = self._built
            self._built = (detail, now, zone, self.size.width)
            self._show_thread(detail, now, zone)
        else:
            self._wrap()

    def on_resize(self) -> None:
        if self.content_width() != self._width or (self._built is not None and self._built[3] != self.size.width):
            self._rebuild()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept.clear()
        if self.is_mounted:
            self._rebuild()
