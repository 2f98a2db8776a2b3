"""The keys in force on a screen, read from its bindings: what `?` help and the command palette list.

A key is listed when its binding has an id and a description (every binding of this app has
both; Textual's own ones, such as focus moves, have no id). Its category is the first word of
its id ("inbox-reply" is "Inbox: Reply"), so palette names and help sections come from the
bindings themselves. Keys the screen's role check hides (`check_action`) are not listed, nor the
admin's keys to a salesperson (`common.roles`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from inquiry_tui.tui.common.roles import shown_to


def category_of(binding_id: str) -> str:
    """'inbox-reply' -> 'Inbox'."""
    return binding_id.split("-", 1)[0].capitalize()


@dataclass(frozen=True)
class KeyEntry:
    """One action and every key that runs it here."""

    id: str
    category: str
    description: str
    tooltip: str
    keys: tuple[str, ...]  # as shown to the user, e.g. ("↑", "k")
    node: DOMNode  # where the binding is defined: the action runs there
    action: str

    @property
    def name(self) -> str:
        """The palette's "Category: Action"."""
        return f"{self.category}: {self.description[:1].upper()}{self.description[1:]}"

    @property
    def key_text(self) -> str:
        return " / ".join(self.keys)


def _rank(node: DOMNode, app: App[object]) -> int:
    # The app's keys first, then the screen's, then those of the focused widget and its parents.
    return 0 if node is app else 1 + len(node.ancestors)


def _declared(node: DOMNode) -> dict[str, int]:
    """Binding id -> its place in the BINDINGS of NODE's class (its own first, then its bases')."""
    order: dict[str, int] = {}
    for cls in type(node).__mro__:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id and binding.id not in order:
                order[binding.id] = len(order)
    return order


def key_entries(screen: Screen[object]) -> list[KeyEntry]:
    """The listed keys active on SCREEN (and its focused widget), grouped by binding id, app keys first."""
    app = screen.app
    # id -> (place, node, binding, keys); place orders the app's keys first, then the screen's,
    # then the focused widget's, each in the order of its BINDINGS.
    found: dict[str, tuple[tuple[int, int], DOMNode, Binding, list[str]]] = {}
    declared: dict[DOMNode, dict[str, int]] = {}
    actor = getattr(getattr(app, "ctx", None), "actor", None)
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or not binding.description or not shown_to(actor, binding.id):
            continue
        order = declared.setdefault(active.node, _declared(active.node))
        place = (_rank(active.node, app), order.get(binding.id, len(order)))
        display = app.get_key_display(binding)
        if binding.id not in found:
            found[binding.id] = (place, active.node, binding, [display])
            continue
        first_place, node, first, keys = found[binding.id]
        if display not in keys:
            keys.append(display)
        found[binding.id] = (min(first_place, place), node, first, keys)
    return [
        KeyEntry(
            id=binding.id or "",
            category=category_of(binding.id or ""),
            description=binding.description,
            tooltip=binding.tooltip,
            keys=tuple(keys),
            node=node,
            action=binding.action,
        )
        for _, node, binding, keys in sorted(found.values(), key=lambda item: item[0])
    ]
