"""Progress of a long command on a terminal (rich.progress: bar, count, rate, time left); silent otherwise.

A command passes `progress_bar(...)`'s callback to a service that reports `(part, done, total)`
(e.g. `db copy`: a table's rows). On a terminal the bar goes to stderr and disappears when the
command ends; in a pipe, a cron job or with `--quiet` nothing is drawn, so output stays parseable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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

Report = Callable[[str, int, int], None]  # (part, done, total)


class RateColumn(ProgressColumn):
    """Rows (or files) per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="cyan")


def shown(quiet: bool) -> bool:
    return not quiet and sys.stderr.isatty()


@contextmanager
def progress_bar(*, quiet: bool = False) -> Iterator[Report]:
    """A report callback drawing one bar per part on a terminal (nothing when QUIET or not a terminal)."""
    if not shown(quiet):
        yield lambda _part, _done, _total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks: dict[str, object] = {}

        def report(part: str, done: int, total: int) -> None:
            # total 0: not known beforehand (an export): count and rate, no time left
            if part not in tasks:
                tasks[part] = bar.add_task(part, total=total or None)
            bar.update(tasks[part], completed=done, total=total or None)  # type: ignore[arg-type]

        yield report
