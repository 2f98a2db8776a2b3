"""End to end over a real OpenSSH server: service-account mode, as a team would use it.

The store belongs to the user running the tests (the service account); `access add` gives two
people's keys a forced command each; then, over `ssh`, each key acts as its login, whatever the
client sends (INQUIRY_TUI_LOGIN through SetEnv, which this sshd accepts, or in the command
line), forbidden commands are refused, the TUI starts in a pty at 80x24, and a key whose
account is deactivated or whose access is removed gets nothing.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inquiry_tui.cli import app
from tests.system.conftest import PROGRAM, Sshd, keygen

pytestmark = pytest.mark.slow
runner = CliRunner()


@dataclass
class Team:
    sshd: Sshd
    db: Path
    keys: dict[str, Path]

    def run(self, login: str, *command: str, options: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.sshd.ssh(self.keys[login], *command, options=options),
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            check=False,
        )


def admin(db: Path, *args: str) -> None:
    result = runner.invoke(app, ["--db", str(db), *args], env={"INQUIRY_TUI_LOGIN": "boss"})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def team(sshd: Sshd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    folder = tmp_path_factory.mktemp("service")
    db = folder / "store.db"  # private to the service account: a folder of its own (0700), file 0644
    admin(db, "init", "--admin", "boss", "--name", "The Boss")
    keys = {}
    for login, name in (("ana", "Ana Zhou"), ("ben", "Ben Wu"), ("cara", "Cara Diaz")):
        admin(db, "account", "add", login, "--name", name)
        keys[login] = keygen(folder / f"{login}_key", f"{login}@laptop")
        admin(
            db,
            "access",
            "add",
            login,
            f"{keys[login]}.pub",
            "--authorized-keys",
            str(sshd.authorized_keys),
            "--program",
            PROGRAM,
        )
    yield Team(sshd, db, keys)


def acting(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["company"] is None  # a salesperson's view
    return [a["login"] for a in doc["accounts"]]


def test_each_key_acts_as_its_login(team: Team) -> None:
    assert acting(team.run("ana", "stats", "--json")) == ["ana"]
    assert acting(team.run("ben", "inquiry-tui", "stats", "--json")) == ["ben"]
    assert "forced-command (key-option)" in team.sshd.log()


def test_the_client_cannot_change_who_it_is(team: Team) -> None:
    sent = ("-o", "SetEnv=INQUIRY_TUI_LOGIN=boss INQUIRY_TUI_DB=/tmp/other.db")
    assert acting(team.run("ana", "stats", "--json", options=sent)) == ["ana"]
    for command in (
        ("INQUIRY_TUI_LOGIN=boss", "inquiry-tui", "stats"),
        ("--as", "boss", "stats"),
        ("ssh-session", "boss"),
    ):
        refused = team.run("ana", *command)
        assert refused.returncode == 1 and refused.stderr.startswith("error: over SSH"), refused.stderr
        assert refused.stdout == ""


def test_forbidden_commands_are_refused(team: Team, tmp_path: Path) -> None:
    target = tmp_path / "everyone.db"
    for command in (
        ("db", "backup", str(target)),
        ("export", "inquiries", "-o", str(target)),
        ("bash", "-i"),
    ):
        refused = team.run("ben", *command)
        assert refused.returncode == 1, (command, refused.stdout, refused.stderr)
        assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: over SSH")
    assert not target.exists()
    exported = team.run("ben", "export", "inquiries", "--format", "jsonl")  # to the client's side instead
    assert exported.returncode == 0 and exported.stderr == ""


def _read_until(fd: int, out: bytearray, marker: bytes | None, seconds: float) -> None:
    deadline = time.monotonic() + seconds  # a safety net: reading stops at the marker or at EOF
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        out.extend(chunk)
        if marker is not None and marker in out:
            return


def test_the_tui_starts_in_a_pty_at_80x24(team: Team) -> None:
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    process = subprocess.Popen(
        team.sshd.ssh(team.keys["cara"], tty=True),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    out = bytearray()
    try:
        _read_until(master, out, b"Cara Diaz (sales)", 90)
        assert b"Cara Diaz (sales)" in out, out[-3000:].decode("utf-8", "replace")
        os.write(master, b"q")
        _read_until(master, out, None, 60)
        assert process.wait(timeout=30) == 0, out[-3000:].decode("utf-8", "replace")
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    assert b"Traceback" not in out and b"error:" not in out


def test_a_deactivated_account_or_a_removed_key_gets_nothing(team: Team) -> None:
    admin(team.db, "account", "deactivate", "ben", "--successor", "ana")
    refused = team.run("ben", "stats")
    assert refused.returncode == 1 and "your account (ben) was deactivated by boss" in refused.stderr
    admin(team.db, "access", "remove", "ben", "--authorized-keys", str(team.sshd.authorized_keys))
    locked_out = team.run("ben", "stats")
    assert locked_out.returncode == 255 and "Permission denied (publickey)" in locked_out.stderr
    assert acting(team.run("ana", "stats", "--json")) == ["ana"]  # the others' keys still work
