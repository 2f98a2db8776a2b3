"""`init` and `account add|list|deactivate|away|limit|zone`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from inquiry_tui.cli.common import date_option, echo_rows, fail, state
from inquiry_tui.config import os_login
from inquiry_tui.domain.vocabulary import ACCOUNT_ROLES, Role
from inquiry_tui.services.identity.sharing import init_store
from inquiry_tui.services.team import accounts, zone

top_level = typer.Typer()
account_app = typer.Typer(help="Accounts: the main account (admin) and salespeople.", no_args_is_help=True)


@top_level.command()
def init(
    admin: Annotated[str | None, typer.Option(help="Login of the main account (default: your OS login).")] = None,
    name: Annotated[str, typer.Option(help="Display name of the main account.")] = "Main account",
    shared_group: Annotated[
        str | None,
        typer.Option(
            "--shared-group", help="Group mode: the store's folder and files shared with this OS group (see README)."
        ),
    ] = None,
) -> None:
    """Create a store with its main account (admin)."""
    login = admin or os_login()
    result = init_store(state.db, login, name, shared_group)
    typer.echo(f"initialised; main account {result.admin.login} ({result.admin.name})")
    if result.shared is not None:
        members = ", ".join(result.shared.members) or "nobody yet"
        typer.echo(
            f"shared with group {result.shared.group}: {result.shared.folder} is setgid and group-writable "
            f"(members: {members}); each member needs an account (`account add LOGIN --name ...`)"
        )
    if result.note:
        typer.echo(result.note, err=True)


@account_app.command("add")
def add(
    login: str,
    name: Annotated[str, typer.Option("--name", help="Display name.")],
    role: Annotated[str, typer.Option(help=" | ".join(ACCOUNT_ROLES))] = Role.SALES.value,
) -> None:
    """Add an account (admin only)."""
    info = accounts.add_account(state.ctx(), login, name, role)
    typer.echo(f"added {info.role} {info.login} ({info.name})")


@account_app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False) -> None:
    """List accounts with their open inquiries, away state and capacity limit."""
    rows = accounts.list_accounts(state.ctx())
    if as_json:
        data = [
            {
                "login": a.login,
                "name": a.name,
                "role": a.role,
                "active": a.active,
                "away": a.away,
                "away_until": a.away_until.isoformat() if a.away_until else None,
                "limit": a.limit,
                "open": a.open_inquiries,
                "full": a.full,
            }
            for a in rows
        ]
        typer.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    echo_rows(
        [
            [
                a.login,
                a.name,
                a.role,
                "active" if a.active else "deactivated",
                (f"until {a.away_until.isoformat()}" if a.away_until else "away") if a.away else "",
                str(a.limit) if a.limit is not None else "",
                str(a.open_inquiries) + (" (full)" if a.full else ""),
            ]
            for a in rows
        ],
        ["LOGIN", "NAME", "ROLE", "STATE", "AWAY", "LIMIT", "OPEN"],
    )


@account_app.command("deactivate")
def deactivate(
    login: str,
    successor: Annotated[
        str, typer.Option("--successor", help="Who takes over inquiries, buyers, products, countries.")
    ],
) -> None:
    """Deactivate an account; its successor takes over its open work (admin only)."""
    r = accounts.deactivate(state.ctx(), login, successor)
    elsewhere = r.inquiries - r.open_inquiries
    typer.echo(
        f"deactivated {r.login}; {r.successor} took over {r.open_inquiries} open inquiries"
        + (f" (and {elsewhere} unanswered in Junk or Deleted)" if elsewhere else "")
        + f", {r.buyers} buyers, {r.products} products, {r.countries} countries"
    )


@account_app.command("away")
def away(
    login: str,
    off: Annotated[
        bool, typer.Option("--off", help="Back from away: their buyers' waiting inquiries come back.")
    ] = False,
    until: Annotated[
        str | None, typer.Option("--until", help="The first day back, YYYY-MM-DD (company time zone).")
    ] = None,
) -> None:
    """Mark an account away: it gets nothing new until back (--off, or the --until date)."""
    if off and until:
        fail("--until is for going away; --off is for coming back")
    back_on = date_option(until, "--until")
    info = accounts.set_away(state.ctx(), login, not off, back_on)
    if not off:
        typer.echo(f"{info.login} is away" + (f" until {back_on.isoformat()}" if back_on else ""))
    else:
        typer.echo(f"{info.login} is back")


@account_app.command("limit")
def limit(
    login: str,
    n: Annotated[int | None, typer.Argument(help="Open inquiries at most (0 or more).", min=0)] = None,
    off: Annotated[bool, typer.Option("--off", help="No limit.")] = False,
) -> None:
    """Set a capacity limit of open inquiries (admin only); at the limit, arrivals go on by the next rule."""
    if (n is None) == (not off):
        fail("give a limit N, or --off for none")
    info = accounts.set_limit(state.ctx(), login, None if off else n)
    typer.echo(f"{info.login}: " + (f"at most {info.limit} open inquiries" if info.limit is not None else "no limit"))


@account_app.command("zone")
def zone_(
    login: str,
    name: Annotated[
        str | None,
        typer.Argument(help="An IANA time zone (e.g. Europe/Berlin), or `company`; none: show the zone in force."),
    ] = None,
) -> None:
    """The time zone LOGIN reads times in, in the TUI (their own; the admin sets anyone's). The CLI prints UTC."""
    ctx = state.ctx()
    if name is None:
        own, company = zone.account_zone(ctx, login)
        typer.echo(f"{login}: {own}" if own else f"{login}: {company} (the company's)")
        return
    now = zone.set_zone(ctx, login, name)
    typer.echo(f"{login}: times in {now}" + (" (the company's)" if name.strip().lower() == zone.COMPANY else ""))
