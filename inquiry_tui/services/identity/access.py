"""Service-account mode: each person's SSH key opens the store as their account, through a forced command.

`access add LOGIN PUBKEY_FILE` writes one line to the service account's `authorized_keys`:
`restrict,pty,command=".../inquiry-tui --db STORE ssh-session LOGIN" KEY`, so that key can
run nothing but the app, as LOGIN. The file is edited under a lock (`authorized_keys.lock`
beside it), written to a temporary file and renamed over the old one; lines the app did not
write are kept byte for byte. Admin only; each change is audited.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import select

from inquiry_tui.domain.authorized_keys import (
    KeyLine,
    PublicKey,
    forced_command,
    parse_line,
    parse_public_key,
    render_line,
)
from inquiry_tui.domain.errors import NotFound, ValidationError
from inquiry_tui.domain.identity import TEAM_README
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.store.migrate import sqlite_path
from inquiry_tui.store.models import Account
from inquiry_tui.store.sharing import store_access

MAX_KEY_FILE = 16 * 1024


@dataclass(frozen=True)
class AccessEntry:
    """One key that opens the store, as `access list` shows it."""

    login: str
    fingerprint: str
    key_type: str
    comment: str
    account: str  # active | inactive | missing
    line: int  # 1-based line in the file


@dataclass(frozen=True)
class AccessList:
    file: Path
    entries: tuple[AccessEntry, ...]
    other_lines: int  # key lines the app did not write (kept as they are)


def default_keys_file() -> Path:
    """The authorized_keys of the OS account running this (the service account)."""
    return Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".ssh" / "authorized_keys"


def default_program() -> str:
    """The absolute path of this installation's `inquiry-tui`, for the forced command."""
    beside = Path(sys.executable).parent / "inquiry-tui"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("inquiry-tui")
    if found:
        return str(Path(found).resolve())
    raise ValidationError("cannot find the inquiry-tui program to run for the key; give it with --program PATH")


def _check_program(program: str) -> str:
    path = Path(program)
    if not path.is_absolute():
        raise ValidationError(f"--program must be an absolute path (sshd runs it outside your shell), not {program!r}")
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ValidationError(f"--program {program} is not an executable file")
    return str(path)


def check_service_store(ctx: Ctx) -> str:
    """Service-account mode needs a store only this OS user can write; the store as the forced command names it."""
    path = sqlite_path(ctx.url)
    if path is None:
        return ctx.url  # a server store: whoever holds its credentials is trusted with it
    access = store_access(path)
    if not access.private:
        raise ValidationError(
            f"service-account mode needs a store only this OS user ({ctx.os_user}) can write, but {access.why_shared}; "
            f"`chmod 600` the store and `chmod 700` its folder ({TEAM_README})"
        )
    return str(path.resolve())


