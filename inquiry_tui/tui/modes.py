"""The top-level screens (modes), one row each: the app's keys, its modes, the palette's "Go:" entries,
`?` help and the role check all read this table.

A new top-level screen is one row here and its package (`tui/<feature>/`, the screen taking the
service context). Screens are imported when first opened, so the inbox comes up fast; the inbox and the
last two screens left are kept as the user left them, older ones are released and built afresh when opened
again (tui/app.py, `kept_screens`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from textual.screen import Screen

    from inquiry_tui.services.context import Ctx


@dataclass(frozen=True)
class Mode:
    """A top-level screen: the KEY that opens it anywhere, its mode NAME, its TITLE and where its screen lives."""

    key: str
    name: str
    title: str
    screen: str  # "module:Class"; the class is built with the service context
    admin_only: bool = False

    @property
    def binding_id(self) -> str:
        # "go-…": the palette and `?` help file the key under "Go".
        return f"go-{self.name}"

    def build(self, ctx: Ctx) -> Screen[None]:
        module, _, name = self.screen.partition(":")
        factory: Callable[[Ctx], Screen[None]] = getattr(import_module(module), name)
        return factory(ctx)


MODES: tuple[Mode, ...] = (
    Mode("1", "inbox", "Inbox", "inquiry_tui.tui.inbox.screen:InboxScreen"),
    Mode("2", "customers", "Customers", "inquiry_tui.tui.customers.screen:CustomersScreen"),
    Mode("3", "deals", "Deals", "inquiry_tui.tui.deals.screen:DealsScreen"),
    Mode("4", "rfq", "RFQ market", "inquiry_tui.tui.rfq.screen:RfqScreen"),
    Mode("5", "chats", "Chats", "inquiry_tui.tui.chats.screen:ChatsScreen"),
    Mode("6", "disk", "Disk", "inquiry_tui.tui.files.disk_screen:DiskScreen"),
    Mode("7", "calls", "Calls", "inquiry_tui.tui.calls.screen:CallsScreen"),
    Mode("8", "notices", "Notices", "inquiry_tui.tui.notices.screen:NoticesScreen"),
    Mode("9", "visitors", "Visitors", "inquiry_tui.tui.visitors.screen:VisitorsScreen"),
    Mode("0", "admin", "Admin", "inquiry_tui.tui.admin.screen:AdminScreen", admin_only=True),
)
START = MODES[0]  # the screen the app opens on


def mode_named(name: str) -> Mode:
    return next(mode for mode in MODES if mode.name == name)


def mode_bindings() -> list[Binding]:
    """The keys of the modes, in table order.

    An admin-only mode has a second, hidden binding on its key: the app disables one of the two
    by role (`check_action`), so a salesperson neither sees the key nor presses it in vain (it
    says why). Ten screens do not fit a footer beside a screen's own keys, so the mode keys are
    listed by `?` and the palette (ctrl+p), not in the footer.
    """
    bindings = [Binding(m.key, f"open_mode('{m.name}')", m.title, show=False, id=m.binding_id) for m in MODES]
    bindings += [Binding(m.key, f"refuse_mode('{m.name}')", show=False, id=m.binding_id) for m in MODES if m.admin_only]
    return bindings
