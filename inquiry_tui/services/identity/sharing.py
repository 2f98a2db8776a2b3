"""Group mode: one store shared by the OS accounts of a group (`init --shared-group GROUP`, `db share GROUP`).

The store's folder becomes setgid and group-writable (mode 2770: what is made in it belongs to
the group; others get nothing), the store files group-writable (660). Every process that opens
a store in such a folder keeps what it creates group-writable (`store.sharing`). Each person
acts as their own OS account; the roles guard against mistakes, not against a member who
edits the file directly (README, "Running it for a team").
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from inquiry_tui.config import db_url, os_user_exists
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.identity import TEAM_README
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import connect_system
from inquiry_tui.services.team.accounts import AccountInfo, init_company, validate_login
from inquiry_tui.store.migrate import sqlite_path
from inquiry_tui.store.sharing import ShareResult, prepare_shared_folder, share_with_group, store_access


@dataclass(frozen=True)
class InitResult:
    admin: AccountInfo
    shared: ShareResult | None
    note: str | None  # a warning worth reading (a store root made for someone else)


def _root_note(db: str | None, admin: str) -> str | None:
    """Root made a private store for another OS user: say plainly that only root can use it, and the ways out."""
    path = sqlite_path(db_url(db))
    if os.geteuid() != 0 or path is None or admin == "root" or not os_user_exists(admin):
        return None
    return (
        f"note: only root can write {path}, so OS user {admin} cannot use it yet. Share it with a group "
        f"(`inquiry-tui --db {path} db share GROUP`), or hand it over (`chown -R {admin} {path.parent}`) "
        f"({TEAM_README})"
    )


def _share(db: str | None, group: str) -> ShareResult:
    path = sqlite_path(db_url(db))
    assert path is not None  # checked by the callers
    result = share_with_group(path, group)
    system = connect_system(db)
    try:
        with system.write() as session:
            audit(
                session,
                system,
                "store_share",
                "store",
                str(path),
                after={"group": group, "folder_mode": "2770", "file_mode": "660", "members": list(result.members)},
            )
    finally:
        system.close()
    return result


def init_store(db: str | None, admin_login: str, name: str, shared_group: str | None = None) -> InitResult:
    """`init`: a new store with its main account; with SHARED_GROUP, set up for that group (group mode)."""
    validate_login(admin_login)
    path = sqlite_path(db_url(db))
    if shared_group is not None:
        if path is None:
            raise ValidationError("--shared-group is for SQLite stores (a file on this machine)")
        if not path.exists():
            prepare_shared_folder(path, shared_group)  # before the file exists: it is born in the group
    system = connect_system(db)
    try:
        info = init_company(system, admin_login, name)
    finally:
        system.close()
    if shared_group is None:
        return InitResult(info, None, _root_note(db, admin_login))
    return InitResult(info, _share(db, shared_group), None)


def share_store(db: str | None, group: str) -> ShareResult:
    """`db share GROUP`: group mode for an existing store (run by the store's owner or root)."""
    path = sqlite_path(db_url(db))
    if path is None:
        raise ValidationError("db share is for SQLite stores (a file on this machine)")
    if not path.exists():
        raise ValidationError(f"no store at {path}")
    return _share(db, group)


def shared_group_of(db: str | None) -> str | None:
    """The group a store is shared with (group mode), if any."""
    return store_access(sqlite_path(db_url(db))).shared_group
