"""Command palette providers (ctrl+p): go to a mode or folder, run an inbox action, open an inquiry.

Entries read "category: Action". Hits that show buyer text (subjects, names) are built as
literal Content: the fuzzy matcher's own highlighter parses its candidate as markup, so it is
used here only for our constant command names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.inbox import listing as inbox

if TYPE_CHECKING:
    from inquiry_tui.tui.inbox.screen import InboxScreen

FOLDER_COMMANDS = [(f"Folder: Go to {inbox.FOLDER_TITLES[f]}", f) for f in inbox.FOLDER_NAMES]
ACTION_COMMANDS = [
    ("Inquiry: Reply", "reply", "r — write a reply, with templates"),
    ("Inquiry: Tag / untag", "toggle_tag", "t"),
    ("Inquiry: Junk / not junk", "toggle_junk", "s"),
    ("Inquiry: Delete", "delete", "d — to the Deleted folder"),
    ("Inquiry: Restore", "restore", "u — from the Deleted folder"),
    ("Inquiry: Assign / hand over", "assign", "a"),
    ("Inquiry: Add buyer as customer", "add_customer", "c"),
    ("Inquiry: Read / unread", "toggle_read", "m"),
    ("Folder: Export this folder", "export", "e — to a CSV or JSON Lines file"),
    ("Search: Search inquiries", "search", "/ — subject, messages and buyer company"),
    ("Search: Rank results by relevance", "rank_search", "ranks the newest 500 hits of the current search"),
    ("View: Show / hide the buyer profile", "toggle_profile", "p"),
]
ADMIN_COMMANDS = [("Admin: Purge deleted over 30 days", "purge", "removes inquiries deleted more than 30 days ago")]


class GlobalCommands(Provider):
    """Modes and help, on every screen."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = self.app
        commands: list[tuple[str, Callable[[], Any], str]] = [
            ("Go: Inbox", lambda: app.run_action("switch_mode('inbox')"), "1"),
            ("Go: Customers", lambda: app.run_action("switch_mode('customers')"), "2"),
            ("Help: Keys", lambda: app.run_action("show_keys"), "?"),
        ]
        if getattr(app, "ctx", None) is not None and app.ctx.actor.is_admin:  # type: ignore[attr-defined]
            commands.insert(2, ("Go: Admin", lambda: app.run_action("open_admin"), "0"))
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)


class InboxCommands(Provider):
    """Inbox folders and actions, and inquiries found by id or by buyer."""

    @property
    def inbox_screen(self) -> InboxScreen:
        return self.screen  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        screen = self.inbox_screen
        commands: list[tuple[str, Callable[[], Any], str]] = [
            (name, (lambda f=folder: screen.run_action(f"folder('{f}')")), "") for name, folder in FOLDER_COMMANDS
        ]
        actions = ACTION_COMMANDS + (ADMIN_COMMANDS if screen.ctx.actor.is_admin else [])
        commands += [(name, (lambda a=action: screen.run_action(a)), help_text) for name, action, help_text in actions]
        return commands

    async def discover(self) -> Hits:
        for name, run, help_text in self._commands():
            yield DiscoveryHit(name, run, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text or None)
        if len(query.strip()) < 2 and not query.strip().lstrip("#").isdigit():
            return
        screen = self.inbox_screen
        # The lookup reads the store: off the event loop.
        hits = await asyncio.to_thread(inbox.find_inquiries, screen.ctx, query)
        for rank, hit in enumerate(hits):
            # Buyer text only in the Content prompt: the palette parses `help` as markup.
            label = Content.assemble(
                ("Open: ", "bold"),
                f"#{hit.id} ",
                truncate(safe_line(hit.subject), 50),
                (
                    " — "
                    + truncate(safe_line(hit.buyer_name), 30)
                    + " <"
                    + truncate(safe_line(hit.buyer_email), 40)
                    + ">",
                    "dim",
                ),
            )
            yield Hit(
                0.9 - rank * 0.01,
                label,
                (lambda h=hit: screen.open_inquiry(h.id, h.key, h.folder)),
                text=f"Open #{hit.id}",
                help=f"inquiry in {hit.folder}",
            )
