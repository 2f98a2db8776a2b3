"""The check `ssh-session` makes before acting as an SSH key's account: the store must be the service account's alone.

Otherwise any OS user who can run the program could name any account on the command line
(`ssh-session boss`); on a store only the service account can write, only sshd's forced command
(or someone who is the service account already) gets that far.
"""

from __future__ import annotations

from inquiry_tui.config import db_url, real_os_user
from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.domain.identity import TEAM_README
from inquiry_tui.store.migrate import sqlite_path
from inquiry_tui.store.sharing import store_access


def check_session_store(db: str | None) -> None:
    """Refuse unless the SQLite store at DB is private to this OS user (a server store: its credentials decide)."""
    path = sqlite_path(db_url(db))
    if path is None or not path.exists():
        return  # a server store; or none, which opening it reports
    found = store_access(path)
    if not found.private:
        raise PermissionDenied(
            f"ssh-session serves only a store that this OS user ({real_os_user()}) alone can write "
            f"(service-account mode), but {found.why_shared}; {TEAM_README}"
        )
