"""The thread pool that runs the app's thread workers: each job in a context of its own.

Textual's thread worker sets its `active_worker` context variable in the pool thread's own context
(`Worker._run_threaded`), where it stays after the job: each idle pool thread kept the last worker it ran,
and that worker its screen. A screen released when left (tui/app.py) was then kept for as long as its
thread idled. Run in a fresh, empty context (what a new thread starts with), a job leaves nothing behind.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class FreshContextExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor whose jobs each run in a new, empty `contextvars.Context`."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return super().submit(contextvars.Context().run, fn, *args, **kwargs)
