"""`demo`: a fresh sample store in a temporary directory, opened in the TUI as its admin."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from inquiry_tui.cli.common import open_tui
from inquiry_tui.config import os_login
from inquiry_tui.services.context import connect, connect_system
from inquiry_tui.services.setup.seed import seed_sample
from inquiry_tui.services.team.accounts import init_company

top_level = typer.Typer()


@top_level.command()
def demo() -> None:
    """Open the TUI on a fresh sample company (about 2,000 inquiries) in a temporary directory.

    You are its main account (admin), under your OS login. Nothing touches your real store;
    the temporary directory is left for you to look at and is named on exit.
    """
    folder = Path(tempfile.mkdtemp(prefix="inquiry-tui-demo-"))
    store = str(folder / "demo.db")
    login = os_login()
    system = connect_system(store)
    try:
        init_company(system, login, "Main account")
    finally:
        system.close()
    typer.echo(f"building the sample store in {folder} ...")
    seeding = connect(store)
    seed_sample(seeding)
    seeding.close()
    open_tui(connect(store))  # again: the sample company names its main account
    typer.echo(f"demo store left in {store} (open it again with: inquiry-tui --db {store})")
