"""ctrl+c during a command: one `error:` line saying what was kept, exit 130, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.cli.progress import progress_bar

runner = CliRunner()


def test_ctrl_c_during_an_import_says_nothing_was_imported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("inquiry_tui.cli.common.State.ctx", interrupted)  # as if ctrl+c came while it worked
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "inquiries", str(source)], prog_name="inquiry-tui")
    assert result.exit_code == 130
    assert result.output.strip() == "error: stopped (ctrl+c); nothing was imported (an import is all or nothing)"


def test_no_bar_outside_a_terminal() -> None:
    with progress_bar() as report:  # pytest's stderr is not a terminal
        report("inquiry", 5, 10)  # draws nothing, fails nothing


@pytest.mark.parametrize(
    ("command", "kept"),
    [
        *[
            (["import", kind], "nothing was imported (an import is all or nothing)")
            for kind in ("inquiries", "chats", "calls", "customers", "activity", "orders", "notices", "rfqs")
        ],
        (["seed", "--inquiries", "10"], "nothing was seeded (a seed is all or nothing)"),
    ],
)
def test_ctrl_c_says_what_was_kept_for_every_import_and_seed(
    command: list[str], kept: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("inquiry_tui.cli.common.State.ctx", interrupted)
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    args = [*command, str(source)] if command[0] == "import" else command
    result = runner.invoke(app, args, prog_name="inquiry-tui")
    assert result.exit_code == 130
    assert result.output.strip() == f"error: stopped (ctrl+c); {kept}"


def test_every_import_shows_the_file_read_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """One helper for every file import: on a terminal the bytes read are reported; quiet or in a pipe, nothing."""
    import io

    from inquiry_tui.cli import progress
    from inquiry_tui.services.records.reader import iter_records

    source = tmp_path / "in.jsonl"
    source.write_text("".join(f'{{"n": {i}}}\n' for i in range(2500)), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    with progress.import_progress():  # pytest's stderr is no terminal: nothing reported
        assert sum(1 for _ in iter_records(source)) == 2500
    monkeypatch.setattr(progress, "shown", lambda quiet: not quiet)
    monkeypatch.setattr(progress, "_screen", io.StringIO)
    with progress.import_progress(quiet=True):
        assert sum(1 for _ in iter_records(source)) == 2500
    with progress.import_progress() as report:
        # Where the bar's callback sits, swapped in place: the outer bar's exit pops it (replacing the list
        # itself left the outer bar's callback on the real one, and later bars in this process drew into it).
        progress._ACTIVE[-1] = lambda *a: seen.append(a)
        with progress.import_progress():  # nested: reports into the outer bar (the service's parts too)
            assert sum(1 for _ in iter_records(source)) == 2500
        assert report is not None
    size = source.stat().st_size
    assert seen[-1] == ("reading in.jsonl", size, size) and len(seen) == 3  # every 1,000 records, then the end
