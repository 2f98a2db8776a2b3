"""Real-system fixtures: an OpenSSH server on 127.0.0.1, and OS users made for a test (as root).

sshd runs from a temporary folder of its own: its host key, config, pid file and
`authorized_keys` (`-D -e -f config`, `StrictModes no`), on a free high port, as root or as
the user running the tests (who is then the store's service account). `.ci/run` installs
openssh-server when it is missing; without it (or the ssh client) these tests skip, saying why.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
SSH = shutil.which("ssh")
SSH_KEYGEN = shutil.which("ssh-keygen")
PROGRAM = str(Path(sys.executable).parent / "inquiry-tui")
ME = pwd.getpwuid(os.geteuid()).pw_name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def keygen(path: Path, comment: str) -> Path:
    subprocess.run(
        [SSH_KEYGEN or "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)], check=True
    )
    return path


@dataclass
class Sshd:
    folder: Path
    port: int
    authorized_keys: Path
    process: subprocess.Popen[bytes]

    def ssh(self, key: Path, *command: str, options: tuple[str, ...] = (), tty: bool = False) -> list[str]:
        """The ssh command line for KEY (no config, no known hosts, no agent), running COMMAND."""
        return [
            SSH or "ssh",
            "-F",
            "/dev/null",
            "-p",
            str(self.port),
            "-i",
            str(key),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "IdentityAgent=none",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            *options,
            *(["-tt"] if tty else ["-T"]),
            "--",  # what follows is the destination and the command, never ssh's own options
            f"{ME}@127.0.0.1",
            *command,
        ]

    def log(self) -> str:
        return (self.folder / "sshd.log").read_text(errors="replace")


def _wait_listening(port: int, process: subprocess.Popen[bytes], folder: Path) -> None:
    deadline = time.monotonic() + 30  # a safety net only: the loop ends as soon as sshd accepts
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"sshd stopped: {(folder / 'sshd.log').read_text(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("sshd never listened")


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sshd]:
    if SSHD is None or SSH is None or SSH_KEYGEN is None:
        pytest.skip("needs OpenSSH (sshd, ssh, ssh-keygen): apt-get install openssh-server openssh-client")
    folder = tmp_path_factory.mktemp("sshd")
    keygen(folder / "host_key", "host")
    keys = folder / "authorized_keys"
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {folder / 'host_key'}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {keys}",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "PermitUserEnvironment no",
                # Accepted on purpose: the client's INQUIRY_TUI_LOGIN reaches the session and must change nothing.
                "AcceptEnv LANG LC_* INQUIRY_TUI_*",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    subprocess.run([SSHD, "-t", "-f", str(config)], check=True, capture_output=True)
    with (folder / "sshd.log").open("wb") as log:
        process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
    try:
        _wait_listening(port, process, folder)
        yield Sshd(folder, port, keys, process)
    finally:
        process.terminate()
        process.wait(10)


# --- OS users (root only) -------------------------------------------------------------------------


@dataclass
class OsUsers:
    group: str
    members: tuple[str, str]
    outsider: str


@pytest.fixture
def os_users() -> Iterator[OsUsers]:
    """Two OS users in a new group and one outside it; removed afterwards."""
    if os.geteuid() != 0:
        pytest.skip("creating OS users (useradd) needs root; CI runs as root")
    if not (shutil.which("useradd") and shutil.which("groupadd") and shutil.which("runuser")):
        pytest.skip("needs useradd, groupadd and runuser (passwd, util-linux)")
    tag = secrets.token_hex(3)
    group, users = f"itg{tag}", (f"ita{tag}", f"itb{tag}", f"itc{tag}")
    subprocess.run(["groupadd", group], check=True)
    try:
        for user in users:
            extra = ["-G", group] if user != users[2] else []
            subprocess.run(["useradd", "-M", "-N", "-s", "/bin/sh", *extra, user], check=True)
        assert {users[0], users[1]} <= set(grp.getgrnam(group).gr_mem)
        yield OsUsers(group, (users[0], users[1]), users[2])
    finally:
        for user in users:
            subprocess.run(["userdel", user], check=False, capture_output=True)
        subprocess.run(["groupdel", group], check=False, capture_output=True)
