"""Progress of the long exports (issue 13, item 11): a bar on a terminal only (never with -q or in a pipe), the
file the same with it, and ctrl+c (from the bar's callback or from the writer) one line saying what was kept."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from inquiry_tui.cli import app, progress
from inquiry_tui.cli.root import kept_after_interrupt
from inquiry_tui.services.allocation import record
from inquiry_tui.services.inbox import export
from tests.conftest import cli_db

runner = CliRunner()

# Each export with an output file: (the command's words, the module whose progress_bar it uses, the bar's label)
EXPORTS = {
    "inquiries": (["export", "inquiries", "--folder", "inbox"], "inquiry_tui.cli.arrivals", "inquiries"),
    "allocations": (["export", "allocations", "--days", "3650"], "inquiry_tui.cli.arrivals", "allocation records"),
}


class Terminal(io.StringIO):
    """What the bar draws on, taken for a terminal (rich draws a live display only on one)."""

    def isatty(self) -> bool:
        return True


def run(db: str, *args: str) -> Result:
    return runner.invoke(app, ["--db", db, *args], prog_name="inquiry-tui")


@pytest.fixture
def store(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Five inquiries in the inbox, each with its allocation record; progress reported every 2 rows."""
    db = cli_db(db_url)
    assert run(db, "init", "--name", "The Boss").exit_code == 0
    assert run(db, "account", "add", "ana", "--name", "Ana").exit_code == 0
    assert run(db, "product", "add", "FL-100W", "--name", "Flood", "--owner", "ana").exit_code == 0
    rows = [
        {
            "external_id": f"x-{n}",
            "channel": "inquiry",
            "received_at": f"2026-11-20T10:0{n}:00Z",
            "buyer": {"email": f"b{n}@buyer.example", "country": "DE"},
            "product": "FL-100W",
            "subject": f"=cmd {n}" if n == 0 else f"Quote {n}",
            "body": "Please quote 100 pcs.",
        }
        for n in range(5)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run(db, "import", "inquiries", str(source), "-q").exit_code == 0
    monkeypatch.setattr(export, "REPORT_EVERY", 2)
    monkeypatch.setattr(record, "REPORT_EVERY", 2)
    return db


def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> Terminal:
    """stderr taken for a terminal; returns what the bar draws on."""
    screen = Terminal()
    monkeypatch.setenv("TERM", "xterm-256color")  # rich draws a live display on a terminal that is not dumb
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.setattr(progress, "shown", lambda quiet: not quiet)
    monkeypatch.setattr(progress, "_screen", lambda: screen)
    return screen


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def leftovers(folder: Path, name: str) -> list[str]:
    """Temporary files an export left beside NAME (it writes `.NAME.*` and renames it when complete)."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


@pytest.mark.parametrize("kind", EXPORTS)
def test_on_a_terminal_the_bar_shows_and_the_file_is_the_same(
    kind: str, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, _, label = EXPORTS[kind]
    expected = run(store, *words)  # to stdout: never a bar
    assert expected.exit_code == 0 and len(rows_of(expected.stdout)) == 6  # the header and 5 rows
    screen = on_a_terminal(monkeypatch)
    out = tmp_path / f"{kind}.csv"
    result = run(store, *words, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert rows_of(out.read_text(encoding="utf-8")) == rows_of(expected.stdout)
    assert not any(cell.startswith("=") for row in rows_of(out.read_text(encoding="utf-8")) for cell in row)
    drawn = screen.getvalue()
    assert label in drawn and "5" in drawn  # the rows written, drawn on the terminal
    assert result.stderr.strip().startswith("exported 5 ")  # the count, and nothing of the bar, on stderr


@pytest.mark.parametrize("kind", EXPORTS)
@pytest.mark.parametrize("quiet", [True, False], ids=["quiet", "not-a-terminal"])
def test_quiet_or_not_on_a_terminal_draws_nothing(
    kind: str, quiet: bool, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, _, _ = EXPORTS[kind]
    screen = on_a_terminal(monkeypatch) if quiet else Terminal()
    if not quiet:  # the real test of a terminal: CliRunner's stderr is none
        monkeypatch.setattr(progress, "_screen", lambda: screen)
    out = tmp_path / f"{kind}.csv"
    result = run(store, *words, "-o", str(out), *(["-q"] if quiet else []))
    assert result.exit_code == 0, result.output
    assert screen.getvalue() == ""
    assert len(rows_of(out.read_text(encoding="utf-8"))) == 6
    assert (
        result.stderr.strip() == f"exported 5 {'inquiries' if kind == 'inquiries' else 'allocation records'} to {out}"
    )


def _stop_in_the_callback(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    """The bar's callback raises KeyboardInterrupt at its second report, as ctrl+c would arrive there."""
    real = progress.progress_bar

    @contextmanager
    def interrupting(*, quiet: bool = False) -> Iterator[progress.Report]:
        with real(quiet=quiet) as report:

            def report_then_stop(part: str, done: int, total: int) -> None:
                report(part, done, total)
                if done >= 2:
                    raise KeyboardInterrupt

            yield report_then_stop

    monkeypatch.setattr(f"{module}.progress_bar", interrupting)


def _stop_in_the_writer(monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    """The row writer raises KeyboardInterrupt at every third row (the third of a run)."""
    target, name = (export, "_terms") if kind == "inquiries" else (record, "_record")
    real = getattr(target, name)
    calls = {"n": 0}

    def writing(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] % 3 == 0:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(target, name, writing)


@pytest.mark.parametrize("where", ["callback", "writer"])
@pytest.mark.parametrize("kind", EXPORTS)
def test_ctrl_c_removes_the_partial_file_and_says_so_in_one_line(
    kind: str, where: str, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, module, _ = EXPORTS[kind]
    screen = on_a_terminal(monkeypatch)
    if where == "callback":
        _stop_in_the_callback(monkeypatch, module)
    else:
        _stop_in_the_writer(monkeypatch, kind)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"{kind}.csv"
    kept = folder / f"kept-{kind}.csv"
    kept.write_text("the file before\n", encoding="utf-8")
    for target in (out, kept):
        result = run(store, *words, "-o", str(target))
        assert result.exit_code == 130
        assert result.output.strip() == (
            f"error: stopped (ctrl+c); {target} was not written "
            "(the partial file was removed; an export is complete or not at all)"
        )
        assert "Traceback" not in result.output and "Traceback" not in screen.getvalue()
        assert leftovers(folder, target.name) == []
    assert not out.exists()
    assert kept.read_text(encoding="utf-8") == "the file before\n"  # an existing file is replaced only when complete


@pytest.mark.parametrize("kind", EXPORTS)
def test_ctrl_c_while_writing_to_stdout_says_the_output_is_incomplete(
    kind: str, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, _, _ = EXPORTS[kind]
    _stop_in_the_writer(monkeypatch, kind)
    result = run(store, *words, "--format", "jsonl")
    assert result.exit_code == 130
    assert (
        result.stderr.strip() == "error: stopped (ctrl+c); the output stopped part-way (what was printed is incomplete)"
    )
    assert len(result.stdout.splitlines()) == 2  # the two rows written before it


@pytest.mark.parametrize(
    ("argv", "kept"),
    [
        (["export", "inquiries", "-o", "x.csv"], "x.csv was not written (the partial file was removed"),
        (["export", "allocations", "--output=y.csv", "-q"], "y.csv was not written"),
        (["export", "allocations", "-oz.csv"], "z.csv was not written"),
        (["loi", "export", "3", "-o", "loi.pdf"], "loi.pdf was not written"),
        (["order", "export", "SO-1", "--output", "o.pdf"], "o.pdf was not written"),
        (["export", "inquiries"], "the output stopped part-way"),
        (["db", "backup", "-q", "b.tar"], "b.tar was not written (the partial archive was removed)"),
        (["db", "restore", "b.tar"], "no store was made (the partial store was removed"),
        (["db", "copy", "--to", "new.db"], "the copy in new.db is not complete: remove or empty it"),
        (["import", "maildir", "Mail"], "the messages written before it are kept; run it again"),
        (["import", "orders", "o.jsonl"], "nothing was imported (an import is all or nothing)"),
        (["allocate"], "the step in progress was rolled back"),
    ],
)
def test_what_each_long_command_says_it_kept(argv: list[str], kept: str) -> None:
    assert kept_after_interrupt(argv).startswith(kept)
