"""Opening the TUI from the command line starts with the cyclic garbage collector off; the app turns it back on.

What the start makes (modules, styles, widgets) lives as long as the app: collecting while it
was made cost some 300 collections, two of them full, before the first row (docs/performance.md,
"Start at 1M, session 9"). After its first frame the app freezes it all and collects as usual.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

import inquiry_tui.cli as cli
import inquiry_tui.cli.commands as commands
import inquiry_tui.cli.root as root
import inquiry_tui.cli.tui_entry as tui_entry
from inquiry_tui.services.context import collecting_garbage


@pytest.fixture(autouse=True)
def _collection_back_on() -> Iterator[None]:
    yield
    gc.enable()


def _collecting_when_run(monkeypatch: pytest.MonkeyPatch, module: object, argv: list[str]) -> list[bool]:
    seen: list[bool] = []
    monkeypatch.setattr(module, "app", lambda **_kwargs: seen.append(gc.isenabled()))
    monkeypatch.setattr(sys, "argv", ["inquiry-tui", *argv])
    cli.main()
    return seen


def test_opening_the_tui_runs_the_root_with_collection_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # The root's callback without typer (cli/tui_entry.py); a shell's completion request goes through typer's root.
    seen: list[bool] = []
    monkeypatch.setattr(tui_entry, "run", lambda *_options: seen.append(gc.isenabled()))
    monkeypatch.setattr(sys, "argv", ["inquiry-tui", "--db", "store.db"])
    cli.main()
    assert seen == [False]
    gc.enable()
    monkeypatch.setenv(cli.COMPLETION_VARIABLE, "bash_complete")
    assert _collecting_when_run(monkeypatch, root, ["--db", "store.db"]) == [False]


def test_a_command_runs_with_collection_on(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _collecting_when_run(monkeypatch, commands, ["--db", "store.db", "stats"]) == [True]


def test_an_upgrade_or_an_undo_on_the_way_collects(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connecting may upgrade the store, warm its caches or undo a dead import, walking many rows in
    Python: those steps run with collection on, and the TUI's start carries on with it off."""
    gc.disable()
    with collecting_garbage():
        assert gc.isenabled()
    assert not gc.isenabled()
    gc.enable()
    with collecting_garbage():
        assert gc.isenabled()
    assert gc.isenabled()
