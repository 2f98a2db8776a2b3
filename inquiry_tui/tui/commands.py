"""KeyCommands (ctrl+p): every key in force where the palette was opened, as "Category: Action".

Read from the bindings (`common.keys`), as `?` help is: the modes (from `tui.modes`), the
screen's keys and its focused widget's. Screens add their own providers (the inbox finds
inquiries by id or buyer: `tui.inbox.finder`).
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from inquiry_tui.tui.common.keys import KeyEntry, key_entries


def _help(entry: KeyEntry) -> str:
    # The palette reads `help` as markup; keys such as `[` must stay literal.
    return escape(entry.key_text + (f" — {entry.tooltip}" if entry.tooltip else ""))


class KeyCommands(Provider):
    """The keys of the app, of the calling screen and of its focused widget."""

    def _entries(self) -> list[KeyEntry]:
        return key_entries(self.screen)

    async def _run(self, entry: KeyEntry) -> None:
        await self.app.run_action(entry.action, entry.node)

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(Content(entry.name), lambda e=entry: self._run(e), text=entry.name, help=_help(entry))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(entry.name),
                    lambda e=entry: self._run(e),
                    text=entry.name,
                    help=_help(entry),
                )
