"""`block list|add|remove`: the block list (arrivals from these go straight to Deleted)."""

from __future__ import annotations

from typing import Annotated

import typer

from inquiry_tui.cli.common import echo_rows, state
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.setup import blocklist

block_app = typer.Typer(
    help="Block list: e-mails, member ids and countries whose arrivals go straight to Deleted (admin).",
    no_args_is_help=True,
)

KindArg = Annotated[str, typer.Argument(help="email | member_id | country")]


@block_app.command("list")
def block_list() -> None:
    """List the block list."""
    rows = [
        [b.kind, safe_line(b.value), safe_line(b.note) or "-", b.created_at.date().isoformat()]
        for b in blocklist.list_blocks(state.ctx())
    ]
    echo_rows(rows, ["KIND", "VALUE", "NOTE", "SINCE"])


@block_app.command("add")
def block_add(
    kind: KindArg, value: str, note: Annotated[str, typer.Option("--note", help="Why (shown in the list).")] = ""
) -> None:
    """Block an e-mail, member id or country (ISO code); later arrivals from it go to Deleted."""
    b = blocklist.add_block(state.ctx(), kind, value, note)
    typer.echo(f"blocked {b.kind} {safe_line(b.value)}")


@block_app.command("remove")
def block_remove(kind: KindArg, value: str) -> None:
    """Unblock; inquiries already deleted stay where they are."""
    b = blocklist.remove_block(state.ctx(), kind, value)
    typer.echo(f"unblocked {b.kind} {safe_line(b.value)}")
