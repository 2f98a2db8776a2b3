"""Who else can write a store file: the facts identity rules need, and sharing a store's folder with an OS group.

A SQLite store is its file plus, in WAL mode, `-wal` and `-shm` beside it, created by whichever
process opens it first: everyone who uses the store must be able to write the file *and* its
folder. Group mode (README, "Running it for a team") makes the folder setgid and
group-writable, so every file made in it belongs to the group, and the store files
group-writable (SQLite gives `-wal`/`-shm` the store file's own mode).

"Private" means no other OS user (root aside, who can do anything) can write the store: the
file, its `-wal`/`-shm` and its folder belong to this process's user, and neither is writable
by a group with other members nor by everyone. ACLs are not looked at.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from inquiry_tui.domain.errors import PermissionDenied, ValidationError

SERVER_STORE = "a database server, which other OS users and hosts may reach"
SHARED_FOLDER_MODE = 0o2770  # setgid: new files take the folder's group; group rwx; others nothing
SHARED_FILE_MODE = 0o660
SHARED_UMASK = 0o007  # what this process creates in a shared folder stays group-writable


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"gid{gid}"


def group_members(gid: int) -> tuple[str, ...]:
    """The OS users in group GID: its listed members and those whose primary group it is."""
    try:
        listed = set(grp.getgrgid(gid).gr_mem)
    except KeyError:
        listed = set()
    primary = {p.pw_name for p in pwd.getpwall() if p.pw_gid == gid}
    return tuple(sorted(listed | primary))


def store_files(path: Path) -> tuple[Path, ...]:
    """The store file, the `-wal`, `-shm`, `-journal` files SQLite keeps beside it and the write gate's lock
    file (store/write_gate.py): those that exist."""
    extra = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal", "-writers"))
    return (path, *(p for p in extra if p.exists()))


def _others_can_write(st: os.stat_result, owner_uid: int) -> str:
    """Why someone other than OWNER_UID can write a file or folder with stat ST ("" when nobody can)."""
    if st.st_mode & stat.S_IWOTH:
        return "writable by every OS user"
    if st.st_mode & stat.S_IWGRP:
        others = [m for m in group_members(st.st_gid) if m != _user(owner_uid)]
        if others:
            return f"group-writable (group {_group(st.st_gid)}: {', '.join(others[:5])}{' ...' if len(others) > 5 else ''})"
    return ""


@dataclass(frozen=True)
class StoreAccess:
    """Who can write the store at a URL, as far as this process can tell."""

    path: Path | None  # None: not a file (a database server)
    private: bool  # only this OS user (and root) can write it
    why_shared: str  # when not private: why, in words ("" when private)
    shared_group: str | None  # group mode: the folder is setgid and group-writable for this group


def store_access(path: Path | None) -> StoreAccess:
    """The facts for the SQLite store file PATH (None: a server store, never private)."""
    if path is None:
        return StoreAccess(None, False, SERVER_STORE, None)
    euid = os.geteuid()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder_st = folder.stat()
        file_stats = [(p, p.stat()) for p in store_files(path)] if path.exists() else []
    except OSError as exc:
        return StoreAccess(path, False, f"{exc.strerror}: {exc.filename}", None)
    why = ""
    for p, st in file_stats:
        if reason := _others_can_write(st, euid):
            why = f"{p} is {reason}"
        elif st.st_uid != euid:
            why = f"{p} belongs to OS user {_user(st.st_uid)}"
        if why:
            break
    if not why and not file_stats:
        why = f"there is no store file at {path} yet"
    if not why:
        if folder_st.st_uid not in (euid, 0):
            why = f"its folder {folder} belongs to OS user {_user(folder_st.st_uid)}"
        elif not folder_st.st_mode & stat.S_ISVTX and (reason := _others_can_write(folder_st, euid)):
            why = f"its folder {folder} is {reason}"  # anyone there could swap the file
    shared = folder_st.st_mode & stat.S_ISGID and folder_st.st_mode & stat.S_IWGRP
    return StoreAccess(path, not why, why, _group(folder_st.st_gid) if shared else None)


def describe_mode(p: Path) -> str:
    """`PATH (owner:group, mode 644)`, or why it cannot be looked at."""
    try:
        st = p.stat()
    except OSError as exc:
        return f"{p} ({exc.strerror.lower() if exc.strerror else 'not readable'})"
    return f"{p} ({_user(st.st_uid)}:{_group(st.st_gid)}, mode {stat.S_IMODE(st.st_mode):o})"


def describe_write_problem(path: Path, os_user: str) -> str:
    """Why OS_USER cannot write the store at PATH, and the command that shares it (one line)."""
    folder = path.parent if str(path.parent) else Path(".")
    return (
        f"OS user {os_user} cannot write the store: {describe_mode(path)} in folder {describe_mode(folder)}. "
        f"Its owner (or root) can share it with a group of its users: "
        f'`inquiry-tui --db {path} db share GROUP` (README, "Running it for a team")'
    )


def describe_unreachable(path: Path, os_user: str) -> str:
    """Why OS_USER cannot even look at the store at PATH (a folder it may not enter), and the way in."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        group = _group(folder.stat().st_gid)
    except OSError:
        group = "GROUP"
    return (
        f"OS user {os_user} cannot reach the store at {path}: its folder is {describe_mode(folder)}. If you should "
        f"use it, root adds you to its group (`usermod -aG {group} {os_user}`, then log in again)"
    )


