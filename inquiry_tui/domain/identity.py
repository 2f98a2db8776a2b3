"""Who is acting: the account a process may act as, from its OS user, INQUIRY_TUI_LOGIN, or the SSH key it came in with.

The rules (docs/domain.md, "Who is who"):

- A person acts as the account named like their OS user (the real one, from the process's
  uid), unless they came in over SSH in service-account mode, where their key names it.
- INQUIRY_TUI_LOGIN may name another account only on a store no other OS user can write (a
  container, a private store): there it lets nobody become anyone they could not already be.
  On a shared store it is refused, naming the ways that work.
- In an SSH session the key's account stands; INQUIRY_TUI_LOGIN is ignored.
- `--as` (the admin acting as another account) is checked once the account is known.

Pure: the store layer supplies the facts (`private`, `why_shared`), the services decide with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inquiry_tui.domain.errors import NotFound, PermissionDenied

TEAM_README = 'README, "Running it for a team"'


class Source(StrEnum):
    """How the acting account was chosen."""

    OS_USER = "os_user"
    ENV = "env"
    SSH_KEY = "ssh_key"


@dataclass(frozen=True)
class Claim:
    login: str
    source: Source


class LoginRefused(PermissionDenied):
    """INQUIRY_TUI_LOGIN (or another way of choosing an account) is not allowed here."""


def claim(*, os_user: str, env_login: str | None, private: bool, why_shared: str, key_login: str | None) -> Claim:
    """The account this process claims to act as, or LoginRefused naming the way that works."""
    if key_login is not None:
        return Claim(key_login, Source.SSH_KEY)
    if env_login is None or env_login == os_user:
        return Claim(os_user, Source.OS_USER)
    if private:
        return Claim(env_login, Source.ENV)
    raise LoginRefused(
        f"INQUIRY_TUI_LOGIN={env_login} cannot choose the account on a shared store ({why_shared}); "
        f"you are OS user {os_user!r} and act as that account. Unset INQUIRY_TUI_LOGIN; the admin acts as another "
        "account with --as LOGIN, and in service-account mode each person's SSH key picks theirs "
        f"(`inquiry-tui access add`; {TEAM_README})"
    )


def no_account(
    claimed: Claim,
    *,
    os_user: str,
    admin_login: str | None,
    private: bool,
    why_shared: str = "",
    admin_is_os_user: bool = True,
) -> NotFound:
    """The error for a claimed login that is not an account, naming a way out that works for this caller.

    On a shared store only the OS user named like the main account can act as it; when this
    machine has no such OS user (`init --admin boss` run by root, say), that way is named with
    what it takes, beside the other one that works: making the store this OS user's alone.
    """
    login = claimed.login
    if admin_login is None:
        return NotFound("this store has no main account yet; create it with `inquiry-tui init --admin LOGIN`")
    if claimed.source is Source.SSH_KEY:
        return NotFound(
            f"the SSH key's account {login!r} is not in this store; the admin adds it "
            f"(`inquiry-tui account add {login} --name ...`) or removes the key (`inquiry-tui access remove {login}`)"
        )
    if claimed.source is Source.ENV:
        return NotFound(
            f"no account for INQUIRY_TUI_LOGIN {login!r} in this store; its main account is {admin_login!r} "
            f"(`INQUIRY_TUI_LOGIN={admin_login} inquiry-tui account list` shows the others)"
        )
    if private:
        way = (
            f"this store is only yours (OS user {os_user}) to write, so you may act as its main account: "
            f"`INQUIRY_TUI_LOGIN={admin_login} inquiry-tui ...` (and add yourself with "
            f"`INQUIRY_TUI_LOGIN={admin_login} inquiry-tui account add {login} --name ...`)"
        )
    elif admin_is_os_user:
        way = (
            f"the admin adds you: OS user {admin_login} runs `inquiry-tui account add {login} --name ...` "
            f"({TEAM_README})"
        )
    else:
        way = (
            f"only OS user {admin_login} may act as it on this shared store ({why_shared}), and this machine has "
            f"no OS user {admin_login}: create it (`useradd {admin_login}`) and have it run "
            f"`inquiry-tui account add {login} --name ...`, or make the store only yours to write, after which "
            f"`INQUIRY_TUI_LOGIN={admin_login} inquiry-tui ...` works ({TEAM_README})"
        )
    return NotFound(
        f"no account for your OS login {login!r} in this store (its main account is {admin_login!r}); {way}"
    )


AS_REFUSED = "--as is only for the admin (main account)"
