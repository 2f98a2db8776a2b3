"""KeysFooter: the footer every screen shows; it fits a narrow terminal and leaves out the admin's keys for a salesperson.

Textual's footer lays its keys out in one row and clips what does not fit, silently (at 80
columns the inbox's ended at "a As…"). This one keeps the keys in their binding order (each
screen lists its most used first), drops whole keys from the end when they do not fit, and
then ends with `? more`, the help that lists every key. Below `COMPACT_BELOW` columns it uses
Textual's compact spacing and leaves the palette key (`ctrl+p`) to `?` help.
"""

from __future__ import annotations

from typing import NamedTuple

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from inquiry_tui.tui.common.roles import shown_to

COMPACT_BELOW = 120  # columns
MORE = "more"


def key_width(key_display: str, description: str, *, compact: bool) -> int:
    """Columns a FooterKey takes, its margin included (Textual's footer styles)."""
    if compact:
        return len(key_display) + 1 + len(description) + 1  # "k desc" and margin-right 1
    return 1 + len(key_display) + 1 + len(description) + 1  # " k " "desc "


class Entry(NamedTuple):
    """One key the footer shows: its binding, whether it is enabled, its tooltip, and whether it is the palette's."""

    binding: Binding
    enabled: bool
    tooltip: str
    palette: bool


def _identity(entry: Entry) -> tuple[object, ...]:
    b = entry.binding
    return (b.key, b.action, b.description, entry.enabled, entry.tooltip, entry.palette)


class KeysFooter(Footer):
    """The screen's keys that fit, in binding order; `? more` when some do not."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[object, ...] | None = None  # what the keys on screen show (_plan_key)
        self._composed_plan: tuple[object, ...] | None = None  # what they were composed from
        self._composed: list[tuple[object, ...]] = []  # the composed keys, in order (_identity)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._recompose_if_changed)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual's footer composes its keys again whenever the screen's bindings are refreshed
        # (a focus change, a key whose enabled state is checked again): seven times before the
        # inbox's first page, 50-80 ms each. Only a change in what it would show is worth that.
        self._bindings_ready = True
        # Keys hidden or shown again go in the frame of the change that asked (the focus moving to the
        # list with a search's hits); keys to compose, after it.
        if screen.app.app_focus and self.is_attached and screen is self.screen and not self._show_if_composed():
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached or not self._bindings_ready:
            return
        if not self._show_if_composed():
            await self.recompose()

    def _show_if_composed(self) -> bool:
        """Whether the keys mounted show what the footer should (hiding or showing some of them if need be)."""
        plan = self._plan_key()
        if plan == self._shown:
            return True
        if self._composed_plan is not None and plan[:2] == self._composed_plan[:2] and self._show_only(self._entries()):
            self._shown = plan
            return True
        return False

    def _show_only(self, entries: list[Entry]) -> bool:
        """Show the composed keys ENTRIES keeps and hide the rest, if ENTRIES are some of them in their order.

        The focus entering a text field leaves the letter keys out, and leaving it brings them back: hiding
        and showing keys already mounted is one layout of the footer, where composing them again mounts and
        styles some 16 widgets and lays the footer out twice more, frames after the rest of the screen
        (a search's hits, at enter). False when ENTRIES hold a key not composed, or in another order.
        """
        keys = list(self.query_children(FooterKey))
        if len(keys) != len(self._composed):
            return False
        wanted = [_identity(e) for e in entries]
        shown: list[bool] = []
        at = 0
        for composed in self._composed:
            match = at < len(wanted) and wanted[at] == composed
            shown.append(match)
            at += match
        if at != len(wanted):
            return False
        for key, show in zip(keys, shown, strict=True):
            if key.display != show:
                key.display = show
        return True

    def _plan_key(self) -> tuple[object, ...]:
        """What compose would show: the width and each shown binding with its state."""
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
        """The keys compose shows, in order: the screen's that fit (then `? more`), and the palette's."""
        width = self.size.width or self.app.size.width
        compact = width < COMPACT_BELOW
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

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown = self._composed_plan = self._plan_key()
        width = self.size.width or self.app.size.width
        compact = width < COMPACT_BELOW
        self.compact = compact
        self.show_command_palette = not compact
        entries = self._entries()
        self._composed = [_identity(e) for e in entries]
        for entry in entries:
            binding = entry.binding
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not entry.enabled,
                tooltip=entry.tooltip,
                classes="-command-palette" if entry.palette else "",
            )
            if not entry.palette:
                # Set, not bound with `data_bind(compact=Footer.compact)` as Textual's footer does: a bound
                # key stays in the footer's watchers (pruned only when `compact` changes, which is never)
                # after a recompose removes it, with its styles and caches, about 50 KB a key: 16 keys
                # leaked on every screen change. The footer composes again whenever the width changes.
                key.set_reactive(FooterKey.compact, compact)
                key.set_class(compact, "-compact")
            yield key
