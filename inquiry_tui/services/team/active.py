"""Whether the acting account is still active, asked by an open TUI now and then (without loading the ORM)."""

from __future__ import annotations

from inquiry_tui.services.context import Ctx


def require_active(ctx: Ctx) -> None:
    """Nothing, or AccountDeactivated if the acting account was deactivated (an open TUI asks now and then)."""
    with ctx.read_plain():
        pass  # every transaction checks the acting account first
