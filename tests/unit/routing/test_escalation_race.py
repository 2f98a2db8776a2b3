"""Two processes race: one receives arrivals (each runs the escalation sweep), one runs `allocate` over and over.

Whatever the interleaving, every inquiry is escalated at most once, each escalation has one
record and one notice per owner, and never returns the inquiry to the account that did not answer.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inquiry_tui.services.context import Ctx
from tests.admin_helpers import at
from tests.own_host import ROOT, child_env
from tests.unit.routing.conftest import arrival, arrive, rows, settings

ROUNDS = 25
ARRIVALS = """
import sys
from datetime import UTC, datetime, timedelta
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import connect
from tests.own_host import on_own_host
on_own_host(sys.argv[1])
ctx = connect(sys.argv[1])
for n in range(int(sys.argv[2])):
    when = datetime.now(UTC) - timedelta(hours=2)
    receive(ctx, [Arrival(f"race-{n}", "inquiry", when, BuyerFields(f"race{n}@x.example", "R", "", "FR"), "FL-1", "Hi", "Price?")])
print("arrivals done")
"""
SWEEPS = """
import sys
from inquiry_tui.services.allocation.reroute import allocate
from inquiry_tui.services.context import connect
from tests.own_host import on_own_host
on_own_host(sys.argv[1])
ctx = connect(sys.argv[1])
moved = sum(len(allocate(ctx).escalated) for _ in range(int(sys.argv[2])))
print("sweeps done", moved)
"""


@pytest.mark.slow
def test_escalation_and_arrivals_racing(shop: Ctx, db_url: str, tmp_path: Path) -> None:
    settings(
        shop,
        allocation__reassign_after_hours="1",
        allocation__rotation="true",
        allocation__rotation_members="ana,ben,cara",
    )
    now = datetime.now(UTC)
    waiting = [arrival(f"w{n}@x.example", "FL-1", when=now - timedelta(hours=3)) for n in range(20)]
    arrive(at(shop, now - timedelta(hours=3)), *waiting, now=now - timedelta(hours=3))
    db = db_url.removeprefix("sqlite:///")
    env = child_env("boss")  # on PostgreSQL the OS user is the account: tests/own_host.py
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, db, str(ROUNDS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in (ARRIVALS, SWEEPS)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        assert "done" in out
    # one more sweep now: everything due has been looked at exactly once
    from inquiry_tui.services.allocation.reroute import allocate

    allocate(at(shop, datetime.now(UTC)))
    per_inquiry = dict(
        rows(shop, "SELECT inquiry_id, count(*) FROM allocation_record WHERE rule = 'escalation' GROUP BY inquiry_id")
    )
    assert per_inquiry and set(per_inquiry.values()) == {1}
    assert len(rows(shop, "SELECT id FROM inquiry")) == 20 + ROUNDS
    assert rows(shop, "SELECT count(*) FROM inquiry WHERE escalated_at IS NULL") == [(0,)]
    notices = dict(rows(shop, "SELECT ref_id, count(*) FROM notice WHERE kind = 'escalation' GROUP BY ref_id"))
    assert {int(k) for k in notices} == set(per_inquiry) and set(notices.values()) == {2}
    same = rows(shop, "SELECT count(*) FROM allocation_record WHERE rule = 'escalation' AND from_id = to_id")
    assert same == [(0,)]
