"""KeysFooter: the footer every screen shows; it fits a narrow terminal and leaves out the admin's keys for a salesperson.

Textual's footer lays its keys out in one row and clips what does not fit, silently (at 80
columns the inbox's ended at "a As…"). This one keeps the keys in their binding order (each
screen lists its most used first), drops whole keys from the end when they do not fit, and
then ends with `? more`, the help that lists every key. Below `COMPACT_BELOW` columns it uses
Textual's compact spacing and leaves the palette key (`ctrl+p`) to `?` help.
"""

from __future__ import annotations

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


class KeysFooter(Footer):
    """The screen's keys that fit, in binding order; `? more` when some do not."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: tuple[object, ...] | None = None  # what the keys on screen were composed from

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._recompose_if_changed)

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual's footer composes its keys again whenever the screen's bindings are refreshed
        # (a focus change, a key whose enabled state is checked again): seven times before the
        # inbox's first page, 50-80 ms each. Only a change in what it would show is worth that.
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self.is_attached and self._bindings_ready and self._plan_key() != self._shown:
            await self.recompose()

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

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._shown = self._plan_key()
        width = self.size.width or self.app.size.width
        compact = width < COMPACT_BELOW
        self.compact = compact
        self.show_command_palette = not compact
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
        for binding, enabled, tooltip in keys:
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip or binding.tooltip,
            )
            # Set, not bound with `data_bind(compact=Footer.compact)` as Textual's footer does: a bound
            # key stays in the footer's watchers (pruned only when `compact` changes, which is never)
            # after a recompose removes it, with its styles and caches, about 50 KB a key: 16 keys
            # leaked on every screen change. The footer composes again whenever the width changes.
            key.set_reactive(FooterKey.compact, compact)
            key.set_class(compact, "-compact")
            yield key
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if active is not None:
                _node, binding, enabled, _tooltip = active
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )
