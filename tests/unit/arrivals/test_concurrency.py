"""Twenty processes at once, as twenty users on several hosts: arrivals, replies and reassignments on one store.

The same test runs on SQLite (one file, writers take turns on its lock) and on PostgreSQL
(writers meet on row locks, the arrivals advisory lock and the version columns). Afterwards:
every arrival is there once and the rotation shared them fairly; every reply and every
reassignment a worker reports is in the store (its message, its allocation record, one version
step each: no lost update); no worker failed. Simultaneous replies to one inquiry are never
refused (the second waits for the first); a reassignment made from a screen that another
admin's reassignment has just made stale is refused with StaleWrite and retried, as a user would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import set_setting
from inquiry_tui.store.models import Account, AllocationRecord, Inquiry, Message, RotationState
from tests.admin_helpers import arrive
from tests.conftest import FIXED_NOW, cli_db

ROOT = Path(__file__).resolve().parents[3]
ARRIVERS, PER_ARRIVER = 6, 4
REPLIERS, REPLIED = 7, 5  # every replier answers each of REPLIED inquiries of ana's once
REASSIGNERS, REASSIGNED = 7, 4


def _seed(admin_ctx: Ctx, n: int, owner: str, tag: str) -> list[int]:
    ids = []
    for i in range(n):
        iid = arrive(admin_ctx, FIXED_NOW - timedelta(days=2, minutes=i), f"{tag}{i}@seed.example")
        if owner:
            assign_inquiry(admin_ctx, iid, owner)
        ids.append(iid)
    return ids


@pytest.mark.slow
def test_twenty_users_at_once(admin_ctx: Ctx, db_url: str) -> None:
    replied = _seed(admin_ctx, REPLIED, "ana", "r")
    reassigned = _seed(admin_ctx, REASSIGNED, "ben", "m")
    set_setting(admin_ctx, "allocation.rotation_members", "ana,ben,cara")
    set_setting(admin_ctx, "allocation.rotation", "true")
    with admin_ctx.read() as s:
        turns_before = s.get(RotationState, 1).turns  # type: ignore[union-attr]
        versions = dict(s.exec(select(Inquiry.id, Inquiry.version)).all())
    jobs = (
        [("boss", ["arrive", f"wave{k}", str(PER_ARRIVER)]) for k in range(ARRIVERS)]
        + [("ana", ["reply", ",".join(map(str, replied))]) for _ in range(REPLIERS)]
        + [("boss", ["reassign", ",".join(map(str, reassigned))]) for _ in range(REASSIGNERS)]
    )
    assert len(jobs) == 20
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.unit.concurrency_worker", role_args[0], cli_db(db_url), *role_args[1:]],
            cwd=ROOT,
            env={**os.environ, "INQUIRY_TUI_LOGIN": login, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for login, role_args in jobs
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and not err.strip(), err  # no error shown, no traceback
        reports.append(json.loads(out))
    done: dict[str, Counter[int]] = {"arrive": Counter(), "reply": Counter(), "reassign": Counter()}
    retries = Counter()
    for r in reports:
        done[r["role"]].update({int(k): v for k, v in r["done"].items()})
        retries[r["role"]] += r["retries"]
    assert retries["reply"] == 0  # simultaneous replies wait for each other; none is refused

    with admin_ctx.read() as s:
        # Arrivals: each once, the rotation shared them fairly and counted every turn.
        new = s.exec(select(Inquiry.external_id, Inquiry.owner_id).where(col(Inquiry.external_id).like("wave%"))).all()
        assert len(new) == len({e for e, _ in new}) == ARRIVERS * PER_ARRIVER
        logins = dict(s.exec(select(Account.id, Account.login)).all())
        owners = Counter(logins[o] for _, o in new)
        assert set(owners) == {"ana", "ben", "cara"} and max(owners.values()) - min(owners.values()) <= 1
        assert s.get(RotationState, 1).turns == turns_before + ARRIVERS * PER_ARRIVER  # type: ignore[union-attr]
        # Replies: every one is there, and each moved the inquiry's version once.
        for iid in replied:
            out = s.exec(
                select(func.count()).select_from(Message).where(Message.inquiry_id == iid, Message.direction == "out")
            ).one()
            assert out == done["reply"][iid] == REPLIERS
            assert s.get(Inquiry, iid).version == versions[iid] + REPLIERS  # type: ignore[union-attr]
        # Reassignments: one record and one version step each; the last one recorded is the owner now.
        for iid in reassigned:
            records = s.exec(
                select(AllocationRecord).where(AllocationRecord.inquiry_id == iid).order_by(col(AllocationRecord.id))
            ).all()
            assert done["reassign"][iid] == REASSIGNERS
            assert len(records) == 2 + REASSIGNERS  # the arrival, the seed's move to ben, then each worker's
            inquiry = s.get(Inquiry, iid)
            assert inquiry is not None and inquiry.version == versions[iid] + REASSIGNERS
            assert inquiry.owner_id == records[-1].to_id
