"""The root options' state (`--db`, `--as`) and opening the TUI on it: no typer here.

`cli/common.py` gives the commands these names; opening the TUI from the command line
(`cli/tui_entry.py`) uses them without loading typer (docs/performance.md, "Start without typer,
session 16").
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from inquiry_tui.services.context import Ctx, connect, connect_system


@dataclass
class State:
    """The root options (`--db`, `--as`), set by the root callback before any command runs.

    `key_login` is set by `ssh-session` alone: the account of the SSH key the session came in
    with (service-account mode), which neither INQUIRY_TUI_LOGIN nor `--as` can change.
    """

    db: str | None = None
    as_login: str | None = None
    key_login: str | None = None
    contexts: list[Ctx] = field(default_factory=list)  # opened by this command, closed when it ends

    def ctx(self, *, upgrade: bool = True, check: bool = True) -> Ctx:
        return self._opened(connect(self.db, self.as_login, upgrade=upgrade, key_login=self.key_login, check=check))

    def system(self) -> Ctx:
        return self._opened(connect_system(self.db))

    def _opened(self, ctx: Ctx) -> Ctx:
        self.contexts.append(ctx)
        return ctx

    def close(self) -> None:
        """Close every context the command opened (the root group calls this when the command ends, however it ends).

        Closing checkpoints what the command wrote and, when nobody else has the store open, lets
        SQLite remove the WAL. A process that just exits leaves the WAL behind, as long as what it
        wrote (after a seed or an import: the size of the database), and the next process to open
        the store reads all of it first (0.3 s at 100k inquiries, seconds at 1M).
        """
        while self.contexts:
            ctx = self.contexts.pop()
            # The command's outcome is already printed and kept; a store that cannot be closed cleanly
            # (gone, read-only, full) changes nothing the user can act on, and must not end in a traceback.
            with contextlib.suppress(Exception):
                ctx.close()


state = State()


def open_tui(service_ctx: Ctx) -> None:
    """Run the TUI on a connected context (imports textual only now), on the real terminal streams."""
    from inquiry_tui.cli.terminal import release
    from inquiry_tui.tui.inbox import first_page

    release()
    # The inbox's zone and first page, read while Textual and the app load (tui/inbox/first_page.py).
    first_page.start(service_ctx)
    from inquiry_tui.tui.app import run_tui

    run_tui(service_ctx)
