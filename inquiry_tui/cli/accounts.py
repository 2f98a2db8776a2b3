"""`init` and `account add|list|deactivate|away`."""

from __future__ import annotations

from typing import Annotated

import typer

from inquiry_tui.cli.common import echo_rows, state
from inquiry_tui.config import os_login
from inquiry_tui.domain.vocabulary import ACCOUNT_ROLES, Role
from inquiry_tui.services.identity.sharing import init_store
from inquiry_tui.services.team import accounts

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
def list_() -> None:
    """List accounts with their open inquiries."""
    rows = accounts.list_accounts(state.ctx())
    echo_rows(
        [
            [
                a.login,
                a.name,
                a.role,
                "active" if a.active else "inactive",
                "away" if a.away else "",
                str(a.open_inquiries),
            ]
            for a in rows
        ],
        ["LOGIN", "NAME", "ROLE", "STATE", "AWAY", "OPEN"],
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
    typer.echo(
        f"deactivated {r.login}; {r.successor} took over {r.inquiries} open inquiries, {r.buyers} buyers, "
        f"{r.products} products, {r.countries} countries"
    )


@account_app.command("away")
def away(login: str, off: Annotated[bool, typer.Option("--off", help="Back from away.")] = False) -> None:
    """Mark an account away (or back with --off)."""
    info = accounts.set_away(state.ctx(), login, not off)
    typer.echo(f"{info.login} is {'away' if info.away else 'back'}")
