"""The `inquiry-tui` command line: thin, parse -> service -> print (docs/cli.md).

The command groups are mounted in `cli/commands.py` (a feature adds its module and one line
there). Non-TUI commands never import textual: the TUI is imported only when it is opened. And
opening the TUI (no command: `inquiry-tui [--db X] [--as L]`) imports none of the command
modules nor the services behind them, nor typer: `main` runs the root's callback alone then
(`cli/tui_entry.py`), so the inbox comes up without loading what only the commands use
(docs/performance.md, "Start" and "Start without typer, session 16").
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any

from inquiry_tui.cli.terminal import guard_terminal

ROOT_OPTIONS = ("--db", "--as")  # the root callback's options that take a value (cli/root.py)
COMPLETION_VARIABLE = "_INQUIRY_TUI_COMPLETE"  # click's shell completion asks through it (`_{PROG}_COMPLETE`)


def root_options(argv: list[str]) -> tuple[str | None, str | None] | None:
    """`--db` and `--as` from ARGV (below the program name) if it is only root options: the TUI is opened,
    no command runs. Read as click reads them (the last of a repeated option wins). None otherwise.

    Conservative: anything else (a command, -h, an unknown option, a value that looks like an
    option) goes through the whole command line, which parses it exactly as before.
    """
    values: dict[str, str] = {}
    i = 0
    while i < len(argv):
        word = argv[i]
        if word in ROOT_OPTIONS and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
            values[word] = argv[i + 1]
            i += 2
        elif any(word.startswith(f"{name}=") for name in ROOT_OPTIONS):
            name, value = word.split("=", 1)
            values[name] = value
            i += 1
        else:
            return None
    return values.get("--db"), values.get("--as")


def opens_tui(argv: list[str]) -> bool:
    """True if ARGV (below the program name) is only root options (`root_options`)."""
    return root_options(argv) is not None


def main() -> None:
    # Before typer parses anything: its own messages can quote an argument ("No such command ...").
    guard_terminal()
    options = root_options(sys.argv[1:])
    if options is not None:
        # No cyclic garbage collection while the TUI starts: the imports, styles and widgets it makes
        # live as long as the app, and walking them cost some 300 collections, two of them full, before
        # the first row (docs/performance.md, "Start at 1M, session 9"). The app freezes them after its
        # first frame and turns collection back on (tui/app.py).
        gc.disable()
        if COMPLETION_VARIABLE in os.environ:  # a shell's completion request: typer answers it
            from inquiry_tui.cli.root import app as root_only  # the same root: its options, errors and callback

            root_only(prog_name="inquiry-tui")
            return
        # The root's options, callback and errors without typer (cli/tui_entry.py says why).
        from inquiry_tui.cli.tui_entry import run

        run(*options)
        return
    from inquiry_tui.cli.commands import app

    app(prog_name="inquiry-tui")


def __getattr__(name: str) -> Any:
    # `from inquiry_tui.cli import app` (tests, scripts): the root with every command mounted.
    if name == "app":
        from inquiry_tui.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main"]
