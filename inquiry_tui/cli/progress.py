"""Progress of a long command on a terminal (rich.progress: bar, count, rate, time left); silent otherwise.

A command passes `progress_bar(...)`'s callback to a service that reports `(part, done, total)`
(e.g. `db copy`: a table's rows). On a terminal the bar goes to stderr and disappears when the
command ends; in a pipe, a cron job or with `--quiet` nothing is drawn, so output stays parseable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from inquiry_tui.cli.terminal import TerminalGuard, on_terminal
from inquiry_tui.domain.text import safe_line

Report = Callable[[str, int, int], None]  # (part, done, total)


class RateColumn(ProgressColumn):
    """Rows (or files) per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="cyan")


def shown(quiet: bool) -> bool:
    return not quiet and on_terminal(sys.stderr)


def _screen() -> Any:
    """The terminal underneath stderr: the bar is our own drawing (its labels pass safe_line), so it goes past
    the guard that makes buyer text inert (cli/terminal.py), which would show its cursor moves as `␛`."""
    stream = sys.stderr
    return stream.raw if isinstance(stream, TerminalGuard) else stream


_ACTIVE: list[Report] = []  # the bar being drawn: a nested progress_bar adds its parts to it (one live display)


@contextmanager
def progress_bar(*, quiet: bool = False) -> Iterator[Report]:
    """A report callback drawing one bar per part on a terminal (nothing when QUIET or not a terminal).

    Inside another progress_bar the parts go to that one: a terminal shows one live display at a time."""
    if _ACTIVE and not quiet:  # first: inside a bar, stderr is rich's proxy, which says it is no terminal
        yield _ACTIVE[-1]
        return
    if not shown(quiet):
        yield lambda _part, _done, _total: None
        return
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(file=_screen()), transient=True) as bar:
        tasks: dict[str, object] = {}

        def report(part: str, done: int, total: int) -> None:
            # total 0: not known beforehand (an export): count and rate, no time left
            if part not in tasks:
                tasks[part] = bar.add_task(safe_line(part), total=total or None)
            bar.update(tasks[part], completed=done, total=total or None)  # type: ignore[arg-type]

        _ACTIVE.append(report)
        try:
            yield report
        finally:
            _ACTIVE.pop()


@contextmanager
def import_progress(*, quiet: bool = False, read: bool = True) -> Iterator[Report]:
    """Every file import's progress (one helper for them all): the bytes of the file read, with rate and time
    left, plus the parts the service reports itself; nothing when QUIET or not on a terminal.

    READ False: the service reports its own passes over the file (`import inquiries`: checking, importing).
    ctrl+c during an import is one line, "nothing was imported" (cli/root.py): imports are all or nothing."""
    from inquiry_tui.services.records.reader import reading_progress  # not on the other commands' imports

    with progress_bar(quiet=quiet) as report, reading_progress(report if read and _ACTIVE else None):
        yield report
