"""`import calls FILE` and `call list|confirm|decline`: the call log and appointment requests."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from inquiry_tui.cli.common import FileArg, QuietOpt, echo_rows, require_file, state
from inquiry_tui.cli.progress import import_progress
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.calls import importing, log

imports = typer.Typer()
call_app = typer.Typer(help="Calls and appointment requests: list, confirm, decline.", no_args_is_help=True)


@imports.command("calls")
def import_calls(file: FileArg, quiet: QuietOpt = False) -> None:
    """Import the marketplace's call log (calls and appointment requests; all or nothing, each call once)."""
    require_file(file)
    with import_progress(quiet=quiet):  # on a terminal: the file read, rate and time left
        r = importing.import_calls(state.ctx(), file)
    typer.echo(
        f"imported {r.added} calls ({r.appointments} appointment requests, {r.outside_windows} outside the call "
        f"windows), {r.buyers_added} new buyers; {r.already_imported} were already imported"
    )


@call_app.command("list")
def call_list(
    pending: Annotated[bool, typer.Option("--pending", help="Pending appointment requests only.")] = False,
    appointments: Annotated[bool, typer.Option("--appointments", help="Appointment requests only.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100_000, help="At most this many, newest first.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False,
) -> None:
    """Calls newest first (yours; the admin's: all), with the 30-day answer rate."""
    ctx = state.ctx()
    rows: list[log.CallRow] = []
    after = None
    while len(rows) < limit:
        page = log.call_page(
            ctx,
            appointments_only=appointments,
            pending_only=pending,
            after=after,
            limit=min(log.PAGE, limit - len(rows)),
        )
        rows.extend(page)
        if len(page) < min(log.PAGE, limit - len(rows) + len(page)) or not page:
            break
        after = page[-1].key
    if as_json:
        typer.echo(json.dumps([log.row_to_dict(r) for r in rows], indent=2, sort_keys=True))
        return
    echo_rows(
        [
            [
                str(r.id),
                r.requested_at.strftime("%Y-%m-%d %H:%M"),
                r.kind,
                r.scenario,
                truncate(safe_line(r.buyer_name or r.buyer_email), 30),
                r.owner_login,
                r.outcome.value,
                "outside" if r.outside_window else "",
            ]
            for r in rows
        ],
        ["ID", "REQUESTED (UTC)", "KIND", "FROM", "BUYER", "OWNER", "OUTCOME", "WINDOW"],
    )
    rates = log.answer_rates(ctx)
    row = rates.company or (rates.accounts[0] if rates.accounts else None)
    if row is not None and row.figures.rate is not None:
        typer.echo(
            f"\nanswer rate ({rates.window_days} days): {row.figures.rate:.0%} ({row.figures.answered}/{row.figures.counted})"
        )
    if rates.warning:
        typer.echo(f"warning: {rates.warning}", err=True)


@call_app.command("confirm")
def confirm(call_id: int) -> None:
    """Confirm a pending appointment request (yours; the admin any)."""
    r = log.decide(state.ctx(), call_id, True)
    typer.echo(f"call {r.id}: appointment confirmed")


@call_app.command("decline")
def decline(call_id: int) -> None:
    """Decline a pending appointment request (yours; the admin any)."""
    r = log.decide(state.ctx(), call_id, False)
    typer.echo(f"call {r.id}: appointment declined")
