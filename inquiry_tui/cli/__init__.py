"""The `inquiry-tui` command line (DESIGN.md section 4): thin, parse -> service -> print.

Non-TUI commands never import textual: the TUI is imported only when it is opened.
"""

from __future__ import annotations

from inquiry_tui.cli.root import app
from inquiry_tui.cli import accounts, arrivals, blocklist, catalog, db, seed, settings, transfer, tui_commands  # noqa: F401,E402  (register commands)
from inquiry_tui.cli import stats  # noqa: F401,E402  (register `stats`)
from inquiry_tui.cli import customers  # noqa: F401,E402  (register `customer`, `import customers|activity`)


def main() -> None:
    app(prog_name="inquiry-tui")


__all__ = ["app", "main"]
