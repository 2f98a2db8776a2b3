"""`import maildir DIR`, `mail flush|outbox`, `inquiry reply ID (--text | --file) [--attach PATH]...`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from inquiry_tui.cli.common import QuietOpt, echo_rows, fail, state
from inquiry_tui.cli.progress import progress_bar
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.mail import maildir, outbox, sending
from inquiry_tui.services.mail.reply import reply_with_files

imports = typer.Typer()
mail_app = typer.Typer(help="E-mail out: send what waits in the outbox, list it.", no_args_is_help=True)
inquiry_cmds = typer.Typer()


def _send_after(ctx: Any, what: str) -> None:
    """Send the outbox right away when e-mail is set up (what waits is kept otherwise)."""
    try:
        r = sending.flush(ctx, due_only=True)
    except sending.MailNotReady as exc:
        typer.echo(f"{what} waits in the outbox: {exc}", err=True)
        return
    if r.sent or r.retrying or r.held:
        typer.echo(
            f"e-mail: {r.sent} sent, {r.retrying} waiting to retry, {r.held} held (see `inquiry-tui mail outbox`)"
        )


@imports.command("maildir")
def import_maildir(
    folder: Annotated[Path, typer.Argument(help="A Maildir (the folder with cur/, new/ and tmp/).", file_okay=False)],
    rescan: Annotated[
        bool, typer.Option("--rescan", help="Read every message again (known Message-IDs still add nothing).")
    ] = False,
    quiet: QuietOpt = False,
) -> None:
    """Import new e-mail from a Maildir (mbsync, getmail, fetchmail); safe to run from cron: each message once."""
    ctx = state.ctx()
    with progress_bar(quiet=quiet) as report:  # on a terminal: the messages written of the new ones, time left
        r = maildir.import_maildir(ctx, folder, rescan=rescan, progress=report)
    typer.echo(
        f"read {r.read} messages ({r.already_seen} read before): {r.new_threads} new threads, {r.joined} answers "
        f"joined their threads, {r.duplicates} duplicates, {r.skipped} skipped; {r.attachments} attachments kept"
        + (f", {r.attachments_not_kept} not kept (over the size limit)" if r.attachments_not_kept else "")
        + (f"; {r.junk} to Junk" if r.junk else "")
    )
    for key, reason in r.skipped_reasons:
        typer.echo(f"skipped {safe_line(key)}: {safe_line(reason)}", err=True)
    if r.skipped > len(r.skipped_reasons):
        typer.echo(f"... and {r.skipped - len(r.skipped_reasons)} more skipped", err=True)
    if r.auto_replies_queued:
        _send_after(ctx, f"{r.auto_replies_queued} auto-replies")


@mail_app.command("flush")
def flush(
    held: Annotated[
        bool, typer.Option("--held", help="Also send held e-mail (refused for good, or an interrupted send).")
    ] = False,
    due: Annotated[bool, typer.Option("--due", help="Only those whose next try has come (for cron).")] = False,
) -> None:
    """Send what waits in the outbox now; what fails stays there with the reason."""
    r = sending.flush(state.ctx(), due_only=due, include_held=held)
    typer.echo(f"sent {r.sent}; {r.retrying} waiting to retry, {r.held} held")
    for outbox_id, reason in r.reasons:
        typer.echo(f"outbox {outbox_id}: {safe_line(reason)}", err=True)
    if r.interrupted:
        typer.echo(
            f"{r.interrupted} e-mail held after an interrupted send: check they did not go out, then `mail flush --held`",
            err=True,
        )


def _item(i: outbox.OutboxItem) -> dict[str, Any]:
    return {
        "id": i.id,
        "inquiry_id": i.inquiry_id,
        "status": i.status.value,
        "to": i.to_address,
        "subject": i.subject,
        "message_id": i.rfc_id,
        "author": i.author,
        "attempts": i.attempts,
        "next_attempt_at": i.next_attempt_at.isoformat(),
        "last_error": i.last_error or None,
        "created_at": i.created_at.isoformat(),
        "sent_at": i.sent_at.isoformat() if i.sent_at else None,
    }


@mail_app.command("outbox")
def list_outbox(
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
    include_sent: Annotated[bool, typer.Option("--all", help="Sent e-mail too.")] = False,
) -> None:
    """What waits to be sent and why (the admin sees all; a salesperson their own)."""
    ctx = state.ctx()
    items: list[outbox.OutboxItem] = []
    after = 0
    while True:
        page = outbox.outbox(ctx, include_sent=include_sent, after_id=after)
        items.extend(page)
        if len(page) < outbox.PAGE:
            break
        after = page[-1].id
    if as_json:
        typer.echo(json.dumps([_item(i) for i in items], indent=2, sort_keys=True))
        return
    if not items:
        typer.echo("the outbox is empty" if not include_sent else "no e-mail yet")
        return
    echo_rows(
        [
            [
                str(i.id),
                f"#{i.inquiry_id}",
                truncate(safe_line(i.to_address), 32),
                truncate(safe_line(i.subject), 40),
                str(i.attempts),
                truncate(safe_line(i.why), 90),
            ]
            for i in items
        ],
        ["ID", "INQUIRY", "TO", "SUBJECT", "TRIES", "STATUS"],
    )


@inquiry_cmds.command("reply")
def reply(
    inquiry_id: int,
    text: Annotated[str | None, typer.Option("--text", help="The reply.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the reply from this UTF-8 file ('-': stdin).", dir_okay=False)
    ] = None,
    attach: Annotated[list[Path] | None, typer.Option("--attach", help="Attach this file (repeatable).")] = None,
) -> None:
    """Reply to an inquiry as the TUI does (your own; the admin any); an e-mail thread's reply goes by e-mail."""
    if (text is None) == (file is None):
        fail("give exactly one of --text TEXT or --file FILE")
    body = text
    if file is not None:
        try:
            body = typer.get_text_stream("stdin").read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{file}: cannot be read as UTF-8 text ({getattr(exc, 'strerror', None) or exc})")
    ctx = state.ctx()
    r = reply_with_files(ctx, inquiry_id, body or "", attach or [])
    files = f" with {len(r.attached)} attachment{'s' if len(r.attached) != 1 else ''}" if r.attached else ""
    typer.echo(f"replied to #{inquiry_id}{files}" + (" (e-mail saved to the outbox)" if r.queued else ""))
    if r.queued:
        _send_after(ctx, "the e-mail")
