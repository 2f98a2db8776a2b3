"""Two processes quote different RFQs at once against one monthly quota: together they never exceed it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.importing import import_rfqs
from inquiry_tui.services.setup.company import load_json, set_up_company
from inquiry_tui.services.setup.settings import set_setting
from tests.own_host import ROOT, child_env
from tests.unit.rfq.conftest import rfq_record, write_rfqs

pytestmark = pytest.mark.slow
QUOTA = 5
PER_PROCESS = 6

# Each process waits for the go file, then quotes its RFQs one by one as LOGIN, and prints
# "sent N refused M"; every refusal must be the quota's. The admin acts as LOGIN with --as
# (on PostgreSQL the OS user is the account: tests/own_host.py).
QUOTER = """
import sys, time
from pathlib import Path
from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.services.context import connect
from inquiry_tui.services.rfq.quotes import send_quote
from tests.own_host import on_own_host
db, login, go, *ids = sys.argv[1:]
on_own_host(db)
ctx = connect(db, login)
while not Path(go).exists():
    time.sleep(0.01)
sent = refused = 0
for rid in ids:
    try:
        send_quote(ctx, int(rid), {"price": "9.90", "currency": "USD", "moq": "100", "lead_days": "20"})
        sent += 1
    except ValidationError as exc:
        assert "monthly quota is used up" in str(exc), exc
        refused += 1
print(f"sent {sent} refused {refused}")
"""


def test_concurrent_quotes_never_exceed_the_monthly_quota(admin_ctx: Ctx, tmp_path: Path, db_url: str) -> None:
    set_up_company(admin_ctx, load_json("company.json"))
    set_setting(admin_ctx, "rfq.monthly_quota", str(QUOTA))
    import_rfqs(admin_ctx, write_rfqs(tmp_path / "rfqs.jsonl", [rfq_record(n) for n in range(2 * PER_PROCESS)]))
    with admin_ctx.read() as session:
        ids = [str(i) for i in session.execute(text("SELECT id FROM rfq ORDER BY id")).scalars()]
    go = tmp_path / "go"
    env = child_env("boss")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", QUOTER, db_url, login, str(go), *chunk],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for login, chunk in (("ana", ids[:PER_PROCESS]), ("ben", ids[PER_PROCESS:]))
    ]
    go.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    sent = sum(int(out.split()[1]) for out, _ in outputs)
    refused = sum(int(out.split()[3]) for out, _ in outputs)
    assert (sent, refused) == (QUOTA, 2 * PER_PROCESS - QUOTA)
    with admin_ctx.read() as session:
        assert session.execute(text("SELECT count(*) FROM rfq_quote")).scalar_one() == QUOTA
        assert session.execute(text("SELECT count(*) FROM inquiry WHERE channel = 'rfq'")).scalar_one() == QUOTA
        assert session.execute(text("SELECT quotes FROM rfq_quota")).scalar_one() == QUOTA
