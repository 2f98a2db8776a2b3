"""A command closes the store when it ends: what it wrote is checkpointed and the WAL removed (cli/common.State.close).

A process that only exits leaves its WAL behind once the background checkpointer's thread has
started (its connection is never closed), as long as what it wrote (after a seed: the size of the
database), and the next process to open the store reads all of it before its first page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from inquiry_tui.services.context import connect

# What pip writes as the `inquiry-tui` console script. Run as a script file, as installed (under
# `python -c` the interpreter's shutdown happened to close the connections and hid the bug).
SCRIPT = """import sys
from inquiry_tui.cli import main
if __name__ == '__main__':
    sys.exit(main())
"""


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "inquiry-tui"
    script.write_text(SCRIPT)
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=300)


def test_a_seed_through_the_entry_point_leaves_no_wal(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert _cli(tmp_path, "--db", str(db), "init", "--name", "Boss").returncode == 0
    done = _cli(tmp_path, "--db", str(db), "seed", "--inquiries", "3000", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert not Path(f"{db}-wal").exists()  # checkpointed into the database and removed
    ctx = connect(str(db))
    try:
        with ctx.read() as session:
            assert session.execute(text("SELECT count(*) FROM inquiry")).scalar() == 3000
    finally:
        ctx.close()


def test_a_failing_command_closes_the_store_too(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert _cli(tmp_path, "--db", str(db), "init", "--name", "Boss").returncode == 0
    assert _cli(tmp_path, "--db", str(db), "seed", "--inquiries", "3000", "--seed", "7").returncode == 0
    failed = _cli(tmp_path, "--db", str(db), "seed", "--inquiries", "3000", "--seed", "7")  # the store is not empty now
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert not Path(f"{db}-wal").exists()