def _read(path: Path) -> list[str]:
    """The file's lines as sshd sees them (split at LF only), each with its own ending, exactly as stored."""
    if not path.exists():
        return []
    parts = path.read_bytes().decode("utf-8", errors="surrogateescape").split("\n")
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One `access` change at a time (a lock file beside authorized_keys; the file itself is replaced)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(path: Path, lines: list[str]) -> None:
    """Replace PATH with LINES atomically (same folder, same mode, or 0600 for a new file)."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as fh:
            fh.writelines(lines)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _states(ctx: Ctx) -> dict[str, bool]:
    with ctx.read() as session:
        return {a.login: a.active for a in session.exec(select(Account)).all()}


def _entry(parsed: KeyLine, number: int, states: dict[str, bool]) -> AccessEntry:
    assert parsed.key is not None and parsed.login is not None  # only our lines become entries
    state = "missing" if parsed.login not in states else "active" if states[parsed.login] else "deactivated"
    return AccessEntry(parsed.login, parsed.key.fingerprint, parsed.key.type, parsed.key.comment, state, number)


def add_access(
    ctx: Ctx, login: str, key_file: Path, *, keys_file: Path | None = None, program: str | None = None
) -> AccessEntry:
    """Let the key in KEY_FILE open the store as LOGIN (an active account), over SSH to this OS account."""
    ctx.require_admin("give SSH access")
    ctx.require_local_files("editing authorized_keys")
    keys_file = keys_file or default_keys_file()
    if not key_file.is_file():
        raise NotFound(f"{key_file}: no such file")
    if key_file.stat().st_size > MAX_KEY_FILE:
        raise ValidationError(f"{key_file} is too large for a public key")
    key: PublicKey = parse_public_key(key_file.read_text(encoding="utf-8", errors="replace"), str(key_file))
    store = check_service_store(ctx)
    command = forced_command(_check_program(program or default_program()), store, login)
    with ctx.read() as session:
        account = account_by_login(session, login)
        if not account.active:
            raise ValidationError(f"account {login!r} is deactivated; it cannot be given access")
    with _locked(keys_file):
        lines = _read(keys_file)
        for number, text in enumerate(lines, 1):
            parsed = parse_line(text.rstrip("\r\n"))
            if parsed.key is None or parsed.key.fingerprint != key.fingerprint:
                continue
            if parsed.login == login:
                raise ValidationError(f"this key ({key.fingerprint}) already opens the store as {login}")
            if parsed.ours:
                raise ValidationError(
                    f"this key ({key.fingerprint}) already opens the store as {parsed.login}; "
                    f"`inquiry-tui access remove {key.fingerprint}` first"
                )
            raise ValidationError(
                f"this key ({key.fingerprint}) is already on line {number} of {keys_file}, not as the app "
                "(sshd would use that line, which gives a shell); remove that line or use another key"
            )
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(render_line(command, key) + "\n")
        with ctx.write() as session:
            audit(
                session,
                ctx,
                "access_add",
                "account",
                login,
                after={"fingerprint": key.fingerprint, "type": key.type, "file": str(keys_file)},
            )
            _write(keys_file, lines)  # inside the transaction: a failed write records nothing
    return AccessEntry(login, key.fingerprint, key.type, key.comment, "active", len(lines))


def list_access(ctx: Ctx, *, keys_file: Path | None = None) -> AccessList:
    """The keys that open the store (lines the app wrote) and how many other key lines the file holds."""
    ctx.require_admin("list SSH access")
    ctx.require_local_files("reading authorized_keys")
    keys_file = keys_file or default_keys_file()
    states = _states(ctx)
    entries, others = [], 0
    for number, text in enumerate(_read(keys_file), 1):
        parsed = parse_line(text.rstrip("\r\n"))
        if parsed.ours:
            entries.append(_entry(parsed, number, states))
        elif parsed.key is not None:
            others += 1
    return AccessList(keys_file, tuple(entries), others)


def remove_access(ctx: Ctx, who: str, *, keys_file: Path | None = None) -> tuple[AccessEntry, ...]:
    """Take away the app's lines for WHO: a login (all its keys) or one key's fingerprint (`SHA256:...`)."""
    ctx.require_admin("take away SSH access")
    ctx.require_local_files("editing authorized_keys")
    keys_file = keys_file or default_keys_file()
    states = _states(ctx)
    with _locked(keys_file):
        kept, removed = [], []
        for number, text in enumerate(_read(keys_file), 1):
            parsed = parse_line(text.rstrip("\r\n"))
            if parsed.ours and parsed.key is not None and who in (parsed.login, parsed.key.fingerprint):
                removed.append(_entry(parsed, number, states))
            else:
                kept.append(text)
        if not removed:
            raise NotFound(f"no key opens the store as {who!r} in {keys_file}; see `inquiry-tui access list`")
        with ctx.write() as session:
            for entry in removed:
                audit(
                    session,
                    ctx,
                    "access_remove",
                    "account",
                    entry.login,
                    before={"fingerprint": entry.fingerprint, "type": entry.key_type, "file": str(keys_file)},
                )
            _write(keys_file, kept)
    return tuple(removed)
