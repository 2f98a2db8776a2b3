"""One of the concurrency test's processes: a user on their own host doing one kind of work against a shared store.

    python -m tests.unit.concurrency_worker ROLE URL ARGS...

ROLE is `arrive PREFIX N` (the admin receives N arrivals, one transaction each), `reply IDS`
(a salesperson answers each inquiry of a comma-separated list once) or `reassign IDS` (the admin
gives each inquiry to someone other than its current owner). The login comes from
INQUIRY_TUI_LOGIN, as for the app (on PostgreSQL, where the OS user is the account, the
worker's OS user is named after it: tests/own_host.py). A StaleWrite (another user changed the
row since this one read it) is what a user is told to retry after; the worker retries then and
counts it. Any other error ends the worker with its traceback on stderr and exit code 1. It
prints one JSON line: what it did, per inquiry.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from inquiry_tui.domain.errors import StaleWrite
from inquiry_tui.services.allocation.assignment import assign_inquiry
from inquiry_tui.services.arrivals.importing import Arrival, BuyerFields, receive
from inquiry_tui.services.context import connect
from inquiry_tui.services.inbox.triage import get_state, reply
from inquiry_tui.store.models import Account
from tests.own_host import on_own_host

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LOGINS = ("ana", "ben", "cara")


def main(argv: list[str]) -> int:
    role, url, *args = argv
    on_own_host(url)
    ctx = connect(url)
    done: Counter[str] = Counter()
    retries = 0
    rng = random.Random(f"{role} {args} {ctx.actor.login}")
    with ctx.read() as session:
        logins = dict(session.exec(select(Account.id, Account.login)).all())
    if role == "arrive":
        prefix, n = args[0], int(args[1])
        for i in range(n):
            when = START + timedelta(minutes=i)
            arrival = Arrival(
                f"{prefix}-{i}",
                "inquiry",
                when,
                BuyerFields(f"{prefix}{i}@buyers.example", "Buyer", "Acme GmbH", "DE"),
                None,
                "Catalogue please",
                "Please send your catalogue and price list.",
            )
            report = receive(ctx, [arrival])
            done[str(report.first_id)] += 1
    else:
        ids = [int(i) for i in args[0].split(",")]
        rng.shuffle(ids)
        for inquiry_id in ids:
            while True:
                try:
                    if role == "reply":
                        reply(ctx, inquiry_id, f"Quote from {ctx.actor.login}: USD 4.20 FOB")
                    else:
                        state = get_state(ctx, inquiry_id)  # what the admin's screen shows
                        target = rng.choice([login for login in LOGINS if login != logins[state.owner_id]])
                        assign_inquiry(ctx, inquiry_id, target, expected_version=state.version)
                    done[str(inquiry_id)] += 1
                    break
                except StaleWrite:
                    retries += 1
                    if retries > 500:
                        raise
    ctx.close()
    print(json.dumps({"role": role, "done": dict(done), "retries": retries}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
