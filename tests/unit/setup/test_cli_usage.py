"""A command line that cannot be parsed is one `error:` line (no boxed usage), and `--help` labels no flag `<bool>`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["inquiry", "assign", "abc", "ana"], ["inquiry-tui inquiry assign:", "'inquiry_id'", "valid integer"]),
        (["export", "allocations", "--days", "0"], ["inquiry-tui export allocations:", "'--days'", "greater than"]),
        (["frob"], ["no such command 'frob'", "(see `inquiry-tui -h`)"]),
        (["inquiry", "assign"], ["missing argument 'inquiry_id'", "(see `inquiry-tui inquiry assign -h`)"]),
        (["seed", "--nope"], ["inquiry-tui seed: no such option: --nope"]),
    ],
)
def test_usage_errors_are_one_line(args: list[str], fragments: list[str]) -> None:
    result = runner.invoke(app, args, prog_name="inquiry-tui")
    assert result.exit_code == 2  # click's code for "the command line is wrong"; a failing command exits 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert not any(box in result.output for box in "╭│╰")


def test_a_group_without_its_command_shows_its_help() -> None:
    result = runner.invoke(app, ["import"], prog_name="inquiry-tui")
    assert result.exit_code == 2
    assert "inquiries" in result.output and "error:" not in result.output


def test_help_labels_no_flag_with_a_type() -> None:
    result = runner.invoke(app, ["seed", "--help"], prog_name="inquiry-tui", terminal_width=100)
    assert result.exit_code == 0
    assert "--sample" in result.output and "<int>" in result.output  # flags unlabelled, values still typed
    assert "<bool>" not in result.output
