"""Who is acting: the real OS user; INQUIRY_TUI_LOGIN only on a private store; `--as` for the admin; clear ways out."""

from __future__ import annotations

import os
import pwd
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from inquiry_tui.cli import app
from inquiry_tui.config import real_os_user
from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.domain.identity import LoginRefused, Source, claim
from inquiry_tui.services import context
from inquiry_tui.services.context import Ctx, connect
from inquiry_tui.store.migrate import upgrade
from inquiry_tui.store.sharing import store_access

# Who may write the store file decides who is who (a server store is always shared, as claim() is told here).
pytestmark = pytest.mark.sqlite_only

runner = CliRunner()
logins = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)


def cli(db: str, *args: str, login: str | None = "boss"):  # type: ignore[no-untyped-def]
    env = {"INQUIRY_TUI_LOGIN": login} if login else {"INQUIRY_TUI_LOGIN": ""}
    return runner.invoke(app, ["--db", db, *args], env=env)


def one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Traceback" not in result.output
    return str(lines[0])


def share_with_everyone(db: str) -> None:
    """Make the store writable by every OS user: what a shared store looks like to the rules."""
    path = Path(db)
    path.chmod(path.stat().st_mode | stat.S_IWOTH)


# --- the rules ----------------------------------------------------------------------------------


@given(os_user=logins, env=st.one_of(st.none(), logins), private=st.booleans(), key=st.one_of(st.none(), logins))
def test_the_environment_never_picks_the_account_on_a_shared_store(
    os_user: str, env: str | None, private: bool, key: str | None
) -> None:
    try:
        chosen = claim(os_user=os_user, env_login=env, private=private, why_shared="shared", key_login=key)
    except LoginRefused as refused:
        assert key is None and env not in (None, os_user) and not private
        assert "--as" in str(refused) and "access add" in str(refused)
        return
    if key is not None:
        assert (chosen.login, chosen.source) == (key, Source.SSH_KEY)  # the key's account, whatever the env says
    elif env is not None and env != os_user:
        assert private and (chosen.login, chosen.source) == (env, Source.ENV)
    else:
        assert (chosen.login, chosen.source) == (os_user, Source.OS_USER)


def test_the_os_user_comes_from_the_uid_not_from_user_or_logname(monkeypatch: pytest.MonkeyPatch) -> None:
    real_os_user.cache_clear()
    monkeypatch.setenv("USER", "boss")
    monkeypatch.setenv("LOGNAME", "boss")
    try:
        assert real_os_user() == pwd.getpwuid(os.geteuid()).pw_name
    finally:
        real_os_user.cache_clear()


def test_store_access_tells_a_private_store_from_a_shared_one(admin_ctx: Ctx) -> None:
    path = Path(admin_ctx.url.removeprefix("sqlite:///"))
    assert store_access(path).private  # tmp_path: this user's folder, file 644
    share_with_everyone(str(path))
    found = store_access(path)
    assert not found.private and found.why_shared == f"{path} is writable by every OS user"
    assert not store_access(None).private  # a database server is never private


# --- connect and the command line ----------------------------------------------------------------


def test_the_env_login_works_on_a_private_store_and_is_refused_on_a_shared_one(admin_ctx: Ctx) -> None:
    db = admin_ctx.url.removeprefix("sqlite:///")
    assert "ana" in cli(db, "account", "list", login="ana").output
    share_with_everyone(db)
    line = one_line_error(cli(db, "account", "list", login="ana"))
    assert "INQUIRY_TUI_LOGIN=ana cannot choose the account on a shared store" in line
    assert "writable by every OS user" in line and "--as LOGIN" in line and "access add" in line


def test_on_a_shared_store_you_are_your_os_user_and_the_error_names_who_adds_you(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context, "os_user_exists", lambda name: name == "boss")  # a machine with OS user boss
    db = admin_ctx.url.removeprefix("sqlite:///")
    share_with_everyone(db)
    line = one_line_error(cli(db, "account", "list", login=None))
    me = real_os_user()
    assert f"no account for your OS login {me!r}" in line and "main account is 'boss'" in line
    assert f"OS user boss runs `inquiry-tui account add {me} --name ...`" in line


