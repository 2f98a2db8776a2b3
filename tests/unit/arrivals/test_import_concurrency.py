"""Two processes import different files into one store at the same time: each inquiry once, fair rotation."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.store.models import Account, Inquiry, RotationState
from tests.own_host import ROOT, child_env

PER_FILE = 300
# On PostgreSQL the OS user is the account: the child names its own after INQUIRY_TUI_LOGIN (tests/own_host.py).
RUN_CLI = (
    "import sys; from tests.own_host import on_own_host; on_own_host(sys.argv[sys.argv.index('--db') + 1]); "
    "from inquiry_tui.cli import app; app(sys.argv[1:], prog_name='inquiry-tui')"
)


def write_file(path: Path, prefix: str) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(PER_FILE):
            fh.write(
                json.dumps(
                    {
                        "external_id": f"{prefix}-{i}",
                        "channel": "inquiry",
                        "received_at": f"2026-11-20T10:{i // 60:02d}:{i % 60:02d}Z",
                        "buyer": {"email": f"{prefix}{i}@x.example", "country": "DE"},
                        "product": None,
                        "subject": "Catalogue please",
                        "body": "Please send your catalogue and price list.",
                    }
                )
                + "\n"
            )
    return path


@pytest.mark.slow
def test_two_importers_share_the_rotation(admin_ctx: Ctx, db_url: str, tmp_path: Path) -> None:
    set_setting(admin_ctx, "allocation.rotation_members", "ana,ben,cara")
    set_setting(admin_ctx, "allocation.rotation", "true")
    db = db_url.removeprefix("sqlite:///")
    env = child_env("boss")
    files = [write_file(tmp_path / f"{p}.jsonl", p) for p in ("left", "right")]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RUN_CLI, "--db", db, "import", "inquiries", str(f)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert f"imported {PER_FILE} inquiries" in out
    with admin_ctx.read() as s:
        ids = s.exec(select(Inquiry.external_id)).all()
        assert len(ids) == len(set(ids)) == 2 * PER_FILE
        owners = Counter(s.exec(select(Account.login).join(Inquiry, Inquiry.owner_id == Account.id)).all())
        assert set(owners) == {"ana", "ben", "cara"}
        assert max(owners.values()) - min(owners.values()) <= 1
        assert s.get(RotationState, 1).turns == 2 * PER_FILE  # type: ignore[union-attr]
