"""`note add|list|seen`: the main account's notes on inquiries and customers, for their owners."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import echo_rows, fail, state
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.notes import notes
from inquiry_tui.services.notes.notes import NoteRow

note_app = typer.Typer(help="Admin notes on inquiries and customers, for their owners.", no_args_is_help=True)


def _record(n: NoteRow) -> dict[str, Any]:
    return {
        "id": n.id,
        "on": n.target.value,
        "inquiry_id": n.inquiry_id,
        "customer": n.buyer if n.inquiry_id is None else None,
        "author": n.author,
        "to": n.to,
        "text": n.text,
        "created_at": n.created_at.isoformat(),
        "seen_at": n.seen_at.isoformat() if n.seen_at else None,
    }


@note_app.command("add")
def add(
    text: Annotated[str, typer.Argument(help="The note (at most 2,000 characters).")],
    inquiry: Annotated[int | None, typer.Option("--inquiry", help="On this inquiry, for its owner.")] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="On this customer (e-mail), for its owner.")
    ] = None,
) -> None:
    """Leave a note for the owner of an inquiry or a customer (admin only); they get a notice."""
    if (inquiry is None) == (customer is None):
        fail("give --inquiry ID or --customer EMAIL")
    n = notes.add_note(state.ctx(), text=text, inquiry_id=inquiry, buyer_email=customer)
    typer.echo(f"note {n.id} left on {safe_line(n.on)} for {n.to}")


@note_app.command("list")
def list_(
    unseen: Annotated[bool, typer.Option("--unseen", help="Only notes not seen yet.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """Notes to you, newest first (the admin: every note, with who has seen it)."""
    rows = notes.list_notes(state.ctx(), unseen_only=unseen)
    if as_json:
        typer.echo(json.dumps([_record(n) for n in rows], indent=2, sort_keys=True))
        return
    echo_rows(
        [
            [
                str(n.id),
                truncate(safe_line(n.on), 30),
                n.author,
                n.to,
                n.created_at.strftime("%Y-%m-%d %H:%M"),
                "seen" if n.seen else "new",
                truncate(safe_line(n.text), 60),
            ]
            for n in rows
        ],
        ["ID", "ON", "FROM", "TO", "AT (UTC)", "STATE", "NOTE"],
    )


@note_app.command("seen")
def seen(
    ids: Annotated[list[int] | None, typer.Argument(help="Note ids.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every note to you.")] = False,
) -> None:
    """Mark notes to you seen."""
    if bool(ids) == all_:
        fail("give note ids, or --all")
    count = notes.mark_seen(state.ctx(), note_ids=None if all_ else ids)
    typer.echo(f"{count} notes marked seen")
