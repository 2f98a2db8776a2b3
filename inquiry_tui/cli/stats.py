"""`stats [--json]`: the team dashboard's figures (reply rate, first-response time, load) on the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from inquiry_tui.cli.common import echo_rows, state
from inquiry_tui.services.calls.log import answer_rates, rates_to_dict
from inquiry_tui.services.team.stats import Figures, format_duration, format_rate, sparkline, stats_to_dict, team_stats


def _row(f: Figures) -> list[str]:
    name = f.name if f.active else f"{f.name} (deactivated)"
    return [
        f.login,
        name,
        str(f.open),
        str(f.overdue),
        format_rate(f.reply),
        str(f.reply.pending),
        format_duration(f.median_first_response),
        str(f.load_today),
    ]


top_level = typer.Typer()


@top_level.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False) -> None:
    """Reply rate (24 h; chats 1 h), open and overdue inquiries, median first response, load today; call answer rate.

    The admin sees every account and the company; a salesperson sees their own figures.
    """
    ctx = state.ctx()
    figures = team_stats(ctx)
    calls = answer_rates(ctx)
    if as_json:
        data = stats_to_dict(figures) | {"calls": rates_to_dict(calls)}
        typer.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        return
    rows = [_row(f) for f in figures.accounts]
    if figures.company is not None:
        rows.append(_row(figures.company))
    echo_rows(rows, ["LOGIN", "NAME", "OPEN", "OVERDUE", "REPLY RATE", "PENDING", "MEDIAN 1ST RESPONSE", "LOAD TODAY"])
    trend_of = figures.company or (figures.accounts[0] if figures.accounts else None)
    if trend_of is not None and figures.days:
        typer.echo("")
        typer.echo(
            f"{trend_of.login} reply rate by day, {figures.days[0].isoformat()} .. {figures.days[-1].isoformat()} "
            f"({figures.timezone}): {sparkline(trend_of.trend)}"
        )
    answered = [
        r for r in (calls.company, *calls.accounts) if r is not None and (r.figures.counted or r.figures.pending)
    ]
    if answered:
        typer.echo("")
        typer.echo(f"call answer rate, past {calls.window_days} days (minimum {calls.min_answer_rate}%):")
        for r in answered:
            rate = "—" if r.figures.rate is None else f"{r.figures.rate:.0%} ({r.figures.answered}/{r.figures.counted})"
            typer.echo(f"  {r.login:<10} {rate}" + ("  BELOW THE MINIMUM" if r.below_minimum else ""))
    if calls.warning:
        typer.echo(f"warning: {calls.warning}", err=True)
