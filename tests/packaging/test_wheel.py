"""The built wheel works on its own: a fresh virtualenv runs init, seed and the demo TUI.

What this proves: `pip install .` (not editable) gives a working `inquiry-tui`. The wheel is
built from a copy of the source tree, installed into a new, empty virtualenv together with
the dependencies its metadata declares, and run from a temporary directory, so neither the
checkout nor the test's own environment can stand in for a file the wheel forgot (the
migrations, the `.tcss` style sheets, the set-up data in `services/setup/data/`).

Why a fresh virtualenv that resolves the dependencies, rather than one that inherits them:
the test environment holds an editable `inquiry_tui`, and a `--system-site-packages` venv
would see it (and any package the metadata forgot to declare). A new venv made
`--without-pip` and filled by this interpreter's pip (`pip --python VENV_PY install WHEEL`)
sees only the wheel and what pip resolves for it, from the same index and wheel cache the
CI install (`.ci/run`) uses; skipping ensurepip saves about 12 s. Nothing is skipped: an
index that cannot be reached fails this test as it would fail `.ci/run` itself.

Why the wheel is built from a copy: setuptools builds in the source tree and keeps a
`build/` directory there, whose stale modules (removed from the source since) would go into
the wheel; the copy leaves out `build/`, `*.egg-info` and `__pycache__`.

The demo runs in a pseudo-terminal (160x48): the test waits until the inbox shows the All
folder with its count, presses `q` and expects exit code 0 and the line naming the demo
store. The deadlines only stop a hang; nothing is timed. The whole test takes about a minute
on a busy 2-core machine, most of it pip resolving and installing the dependencies.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STEP_TIMEOUT = 300  # seconds for one pip or CLI step: a hang fails instead of stalling CI
DEMO_DEADLINE = 120  # seconds for the demo to build its store and draw the inbox
# Escape sequences Textual writes (CSI, OSC, DCS/APC strings, two-byte ESC x), removed to read the screen's text.
_ESCAPES = re.compile(
    rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_].*?\x1b\\|\x1b.", re.S
)
_INBOX_DRAWN = re.compile(r"All\s+·?\s*\d[\d,]*")  # the folder bar's "A All   1,864" (or the list title "All · 1,864")


def _copy_source(dest: Path) -> Path:
    """The files a source build needs, without build leftovers."""
    dest.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", dest)
    shutil.copy2(ROOT / "README.md", dest)  # the package's long description
    shutil.copytree(
        ROOT / "inquiry_tui",
        dest / "inquiry_tui",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build"),
    )
    return dest


def _run(args: list[str | Path], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result


def _clean_env(work: Path, venv: Path) -> dict[str, str]:
    """The environment of a user who just installed the wheel: its venv first on PATH, nothing of the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "INQUIRY_TUI_"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        HOME=str(work / "home"),  # platformdirs' user data dir, never the developer's
        XDG_DATA_HOME=str(work / "home" / "data"),
        TMPDIR=str(work / "tmp"),  # where `demo` makes its store
        INQUIRY_TUI_LOGIN="tester",
        PYTHONDONTWRITEBYTECODE="1",
    )
    (work / "home").mkdir()
    (work / "tmp").mkdir()
    return env


def _run_demo_in_pty(exe: Path, *, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Start `inquiry-tui demo` on a 160x48 pseudo-terminal, press q once the inbox is drawn; (exit code, screen text)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
    proc = subprocess.Popen(
        [str(exe), "demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env={**env, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "48"},
        start_new_session=True,
    )
    os.close(slave)
    raw = b""
    quit_sent = False
    deadline = time.monotonic() + DEMO_DEADLINE
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                raw += chunk
            elif proc.poll() is not None:
                break
            if not quit_sent and _INBOX_DRAWN.search(_screen_text(raw)):
                os.write(master, b"q")
                quit_sent = True
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    text = _screen_text(raw)
    assert quit_sent, f"the inbox never showed the All folder with a count; the terminal showed:\n{text[-3000:]}"
    return code, text


def _screen_text(raw: bytes) -> str:
    return _ESCAPES.sub(b"", raw).decode("utf-8", "replace")


def test_the_wheel_installs_into_a_fresh_venv_and_runs_init_seed_and_demo(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, _copy_source(tmp_path / "src")],
        cwd=tmp_path,
        env=dict(os.environ),
    )
    (wheel,) = wheels.glob("inquiry_tui-*.whl")

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path, env=dict(os.environ))
    python, exe = venv / "bin" / "python", venv / "bin" / "inquiry-tui"
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel],
        cwd=tmp_path,
        env=dict(os.environ),
    )

    work = tmp_path / "work"  # cwd of every run: not the checkout, so `import inquiry_tui` finds only the wheel's
    work.mkdir()
    env = _clean_env(tmp_path, venv)
    where = _run([python, "-c", "import inquiry_tui; print(inquiry_tui.__file__)"], cwd=work, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), f"inquiry_tui was imported from {where}, not from the installed wheel"

    sample = work / "sample.db"
    assert "initialised" in _run([exe, "--db", sample, "init"], cwd=work, env=env).stdout
    assert re.search(
        r"seeded 2000 inquiries", _run([exe, "--db", sample, "seed", "--sample"], cwd=work, env=env).stdout
    )

    synthetic = work / "synthetic.db"
    _run([exe, "--db", synthetic, "init"], cwd=work, env=env)
    seeded = _run([exe, "--db", synthetic, "seed", "--inquiries", "200", "--seed", "3"], cwd=work, env=env).stdout
    assert re.search(r"seeded 200 inquiries", seeded)

    code, screen = _run_demo_in_pty(exe, cwd=work, env=env)
    assert code == 0, f"demo exited {code}; the terminal showed:\n{screen[-3000:]}"
    assert "demo store left in" in screen
    assert list((tmp_path / "tmp").glob("inquiry-tui-demo-*/demo.db")), "demo did not make its store under TMPDIR"
