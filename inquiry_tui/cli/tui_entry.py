"""Opening the TUI from the command line without typer: the root's options, its callback and its errors.

`inquiry-tui [--db X] [--as L]` runs no command. Typer would build the root command and coerce its
two options through pydantic (typer 0.29 loads it for every parameter): some 0.1-0.2 s of CPU and
150 modules before the store is opened, on the way to a first page that uses none of it
(docs/performance.md, "Start without typer, session 16"). `inquiry_tui.cli.main` comes here only for
a command line `root_options` accepts, read there as click would (the last of a repeated option
wins); everything else goes through typer as before. The callback does what the root's does
(`cli/root.py`), and its errors read as the root group's (`cli/failures.py`): one `error:` line, exit 1
(130 for ctrl+c), the store's connections closed however it ends.
"""

from __future__ import annotations

import sys

from inquiry_tui.cli.failures import failure
from inquiry_tui.cli.state import open_tui, state


def run(db: str | None, as_login: str | None) -> None:
    """Open the TUI on the root options DB and AS_LOGIN (`cli.root_options`) as the root callback does with no
    command; an error ends it in one line on stderr."""
    state.db, state.as_login = db, as_login
    try:
        open_tui(state.ctx())
    except (KeyboardInterrupt, Exception) as exc:
        line, code = failure(exc, [], state.db)
        import typer  # the line printed as the root group prints it (click's echo), on the way out only

        typer.echo(f"error: {line}", err=True)
        sys.exit(code)
    finally:
        state.close()  # the store's connections, closed as the command ends (State.close says why)
