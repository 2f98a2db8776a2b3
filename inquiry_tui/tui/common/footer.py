"""KeysFooter: the footer every screen shows; it fits a narrow terminal and leaves out the admin's keys for a salesperson.

Textual's footer lays its keys out in one row and clips what does not fit, silently (at 80
columns the inbox's ended at "a As…"). This one keeps the keys in their binding order (each
screen lists its most used first), drops whole keys from the end when they do not fit, and
then ends with `? more`, the help that lists every key. Below `COMPACT_BELOW` columns it uses
Textual's compact spacing and leaves the palette key (`ctrl+p`) to `?` help.

It is one widget drawing one line, with the cells Textual's footer keys would draw (their
styles, spacing, the palette's key docked right behind its edge, a key under the mouse and a
disabled one). Textual's footer is a container of one widget per key, and the keys change with
the focus: the search field taking it hid 14 of them and giving it back showed them again, each
time a layout of the whole screen and some 16 widgets styled and drawn, in the frame with a
search's hits (docs/performance.md, "One footer widget, session 14"). Here a change of keys
repaints one line.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from inquiry_tui.tui.common.roles import shown_to

COMPACT_BELOW = 120  # columns
MORE = "more"
PALETTE_EDGE = "▏"  # Textual's `vkey` border, left side


def key_parts(key_display: str, description: str, *, compact: bool) -> tuple[str, str]:
    """A key's two runs as Textual's FooterKey lays them out, padding included: the key, and its description."""
    if not description:
        return key_display, ""
    if compact:
        return key_display, f" {description}"
    return f" {key_display} ", f"{description} "


def key_width(key_display: str, description: str, *, compact: bool) -> int:
    """Columns a key takes from the left, its gap after it included (compact: 1)."""
    key, text = key_parts(key_display, description, compact=compact)
    return len(key) + len(text) + (1 if compact else 0)


class Entry(NamedTuple):
    """One key the footer shows: its binding, whether it is enabled, its tooltip, and whether it is the palette's."""

    binding: Binding
    enabled: bool
    tooltip: str
    palette: bool


class Placed(NamedTuple):
    """A key as drawn: its entry, what shows for the key, and the columns it covers (`start` <= x < `end`)."""

    entry: Entry
    key_display: str
    start: int
    end: int

    @property
    def description(self) -> str:
        return self.entry.binding.description

    @property
    def action(self) -> str:
        return self.entry.binding.action


