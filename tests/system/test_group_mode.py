"""Group mode with real OS users: two members write to one store through the app, at the same time.

Root sets the store up (`init --shared-group`); each member runs the app as their own OS
account (`runuser`), with this checkout's code and this virtualenv's packages. Checked: both
write (concurrently, through one WAL), every audit row names the real OS user beside the
account, INQUIRY_TUI_LOGIN cannot make a member someone else, the admin-only store operations
stay the admin's, and an OS user outside the group cannot reach the store.
"""

from __future__ import annotations

import os
import shutil
import site
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.system.conftest import OsUsers

pytestmark = pytest.mark.slow
MAIN = "import sys; sys.argv[0] = 'inquiry-tui'; from inquiry_tui.cli import main; main()"
PACKAGE = Path(__file__).resolve().parents[2] / "inquiry_tui"


class AsUser:
    """Runs the app as another OS user: an interpreter they may run, this code, this virtualenv's packages."""

    def __init__(self, folder: Path, probe_user: str) -> None:
        code = folder / "code"
        shutil.copytree(PACKAGE, code / "inquiry_tui", ignore=shutil.ignore_patterns("__pycache__"))
        self.pythonpath = os.pathsep.join([str(code), *site.getsitepackages()])
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        candidates = [
            sys.executable,
            os.path.realpath(sys.executable),
            f"/usr/bin/python{version}",
            f"/usr/local/bin/python{version}",
        ]
        self.python = next((c for c in candidates if self._works(probe_user, c)), None)

    def _env(self, extra: dict[str, str] | None = None) -> list[str]:
        pairs = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "PYTHONPATH": self.pythonpath,
            "LANG": "C.UTF-8",
            **(extra or {}),
        }
        return ["env", "-i", *(f"{k}={v}" for k, v in pairs.items())]

    def _works(self, user: str, python: str) -> bool:
        probe = [*self._env(), python, "-c", "import sqlalchemy, typer, pydantic_core, inquiry_tui.cli"]
        done = subprocess.run(["runuser", "-u", user, "--", *probe], capture_output=True, cwd="/", check=False)
        return done.returncode == 0

    def command(self, user: str, *args: str, env: dict[str, str] | None = None) -> list[str]:
        assert self.python is not None
        return ["runuser", "-u", user, "--", *self._env(env), self.python, "-c", MAIN, *args]

    def run(self, user: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(user, *args, env=env), capture_output=True, text=True, cwd="/", check=False, timeout=300
        )


@pytest.fixture
def world(os_users: OsUsers) -> Iterator[tuple[Path, AsUser]]:
    folder = Path(tempfile.mkdtemp(prefix="inquiry-tui-group-"))
    folder.chmod(0o755)  # the members must reach the code copy and the store's folder inside
    try:
        runner = AsUser(folder, os_users.members[0])
        if runner.python is None:
            pytest.skip(
                "no Python interpreter the test users may run with this virtualenv's packages "
                "(its folders must be readable by other OS users; .ci/run makes its virtualenv so)"
            )
        yield folder, runner
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def customers_file(folder: Path, who: str, n: int) -> Path:
    path = folder / f"{who}.csv"
    lines = ["email,name,company,country"] + [f"b{i}.{who}@buyer.example,Buyer {i},Co {i},DE" for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o644)
    return path


def test_two_os_users_write_to_one_store_through_the_app(os_users: OsUsers, world: tuple[Path, AsUser]) -> None:
    folder, run = world
    first, second = os_users.members
    db = str(folder / "team" / "store.db")
    made = subprocess.run(
        [sys.executable, "-c", MAIN, "--db", db, "init", "--admin", first, "--shared-group", os_users.group],
        capture_output=True,
        text=True,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "INQUIRY_TUI_LOGIN"},
    )
    assert made.returncode == 0, made.stderr
    assert run.run(first, "--db", db, "account", "add", second, "--name", "Second").returncode == 0

    # Both import at once: one store, one WAL, two OS users.
    jobs = [
        subprocess.Popen(
            run.command(who, "--db", db, "import", "customers", str(customers_file(folder, who, 150))),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd="/",
        )
        for who in (first, second)
    ]
    for job in jobs:
        _out, err = job.communicate(timeout=300)
        assert job.returncode == 0, err
    with sqlite3.connect(db) as conn:
        owners = dict(
            conn.execute("SELECT a.login, count(*) FROM buyer b JOIN account a ON a.id = b.owner_id GROUP BY a.login")
        )
        audit = conn.execute(
            "SELECT actor, os_user, action FROM audit_log WHERE actor != 'system' ORDER BY id"
        ).fetchall()
    assert owners == {first: 150, second: 150}
    assert (first, first, "account_add") in audit
    assert {(a, o) for a, o, action in audit if action.startswith("customer")} == {(first, first), (second, second)}

    # INQUIRY_TUI_LOGIN cannot make a member someone else; --as is the admin's; backups are the admin's.
    posing = run.run(second, "--db", db, "account", "list", env={"INQUIRY_TUI_LOGIN": first})
    assert (
        posing.returncode == 1
        and f"INQUIRY_TUI_LOGIN={first} cannot choose the account on a shared store" in posing.stderr
    )
    assert "--as is only for the admin" in run.run(second, "--db", db, "--as", first, "stats").stderr
    backup = run.run(second, "--db", db, "db", "backup", str(folder / "team" / "copy.db"))
    assert backup.returncode == 1 and "only the admin" in backup.stderr
    assert run.run(first, "--db", db, "--as", second, "stats").returncode == 0

    # Outside the group: one line saying so, and how to get in.
    outside = run.run(os_users.outsider, "--db", db, "account", "list")
    assert outside.returncode == 1
    assert outside.stderr.startswith(f"error: OS user {os_users.outsider} cannot reach the store at {db}")
    assert f"usermod -aG {os_users.group} {os_users.outsider}" in outside.stderr

    verified = run.run(second, "--db", db, "db", "verify")
    assert verified.returncode == 0 and "audit log intact" in verified.stdout
