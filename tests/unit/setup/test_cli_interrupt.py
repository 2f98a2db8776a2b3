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
