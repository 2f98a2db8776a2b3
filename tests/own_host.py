"""The PostgreSQL half's test seam, for a test's child processes (tests/conftest.py `_on_own_host` in-process).

A server store never lets INQUIRY_TUI_LOGIN choose the account (docs/domain.md, "Who is who"):
the OS user is the account. A child process of a test has the test's one OS user, so on
PostgreSQL it names the OS user after the account it acts as (INQUIRY_TUI_LOGIN, read at each
call), as each salesperson running the app on their own host would be. On SQLite the test's
store file is private to its OS user and INQUIRY_TUI_LOGIN chooses the account as it does in
the app: nothing is changed there.

A child calls `on_own_host(URL)` before `connect(URL)`; the test starts it with ROOT on its
PYTHONPATH (`child_env`) so `tests` can be imported.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def on_own_host(url: str) -> None:
    """On a PostgreSQL store, this process's OS user is the account INQUIRY_TUI_LOGIN names."""
    if not url.startswith("postgresql"):
        return
    import inquiry_tui.services.context as context

    real = context.real_os_user
    context.real_os_user = lambda: os.environ.get("INQUIRY_TUI_LOGIN") or real()


def child_env(login: str) -> dict[str, str]:
    """The environment of a child process acting as LOGIN, with `tests` importable."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "INQUIRY_TUI_LOGIN": login, "PYTHONPATH": path}
