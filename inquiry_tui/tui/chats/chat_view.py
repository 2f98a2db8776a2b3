"""ChatView: one conversation's lines (Line API), with the words being found marked and stepped through.

Every line of the buyer is literal text after safe_text, never markup. Each chat line is wrapped
into strips once per conversation (and width); the view remembers where each line starts so
that `n` / `N` scroll to the next line holding what is being found.
"""

from __future__ import annotations

from datetime import tzinfo

from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inquiry_tui.domain.text import safe_line, safe_text
from inquiry_tui.services.chats.conversation import ChatLine, Conversation
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.files.labels import attachment_line

LABELS = {"in": ("▶ ", "bold cyan"), "out": ("◀ ", "bold green"), "auto": ("⟲ Auto-reply", "bold magenta")}


def line_text(line: ChatLine, buyer: str, zone: tzinfo, find: str = "") -> Text:
    label, style = LABELS.get(line.direction, (line.direction, "bold"))
    out = Text()
    if line.direction == "in":
        out.append(label + (safe_line(buyer) or "Buyer"), style=style)
    elif line.direction == "out":
        out.append(label + (safe_line(line.author or "") or "Seller"), style=style)
    else:
        out.append(label, style=style)
    out.append(f"  {clock.stamp(line.sent_at, zone)}\n", style="dim")
    body = Text(safe_text(line.text), style="dim" if line.direction == "auto" else "")
    if find:
        body.highlight_words([find], style="black on yellow", case_sensitive=False)
    out.append_text(body)
    if line.cut_bytes:
        out.append(f"\n… {line.cut_bytes:,} more bytes not shown", style="italic dim")
    out.append("\n")
    for a in line.attachments:
        out.append_text(attachment_line(a.name, a.size, a.mime))
    return out


class ChatView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    ChatView { height: 1fr; padding: 0 1; overflow-x: hidden; overflow-y: scroll; }
    """
    BINDINGS = [
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="chat-scroll-up"),
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="chat-scroll-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="chat-page-up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="chat-page-down"),
        Binding("home", "scroll_home", "Top", show=False, id="chat-top"),
        Binding("end", "scroll_end", "Bottom", show=False, id="chat-bottom"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.conversation: Conversation | None = None
        self.zone: tzinfo | None = None
        self.find = ""
        self.matches: list[int] = []  # indexes of the lines holding `find`
        self.match = -1
        self._message = "Choose a conversation"
        self._strips: list[Strip] = []
        self._starts: list[int] = []
        self._width = 0

    @property
    def plain(self) -> str:
        """What the view says, as plain text (tests)."""
        return "\n".join(strip.text for strip in self._strips).rstrip()

    def show(self, conversation: Conversation, zone: tzinfo, *, keep_find: bool = True) -> None:
        self.conversation, self.zone = conversation, zone
        if not keep_find:
            self.find = ""
        self._wrap()
        # The newest line at the bottom, once the new length is laid out.
        self.call_after_refresh(
            self.scroll_to, y=max(0, len(self._strips) - self.scrollable_content_region.height), animate=False
        )

    def show_message(self, message: str) -> None:
        self.conversation = None
        self._message = message
        self._wrap()

    def set_find(self, words: str) -> int:
        """Mark WORDS in every line; returns how many lines hold them (the view moves to the newest)."""
        self.find = words.strip()
        self._wrap()
        if self.matches:
            self.match = len(self.matches) - 1
            self._scroll_to_match()
        return len(self.matches)

    def step(self, delta: int) -> tuple[int, int]:
        """To the next (1) or previous (-1) line holding the words found; (position, count)."""
        if not self.matches:
            return 0, 0
        self.match = (self.match + delta) % len(self.matches)
        self._scroll_to_match()
        return self.match + 1, len(self.matches)

    def _scroll_to_match(self) -> None:
        self.scroll_to(y=self._starts[self.matches[self.match]], animate=False, immediate=True)

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        self._width = width
        if width <= 0:
            self._strips, self._starts = [], []
            return
        console = self.app.console
        options = console.options.update_width(width)
        self.matches = []
        c = self.conversation
        blocks: list[tuple[bool, Text]] = []  # (a chat line?, its text)
        if c is None or self.zone is None:
            blocks.append((False, Text(self._message, style="dim")))
        else:
            if c.earlier:
                blocks.append((False, Text(f"… {c.earlier:,} earlier lines not shown", style="italic dim")))
            needle = self.find.lower()
            for i, line in enumerate(c.lines):
                if needle and needle in safe_text(line.text).lower():
                    self.matches.append(i)
                blocks.append((True, line_text(line, c.name or c.email, self.zone, self.find)))
        strips: list[Strip] = []
        starts: list[int] = []
        for is_line, block in blocks:
            if is_line:
                starts.append(len(strips))
            lines = console.render_lines(block, options, style=self.rich_style, pad=True)
            strips.extend(Strip(line, width) for line in lines)
        self._strips, self._starts = strips, starts
        size = Size(width, len(strips))
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def on_resize(self) -> None:
        if self.scrollable_content_region.width != self._width:
            self._wrap()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if 0 <= index < len(self._strips):
            return self._strips[index]
        return Strip.blank(width, self.rich_style)
