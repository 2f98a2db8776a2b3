"""Admin (`0`): the main account's sections (rules, reception, accounts, team, record, audit, ...)."""

from pathlib import Path

ADMIN_CSS = Path(__file__).parent / "admin.tcss"  # the stylesheet of Admin and its sections
