"""A colleague working while a big import runs: small writes in turn until a stop file appears.

    python -m tests.unit.arrivals.import_writer URL INDEX IDS STOP

Acts as INQUIRY_TUI_LOGIN (the admin): reassign, reply, a setting, a new customer, over the
inquiry ids IDS (comma-separated). Prints "ready" once connected, then, when STOP exists, one
JSON line: how many writes, the failures (any exception, as one line each) and how many writes
happened while an import was being published (the journal's run was there before and after).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import text

from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.context import connect
from inquiry_tui.services.customers.input import CustomerInput
from inquiry_tui.services.customers.manage import add_customer
from inquiry_tui.services.inbox.triage import get_state, reply
from inquiry_tui.services.setup.settings import set_setting
from tests.own_host import on_own_host

LOGINS = ("ana", "ben", "cara")


def main(url: str, index: int, ids: list[int], stop: Path) -> None:
    on_own_host(url)
    ctx = connect(url)

    def running() -> set[int]:
        with ctx.read() as session:
            return {int(r[0]) for r in session.execute(text("SELECT id FROM import_run"))}

    print("ready", flush=True)
    writes, during, failures = 0, 0, []
    k = 0
    while not stop.exists():
        inquiry = ids[k % len(ids)]
        before = running()
        try:
            match k % 4:
                case 0:
                    owner = get_state(ctx, inquiry).owner_id
                    with ctx.read() as session:
                        current = session.execute(
                            text("SELECT login FROM account WHERE id = :i"), {"i": owner}
                        ).scalar()
                    assign_inquiry(ctx, inquiry, next(login for login in LOGINS if login != current))
                case 1:
                    reply(ctx, inquiry, f"Quote from writer {index}: USD 4.20 FOB")
                case 2 if index == 0:  # one writer of settings: two at once on PostgreSQL are told StaleWrite, rightly
                    set_setting(ctx, "reception.welcome", f"Welcome (writer {index}, {k})")
                case 2:
                    reply(ctx, inquiry, f"Second quote from writer {index}")
                case _:
                    add_customer(ctx, CustomerInput(email=f"w{index}-{k}@customers.example", name=f"Writer {index}"))
            writes += 1
            if before & running():
                during += 1
        except Exception as exc:
            failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        k += 1
        time.sleep(0.02)  # a person's pace, not a loop's: the importer gets the CPU too
    ctx.close()
    print(json.dumps({"writes": writes, "during": during, "failures": failures}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), [int(i) for i in sys.argv[3].split(",")], Path(sys.argv[4]))