class KeysFooter(Widget, can_focus=False):
    """The screen's keys that fit, in binding order; `? more` when some do not."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keys-footer--item",
        "keys-footer--hover",
        "keys-footer--key",
        "keys-footer--description",
        "keys-footer--edge",
    }
    # The values of Textual's footer (Footer and FooterKey), per part of a key.
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keys-footer--item { background: $footer-item-background; }
        & > .keys-footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
        & > .keys-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keys-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keys-footer--edge { color: $foreground 20%; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._bindings_ready = False  # the screen has told us its keys once
        self._plan: tuple[object, ...] | None = None  # what `placed` was laid out from (_plan_key)
        self._placed: tuple[Placed, ...] = ()
        self._hover: int | None = None  # the index in `placed` under the mouse
        self._line: tuple[tuple[object, ...], Strip] | None = None  # the line drawn, and for what

    # --- what it shows -------------------------------------------------------------------------

    @property
    def compact(self) -> bool:
        """Textual's compact spacing (a narrow terminal), without the palette's key."""
        return (self.size.width or self.app.size.width) < COMPACT_BELOW

    @property
    def placed(self) -> tuple[Placed, ...]:
        """The keys drawn, in order (the palette's last), with their columns."""
        return self._placed

    @property
    def hovered(self) -> Placed | None:
        """The key under the mouse, if any."""
        return self._placed[self._hover] if self._hover is not None and self._hover < len(self._placed) else None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """The screen's keys may have changed (a focus change, a key's state checked again): repaint if what shows did."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._update_plan()

    def on_resize(self, _event: events.Resize) -> None:
        self._update_plan()

    def _update_plan(self) -> None:
        if not self._bindings_ready or not self.is_attached:
            return
        plan = self._plan_key()
        if plan == self._plan:
            return
        self._plan = plan
        self._placed = self._place(self._entries())
        self._hover = None
        self.refresh()

    def _plan_key(self) -> tuple[object, ...]:
        """What the keys shown depend on: the width, the actor's role and each shown binding with its state."""
        actor = getattr(getattr(self.app, "ctx", None), "actor", None)
        bindings = self.screen.active_bindings
        palette = bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            self.size.width or self.app.size.width,
            getattr(actor, "is_admin", None),
            palette is not None and palette[2],
            *(
                (binding.key, binding.action, binding.description, enabled, tooltip, binding.id)
                for _node, binding, enabled, tooltip in bindings.values()
                if binding.show
            ),
        )

    def _entries(self) -> list[Entry]:
        """The keys shown, in order: the screen's that fit (then `? more`), and the palette's."""
        width = self.size.width or self.app.size.width
        compact = self.compact
        actor = getattr(getattr(self.app, "ctx", None), "actor", None)
        seen: set[str] = set()
        keys: list[tuple[Binding, bool, str]] = []
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen or not shown_to(actor, binding.id):
                continue
            seen.add(binding.action)
            keys.append((binding, enabled, tooltip))
        palette = 0 if compact else 13  # "▏^p palette " docked right
        room = width - palette
        widths = [key_width(self.app.get_key_display(b), b.description, compact=compact) for b, _enabled, _tip in keys]
        if sum(widths) > room:
            keys = [k for k in keys if k[0].action != "app.show_keys"]  # `? more` replaces it, at the end
            widths = [
                key_width(self.app.get_key_display(b), b.description, compact=compact) for b, _enabled, _tip in keys
            ]
            room -= key_width("?", MORE, compact=compact)
            fitting = 0
            while fitting < len(keys) and sum(widths[: fitting + 1]) <= room:
                fitting += 1
            keys = [
                *keys[:fitting],
                (Binding("question_mark", "app.show_keys", MORE), True, "every key of this screen"),
            ]
        entries = [Entry(binding, enabled, tooltip or binding.tooltip, False) for binding, enabled, tooltip in keys]
        if not compact and self.app.ENABLE_COMMAND_PALETTE:
            active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if active is not None:
                _node, binding, enabled, _tooltip = active
                entries.append(Entry(binding, enabled, binding.tooltip or binding.description, True))
        return entries

    def _place(self, entries: list[Entry]) -> tuple[Placed, ...]:
        """ENTRIES' columns: the keys from the left, each as wide as its text (and a gap when compact);
        the palette's docked right, its edge and a cell of padding included."""
        width = self.size.width or self.app.size.width
        compact = self.compact
        placed: list[Placed] = []
        x = 0
        for entry in entries:
            shown, description = self.app.get_key_display(entry.binding), entry.binding.description
            if entry.palette:  # its edge, the key drawn compact (as Textual draws it) and a cell of padding
                span = 1 + key_width(shown, description, compact=True)
                placed.append(Placed(entry, shown, max(0, width - span), width))
                continue
            drawn = "".join(key_parts(shown, description, compact=compact))
            placed.append(Placed(entry, shown, x, x + len(drawn)))
            x += key_width(shown, description, compact=compact)
        return tuple(placed)

    # --- drawing -------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = Style.from_color(bgcolor=self.rich_style.bgcolor)  # (Textual's blank cells carry no colour)
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        placed = self.placed
        key = (self._plan, self._hover, width)
        if self._line is not None and self._line[0] == key:
            return self._line[1]
        cells: list[Segment] = []
        at = 0
        for index, item in enumerate(placed):
            if item.start < at:  # (overlaps the key before: never when `_entries` fitted them)
                continue
            if item.start > at:
                cells.append(Segment(" " * (item.start - at), base))
            cells.extend(self._key_segments(item, hovered=index == self._hover))
            at = item.end
        strip = Strip(cells).adjust_cell_length(width, base).crop(0, width)
        self._line = (key, strip)
        return strip

    def _key_segments(self, item: Placed, *, hovered: bool) -> list[Segment]:
        """One key's cells, styled as Textual's FooterKey styles them."""
        entry = item.entry
        compact = self.compact or entry.palette
        under = self.get_component_rich_style("keys-footer--hover" if hovered else "keys-footer--item")
        if not entry.enabled:
            under += Style(dim=True)
        key_style = under + self.get_component_rich_style("keys-footer--key", partial=True)
        description_style = under + self.get_component_rich_style("keys-footer--description", partial=True)
        cells: list[Segment] = []
        if entry.palette:
            edge = self.get_component_rich_style("keys-footer--edge")
            cells.append(Segment(PALETTE_EDGE, under + Style(color=edge.color)))
        key, description = key_parts(item.key_display, entry.binding.description, compact=compact)
        cells.append(Segment(key, key_style))
        if description:
            cells.append(Segment(description, description_style))
        if entry.palette:
            cells.append(Segment(" ", Style.from_color(bgcolor=under.bgcolor)))  # its padding-right
        return cells

    # --- the mouse -----------------------------------------------------------------------------

    def _index_at(self, x: int) -> int | None:
        for index, item in enumerate(self._placed):
            if item.start <= x < item.end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._index_at(event.x))

    def on_leave(self, _event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            self._hover = index
            self.tooltip = self._placed[index].entry.tooltip or None if index is not None else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._index_at(event.x)
        if index is None:
            return
        entry = self._placed[index].entry
        if not entry.enabled:
            self.app.bell()
        else:
            self.app.simulate_key(entry.binding.key)
