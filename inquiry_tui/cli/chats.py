"""`chat list|show|send|customers`: the chat manager from the command line (docs/cli.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import echo_rows, fail, state
from inquiry_tui.cli.files import dumps
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.chats import conversation as chat
from inquiry_tui.services.chats import customers as chat_customers
from inquiry_tui.services.chats.conversations import ConversationRow, conversation_page, search_conversations
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.manage import buyer_id_by_email
from inquiry_tui.services.files.attachments import FromPath

chat_app = typer.Typer(
    help="Chats (TM) as conversations per buyer: list, show, send a line, choose customers.", no_args_is_help=True
)

FROM = {"in": "buyer", "out": "seller", "auto": "auto"}


def _row(r: ConversationRow) -> dict[str, Any]:
    return {
        "buyer_id": r.buyer_id,
        "email": r.email,
        "name": r.name,
        "company": r.company,
        "country": r.country,
        "customer": r.is_customer,
        "owner": r.owner_login,
        "last_at": r.last_at,
        "last_from": FROM.get(r.last_direction, r.last_direction),
        "last_text": r.last_text,
        "unread": r.unread,
    }


@chat_app.command("list")
def chat_list(
    search: Annotated[
        str | None, typer.Option("--search", help="Only conversations whose lines match these words.")
    ] = None,
    unread: Annotated[bool, typer.Option("--unread", help="Only conversations with unread lines.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, see docs/cli.md).")] = False,
) -> None:
    """Conversations newest first (yours, or all for the admin), with unread counts."""
    ctx = state.ctx()
    if search is not None:
        rows = search_conversations(ctx, search, limit)
    else:
        rows, key = [], None
        while len(rows) < limit:
            page = conversation_page(ctx, key, 200)
            rows += [r for r in page.rows if r.unread or not unread]
            key = page.next_key
            if key is None:
                break
    rows = [r for r in rows if r.unread or not unread][:limit]
    if as_json:
        typer.echo(dumps([_row(r) for r in rows]))
        return
    echo_rows(
        [
            [
                truncate(safe_line(r.email), 32),
                truncate(safe_line(r.name), 20),
                r.owner_login,
                r.last_at.strftime("%Y-%m-%d %H:%M"),
                str(r.unread or ""),
                truncate(safe_line(r.last_text), 50),
            ]
            for r in rows
        ],
        ["BUYER", "NAME", "OWNER", "LAST", "UNREAD", "LAST LINE"],
    )


def _buyer(ctx: Ctx, email: str) -> int:
    return buyer_id_by_email(ctx, email)


@chat_app.command("show")
def chat_show(
    email: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, see docs/cli.md).")] = False,
) -> None:
    """One conversation: the buyer's chat lines, oldest first, with their attachments."""
    ctx = state.ctx()
    c = chat.conversation(ctx, _buyer(ctx, email))
    if as_json:
        typer.echo(
            dumps(
                {
                    "buyer": {"id": c.buyer_id, "email": c.email, "name": c.name, "company": c.company},
                    "owner": c.owner_login,
                    "earlier": c.earlier,
                    "lines": [
                        {
                            "id": line.id,
                            "thread": line.thread_id,
                            "from": FROM.get(line.direction, line.direction),
                            "author": line.author,
                            "at": line.sent_at,
                            "text": line.text,
                            "attachments": [
                                {"id": a.id, "name": a.name, "size": a.size, "type": a.mime, "sha256": a.sha256}
                                for a in line.attachments
                            ],
                        }
                        for line in c.lines
                    ],
                }
            )
        )
        return
    typer.echo(f"{safe_line(c.name) or '(no name)'} <{safe_line(c.email)}> · owner {c.owner_login}")
    if c.earlier:
        typer.echo(f"… {c.earlier} earlier lines")
    for line in c.lines:
        who = FROM.get(line.direction, line.direction)
        typer.echo(f"{line.sent_at:%Y-%m-%d %H:%M} {who}: {safe_line(line.text)}")
        for a in line.attachments:
            typer.echo(f"    attachment {a.id}: {safe_line(a.name)} ({a.mime})")


@chat_app.command("send")
def chat_send(
    email: str,
    text: Annotated[str | None, typer.Option("--text", help="The line to send.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Read the line from this file.", dir_okay=False)] = None,
    attach: Annotated[
        list[Path] | None, typer.Option("--attach", help="Attach a local file (repeat for more).")
    ] = None,
) -> None:
    """Send a chat line to the buyer (an outgoing tm message on their latest chat)."""
    if (text is None) == (file is None):
        fail("give exactly one of --text or --file")
    body = text if text is not None else _read(file)
    ctx = state.ctx()
    state_after = chat.send_line(ctx, _buyer(ctx, email), body, [FromPath(p) for p in attach or []])
    typer.echo(f"sent on chat thread {state_after.id}")


def _read(file: Path | None) -> str:
    assert file is not None
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{file}: cannot be read as UTF-8 text ({exc})")
        raise


@chat_app.command("customers")
def chat_make_customers(
    emails: Annotated[list[str] | None, typer.Argument(help="Chat buyers to make customers.")] = None,
    all_buyers: Annotated[bool, typer.Option("--all", help="Every chat buyer you may see.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the chat buyers who are not customers yet.")] = False,
) -> None:
    """Import from TM: make chosen chat buyers customers (source chat); a salesperson for their own chats."""
    ctx = state.ctx()
    if dry_run:
        buyers = chat_customers.chat_buyers(ctx, only_new=True)
        echo_rows(
            [[truncate(safe_line(b.email), 40), truncate(safe_line(b.name), 24), str(b.chats)] for b in buyers],
            ["BUYER", "NAME", "CHATS"],
        )
        return
    if all_buyers == bool(emails):
        fail("give chat buyers' e-mails, or --all")
    ids = (
        [b.buyer_id for b in chat_customers.chat_buyers(ctx, only_new=True)]
        if all_buyers
        else [_buyer(ctx, e) for e in emails or []]
    )
    added = chat_customers.make_customers(ctx, ids)
    typer.echo(f"{added} chat buyers became customers")
