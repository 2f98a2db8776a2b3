"""Where the store lives: `--db`, env INQUIRY_TUI_DB, or the platformdirs user data dir."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "inquiry-tui"
ENV_DB = "INQUIRY_TUI_DB"
ENV_LOGIN = "INQUIRY_TUI_LOGIN"  # overrides the OS login (tests, containers without a passwd entry)


def default_db_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "inquiries.db"


def db_url(db: str | None = None) -> str:
    """An SQLAlchemy URL from a path or URL given on the command line, the env, or the default."""
    value = db or os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return f"sqlite:///{path}"


def os_login() -> str:
    """The OS login the app acts as unless `--as` is given (admins only)."""
    override = os.environ.get(ENV_LOGIN)
    if override:
        return override
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "admin"
