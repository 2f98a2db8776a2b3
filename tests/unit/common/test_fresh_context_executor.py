"""The thread workers' pool: a context variable a job sets (Textual's `active_worker`) is gone for the next job."""

from __future__ import annotations

import contextvars
from concurrent.futures import ThreadPoolExecutor

from inquiry_tui.tui.common.executor import FreshContextExecutor

MARK: contextvars.ContextVar[str] = contextvars.ContextVar("mark")


def set_mark() -> str:
    MARK.set("left by the last job")
    return MARK.get()


def read_mark() -> str:
    return MARK.get("none")


def test_a_job_leaves_nothing_in_its_thread_for_the_next() -> None:
    with FreshContextExecutor(max_workers=1) as pool:
        assert pool.submit(set_mark).result() == "left by the last job"
        assert pool.submit(read_mark).result() == "none"


def test_a_plain_pool_keeps_it_which_is_why() -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(set_mark).result()
        assert pool.submit(read_mark).result() == "left by the last job"


def test_arguments_and_keywords_reach_the_job() -> None:
    with FreshContextExecutor(max_workers=1) as pool:
        assert pool.submit(divmod, 7, 2).result() == (3, 1)
        assert pool.submit(dict, a=1).result() == {"a": 1}
