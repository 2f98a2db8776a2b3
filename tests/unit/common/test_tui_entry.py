"""Opening the TUI from the command line without typer (cli/tui_entry.py): the root's options, callback and errors.

`inquiry-tui [--db X] [--as L]` reads its two options itself and opens the TUI as the root callback does
(docs/performance.md, "Start without typer, session 16"). Each case here runs both ways, `main()` and the
typer root the commands use, and must come out the same: the options passed on, the one `error:` line and
the exit code.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import inquiry_tui.cli as cli
import inquiry_tui.cli.state as cli_state
from inquiry_tui.cli.root import app as root_app


@pytest.fixture(autouse=True)
def _collection_back_on() -> Iterator[None]:
    yield
    gc.enable()  # main() turns it off for the TUI's start


@pytest.fixture(autouse=True)
def _error_log_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def both_ways(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[tuple[int | str | None, str]]:
    """The exit code and stderr of ARGV through `main()` (no typer) and through the typer root."""
    outcomes: list[tuple[int | str | None, str]] = []
    for run in ("main", "root"):
        code: int | str | None = 0
        try:
            if run == "main":
                sys.argv = ["inquiry-tui", *argv]
                cli.main()
            else:
                root_app(args=argv, prog_name="inquiry-tui")
        except SystemExit as exc:
            code = exc.code
        outcomes.append((code, capsys.readouterr().err))
    return outcomes


@pytest.mark.parametrize(
    "argv",
    [[], ["--db", "a.db"], ["--db="], ["--db", ""], ["--db", "a.db", "--db", "b.db"], ["--as", "ana", "--db=x=y.db"]],
)
def test_the_options_reach_the_callback_as_typer_passes_them(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.opens_tui(argv)
    seen: list[tuple[str | None, str | None]] = []

    def opened(self: cli_state.State, **_kwargs: object) -> None:
        seen.append((self.db, self.as_login))
        raise SystemExit(0)

    monkeypatch.setattr(cli_state.State, "ctx", opened)
    monkeypatch.setattr(sys, "argv", sys.argv)
    both_ways(argv, capsys)
    assert len(seen) == 2 and seen[0] == seen[1], seen
    assert cli.root_options(argv) == seen[0]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INQUIRY_TUI_LOGIN", "boss")
    db = tmp_path / "store.db"
    result = CliRunner().invoke(cli.app, ["--db", str(db), "init"])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize("case", ["missing", "not a store", "unknown --as", "--as by a salesperson"])
def test_a_store_that_cannot_be_opened_says_so_the_same_way(
    case: str, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", sys.argv)
    if case == "missing":
        argv = ["--db", str(tmp_path / "nowhere" / "x.db")]
    elif case == "not a store":
        (tmp_path / "notes.txt").write_text("not a database\n" * 100, encoding="utf-8")
        argv = ["--db", str(tmp_path / "notes.txt")]
    elif case == "unknown --as":
        argv = ["--db", str(store), "--as", "nobody"]
    else:
        result = CliRunner().invoke(cli.app, ["--db", str(store), "account", "add", "ana", "--name", "Ana"])
        assert result.exit_code == 0, result.output
        monkeypatch.setenv("INQUIRY_TUI_LOGIN", "ana")
        argv = ["--db", str(store), "--as", "boss"]
    fast, typer_root = both_ways(argv, capsys)
    assert fast == typer_root
    code, err = fast
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1, fast


@pytest.mark.parametrize(
    ("error", "code", "starts"),
    [
        (KeyboardInterrupt(), 130, "error: stopped (ctrl+c); the step in progress was rolled back"),
        (
            RuntimeError("a bug nobody foresaw"),
            1,
            "error: unexpected RuntimeError: RuntimeError('a bug nobody foresaw')",
        ),
        (OverflowError("Python int too large to convert to SQLite INTEGER"), 1, "error: a number given is too large"),
    ],
)
def test_ctrl_c_and_a_bug_on_the_way_read_the_same(
    error: BaseException,
    code: int,
    starts: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    closed: list[bool] = []

    def broken(self: cli_state.State, **_kwargs: object) -> None:
        raise error

    monkeypatch.setattr(cli_state.State, "ctx", broken)
    monkeypatch.setattr(cli_state.State, "close", lambda self: closed.append(True))
    monkeypatch.setattr(sys, "argv", sys.argv)
    fast, typer_root = both_ways(["--db", "x.db"], capsys)
    assert fast == typer_root
    assert fast[0] == code and fast[1].startswith(starts) and fast[1].count("\n") == 1, fast
    assert closed == [True, True]  # the store's connections closed either way
