"""`settings show [--json]` and `settings set KEY VALUE`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from inquiry_tui.cli.common import state
from inquiry_tui.domain.settings import SETTING_KEYS, settings_to_dict
from inquiry_tui.services.setup import settings as settings_service

settings_app = typer.Typer(help="Allocation, reception, call and e-mail settings.", no_args_is_help=True)


@settings_app.command("show")
def show(as_json: Annotated[bool, typer.Option("--json", help="Stable JSON for scripts.")] = False) -> None:
    """Show every setting."""
    data = settings_to_dict(settings_service.get_settings(state.ctx()))
    if as_json:
        typer.echo(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))
        return
    for section, values in data.items():
        for key, value in values.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            typer.echo(f"{section}.{key} = {shown}")


@settings_app.command("set", help="Set one setting. Keys: " + "; ".join(f"{k} {v}" for k, v in SETTING_KEYS.items()))
def set_(key: str, value: str) -> None:
    """Set one setting (admin only)."""
    settings_service.set_setting(state.ctx(), key, value)
    typer.echo(f"{key} set")
