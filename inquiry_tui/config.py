"""Where the store lives (`--db`, env INQUIRY_TUI_DB, or the platformdirs user data dir) and who the OS user is."""

from __future__ import annotations

import os
import pwd
import traceback
from functools import cache
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from inquiry_tui.domain.filenames import user_path

APP_NAME = "inquiry-tui"
ENV_DB = "INQUIRY_TUI_DB"
# Names the account only where that cannot make anyone someone else: a store file no other OS
# user can write (a container, a private store). `services.context.connect` decides.
ENV_LOGIN = "INQUIRY_TUI_LOGIN"


def default_db_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "inquiries.db"


def db_url(db: str | None = None) -> str:
    """An SQLAlchemy URL from a path or URL given on the command line, the env, or the default."""
    value = db or os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in value:
        return value
    path = user_path(value)
    return f"sqlite:///{path}"


@cache
def real_os_user() -> str:
    """The OS account this process runs as, from its effective uid (never from USER or LOGNAME, which anyone can set).

    A uid without a passwd entry (some containers) is named `uid<N>`.
    """
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def os_user_exists(name: str) -> bool:
    """Whether this machine has an OS account called NAME."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def env_login() -> str | None:
    """The account INQUIRY_TUI_LOGIN names, if set (whether it is honoured is the store's question)."""
    return os.environ.get(ENV_LOGIN) or None


def os_login() -> str:
    """The login this process claims: INQUIRY_TUI_LOGIN, else the real OS user.

    Only a default (e.g. `init`'s main account); opening a store decides whether the claim
    stands (see `services.context.connect`).
    """
    return env_login() or real_os_user()


def error_log_path() -> Path:
    """Where the tracebacks of unexpected errors go (the user sees one line naming this file)."""
    return Path(user_log_dir(APP_NAME, appauthor=False)) / "errors.log"


def log_error(error: BaseException) -> str:
    """Append ERROR's traceback to the error log; return where it went."""
    path = error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(error)) + "\n")
        return str(path)
    except OSError:
        return "(the log could not be written)"
