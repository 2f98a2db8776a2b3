"""Group mode set up by `init --shared-group` and `db share`: folder setgid and group-writable, store files group-writable.

Run in subprocesses (they set the process's umask, as the app does). The group is this user's
own, so no other OS user is needed here; tests/system/test_group_mode.py has two real ones.
"""

from __future__ import annotations

import grp
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from inquiry_tui.store.sharing import check_folder, describe_write_problem

GROUP = grp.getgrgid(os.getegid()).gr_name
MAIN = "import sys; sys.argv[0] = 'inquiry-tui'; from inquiry_tui.cli import main; main()"


def cli(*args: str, login: str = "boss") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "INQUIRY_TUI_LOGIN": login}
    return subprocess.run([sys.executable, "-c", MAIN, *args], capture_output=True, text=True, env=env, check=False)


def mode(path: Path) -> str:
    st = path.stat()
    return f"{stat.S_IMODE(st.st_mode):o} {grp.getgrgid(st.st_gid).gr_name}"


def test_init_shared_group_makes_a_store_its_group_can_use(tmp_path: Path) -> None:
    db = tmp_path / "team" / "store.db"
    done = cli("--db", str(db), "init", "--admin", "boss", "--shared-group", GROUP)
    assert done.returncode == 0, done.stderr
    assert f"shared with group {GROUP}: {db.parent} is setgid and group-writable" in done.stdout
    assert mode(db.parent) == f"2770 {GROUP}" and mode(db) == f"660 {GROUP}"
    # Every later process keeps what it makes group-writable: the WAL and the backup an upgrade takes.
    assert cli("--db", str(db), "account", "add", "ana", "--name", "Ana").returncode == 0
    holder = sqlite3.connect(db)  # keep the WAL while another process writes through it
    try:
        holder.execute("SELECT 1 FROM account").fetchall()
        assert cli("--db", str(db), "account", "add", "ben", "--name", "Ben").returncode == 0
        wal = db.with_name("store.db-wal")
        assert wal.exists() and mode(wal) == f"660 {GROUP}"
    finally:
        holder.close()
    rows = sqlite3.connect(db).execute("SELECT actor, action FROM audit_log ORDER BY id").fetchall()
    assert rows[:2] == [("system", "init"), ("system", "store_share")]


def test_db_share_shares_an_existing_store(tmp_path: Path) -> None:
    db = tmp_path / "team" / "store.db"
    assert cli("--db", str(db), "init", "--admin", "boss").returncode == 0
    assert mode(db)[0:3] == "644"
    shared = cli("--db", str(db), "db", "share", GROUP)
    assert shared.returncode == 0, shared.stderr
    assert shared.stdout.startswith(f"shared {db.parent} with group {GROUP}")
    assert mode(db.parent) == f"2770 {GROUP}" and mode(db) == f"660 {GROUP}"
    assert cli("--db", str(db), "db", "verify").returncode == 0


def test_group_mode_wants_a_folder_of_its_own_and_a_real_group(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "store.before-0004-20261101-000000.db").write_text("")  # a store's own backup is fine
    with pytest.raises(Exception, match=r"also holds notes\.txt; give the store a folder of its own"):
        check_folder(db)
    refused = cli("--db", str(tmp_path / "new" / "s.db"), "init", "--shared-group", "no-such-group-xyz")
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: there is no OS group 'no-such-group-xyz'; create it (`groupadd")
    assert not (tmp_path / "new" / "s.db").exists()


def test_a_store_you_cannot_write_names_its_owner_and_the_fix(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    db.write_bytes(b"")
    db.chmod(0o644)
    line = describe_write_problem(db, "ana")
    assert line.startswith(f"OS user ana cannot write the store: {db} (")
    assert "mode 644" in line and f"`inquiry-tui --db {db} db share GROUP`" in line