# --- group mode -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareResult:
    folder: Path
    group: str
    members: tuple[str, ...]
    files: int  # files and folders whose group and mode were set


def _store_entry(name: str, path: Path) -> bool:
    """Whether NAME in the store's folder belongs to the store (its files, backups, file store)."""
    stem = path.stem
    # The file, its -wal/-shm/-journal, the backups taken before upgrades, the file store.
    return name in (path.name, f"{stem}.files") or name.startswith((path.name + "-", f"{stem}.before-"))


def check_group(group: str) -> int:
    """The gid of GROUP, which this process may hand files to (root, or a member)."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise ValidationError(
            f"there is no OS group {group!r}; create it (`groupadd {group}`) and add each person "
            f"(`usermod -aG {group} LOGIN`), then run this again"
        ) from None
    if os.geteuid() != 0 and gid not in os.getgroups() and gid != os.getegid():
        raise PermissionDenied(f"you are not in group {group!r}; only root or a member can give it the store")
    return gid


def check_folder(path: Path) -> None:
    """Group mode changes the store's folder: it must hold nothing but the store's own files."""
    folder = path.parent
    if not folder.exists():
        return
    strangers = sorted(p.name for p in folder.iterdir() if not _store_entry(p.name, path))
    if strangers:
        raise ValidationError(
            f"group mode shares the store's whole folder, and {folder} also holds {', '.join(strangers[:3])}"
            f"{' ...' if len(strangers) > 3 else ''}; give the store a folder of its own (e.g. --db {folder}/team/{path.name})"
        )


def prepare_shared_folder(path: Path, group: str) -> int:
    """Before a shared store is created: its folder exists, setgid, group GROUP; this process's umask keeps files group-writable."""
    gid = check_group(group)
    check_folder(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _set(path.parent, gid, SHARED_FOLDER_MODE)
    os.umask(SHARED_UMASK)
    return gid


def _walk(path: Path) -> Iterator[tuple[Path, bool]]:
    """The store's folder, its files and everything in its file store, with whether each is a folder."""
    yield path.parent, True
    for p in store_files(path):
        yield p, False
    files = path.with_name(f"{path.stem}.files")
    if files.is_dir():
        yield files, True
        for dirpath, dirnames, filenames in os.walk(files):
            for d in dirnames:
                yield Path(dirpath) / d, True
            for f in filenames:
                yield Path(dirpath) / f, False


def _set(p: Path, gid: int, mode: int) -> None:
    try:
        os.chown(p, -1, gid)
        os.chmod(p, mode)
    except PermissionError:
        owner = _user(p.stat().st_uid)
        raise PermissionDenied(
            f"{p} belongs to OS user {owner}: only {owner} or root can share it (run this as {owner})"
        ) from None


def share_with_group(path: Path, group: str) -> ShareResult:
    """Group mode for an existing store: folder setgid and group-writable, store files group-writable, for GROUP."""
    if not path.exists():
        raise ValidationError(f"no store at {path}")
    gid = check_group(group)
    check_folder(path)
    count = 0
    for p, is_folder in _walk(path):
        _set(p, gid, SHARED_FOLDER_MODE if is_folder else SHARED_FILE_MODE)
        count += 1
    return ShareResult(path.parent, group, group_members(gid), count)


def keep_group_writable(access: StoreAccess) -> None:
    """In a shared folder, what this process creates (backups, files, a new `-wal`) stays group-writable."""
    if access.shared_group is not None:
        os.umask(SHARED_UMASK)


def current_umask() -> int:
    """This process's umask, read without changing it (Linux: /proc/self/status); for files made by mkstemp (0600)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, and put it straight back
    os.umask(mask)
    return mask