def test_on_a_shared_store_whose_admin_is_no_os_user_the_error_names_ways_that_work(
    admin_ctx: Ctx, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`init --admin boss` by root in a shared folder, on a machine without OS user boss: no hint that cannot work."""
    monkeypatch.setattr(context, "os_user_exists", lambda name: False)
    db = admin_ctx.url.removeprefix("sqlite:///")
    share_with_everyone(db)
    line = one_line_error(cli(db, "account", "list", login=None))
    assert "this machine has no OS user boss" in line and "writable by every OS user" in line
    assert "`useradd boss`" in line and "`INQUIRY_TUI_LOGIN=boss inquiry-tui ...` works" in line
    Path(db).chmod(0o600)  # the store made only yours to write, as the error says ...
    assert cli(db, "account", "list", login="boss").exit_code == 0  # ... and then that works


def test_on_a_private_store_the_error_names_the_way_that_works(admin_ctx: Ctx) -> None:
    """The `init --admin boss` as root case: the hint must work for the one who reads it."""
    db = admin_ctx.url.removeprefix("sqlite:///")
    line = one_line_error(cli(db, "account", "list", login=None))
    assert "only yours" in line and "`INQUIRY_TUI_LOGIN=boss inquiry-tui ...`" in line
    assert cli(db, "account", "list", login="boss").exit_code == 0  # ... and it does work


def test_as_is_for_the_admin_and_recorded_with_the_os_user(admin_ctx: Ctx) -> None:
    db = admin_ctx.url.removeprefix("sqlite:///")
    assert one_line_error(cli(db, "--as", "ben", "account", "list", login="ana")) == (
        "error: --as is only for the admin (main account)"
    )
    assert cli(db, "--as", "ana", "account", "away", "ana").exit_code == 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT actor, action, entity_id, os_user FROM audit_log ORDER BY id DESC LIMIT 2"
        ).fetchall()
    assert rows == [("ana", "account_away", "ana", real_os_user()), ("boss", "act_as", "ana", real_os_user())]


def test_a_salesperson_cannot_upgrade_an_older_store_by_opening_it(db_url: str, tmp_path: Path) -> None:
    upgrade(db_url, revision="0004")
    with sqlite3.connect(tmp_path / "store.db") as conn:
        conn.execute(
            "INSERT INTO account (login, name, role, active, away, created_at) VALUES ('boss', 'B', 'admin', 1, 0, '2026-01-01 00:00:00.000000')"
        )
        conn.execute(
            "INSERT INTO account (login, name, role, active, away, created_at) VALUES ('ana', 'A', 'sales', 1, 0, '2026-01-01 00:00:00.000000')"
        )
    db = str(tmp_path / "store.db")
    line = one_line_error(cli(db, "account", "list", login="ana"))
    assert "at schema 0004" in line and "the admin (boss) upgrades it with `inquiry-tui db upgrade`" in line
    assert one_line_error(cli(db, "db", "upgrade", login="ana")).endswith(
        "only the admin (main account) can upgrade the store"
    )
    done = cli(db, "db", "upgrade", login="boss")
    assert done.exit_code == 0 and "upgraded store from 0004" in done.output and "backup:" in done.output


def test_store_operations_are_the_admins(admin_ctx: Ctx, tmp_path: Path) -> None:
    db = admin_ctx.url.removeprefix("sqlite:///")
    copy = tmp_path / "copy.db"
    assert "only the admin" in one_line_error(cli(db, "db", "backup", str(copy), login="ana"))
    assert not copy.exists()
    assert "only the admin" in one_line_error(cli(db, "seed", "--inquiries", "5", login="ana"))
    assert cli(db, "db", "backup", str(copy), login="boss").exit_code == 0 and copy.exists()


def test_a_folder_you_cannot_enter_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", refuse)
    with pytest.raises(PermissionDenied, match=r"cannot reach the store at .*usermod -aG"):
        connect(str(tmp_path / "team" / "store.db"))
