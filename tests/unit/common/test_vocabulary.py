"""One source for each word and rule: the enums, the folder/view table, and the due/overdue rule in Python and SQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inquiry_tui.domain import due
from inquiry_tui.domain.vocabulary import (
    ACCOUNT_ROLES,
    ARRIVAL_RULES,
    IMPORTED_ACTIVITY_KINDS,
    ActivityKind,
    BlockKind,
    Channel,
    Direction,
    Folder,
    Role,
    Rule,
    Tier,
    View,
    allowed,
)
from inquiry_tui.services.inbox import listing as inbox
from inquiry_tui.store.models import Inquiry
from inquiry_tui.store.queries.folders import (
    EXPORT_VIEWS,
    VIEWS,
    in_view,
    open_sql,
    overdue_sql,
    predicate,
)
from inquiry_tui.store.types import db_text

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_the_words_are_the_stored_text() -> None:
    assert [c.value for c in Channel] == ["inquiry", "tm", "email", "rfq"]
    assert [f.value for f in Folder] == ["inbox", "junk", "deleted"]
    assert [d.value for d in Direction] == ["in", "out", "auto"]
    assert [k.value for k in BlockKind] == ["email", "member_id", "country"]
    assert [t.value for t in Tier] == ["L0", "L1", "L2", "L3", "L4"] and Tier.L3.rank == 3
    assert ACCOUNT_ROLES == ("sales", "admin") and Role.SYSTEM not in ACCOUNT_ROLES
    assert ARRIVAL_RULES == ("sticky", "product", "region", "company_contact", "rotation", "main_account")
    assert {r.value for r in Rule} - set(ARRIVAL_RULES) == {
        "manual",
        "handover",
        "successor",
        "outreach",
        "rfq_quote",
        "escalation",
    }
    assert IMPORTED_ACTIVITY_KINDS == ("visit", "product_view", "search", "rfq", "trade", "login", "junk", "blacklist")
    assert ActivityKind.INQUIRY not in IMPORTED_ACTIVITY_KINDS
    # A member is its text: equal, hashed and formatted as the plain string the store holds.
    assert Folder.INBOX == "inbox" and {"inbox": 1}[Folder.INBOX] == 1 and f"{Rule.STICKY}" == "sticky"
    assert allowed(BlockKind) == "email, member_id, country"


def test_the_inbox_names_its_views_from_the_enum() -> None:
    assert inbox.FOLDER_NAMES == ("all", "unread", "sent", "tagged", "email", "junk", "deleted", "allocation")
    assert inbox.FOLDER_TITLES["allocation"] == "Allocation record" == View.ALLOCATION.title
    assert set(VIEWS) == set(View) - {View.ALLOCATION}
    assert set(EXPORT_VIEWS) == {"inbox", "junk", "deleted", "unread", "sent", "tagged", "email"}


def test_partial_indexes_carry_their_views_predicates() -> None:
    """SQLite uses a partial index only for a query that names its predicate: both come from one table."""
    where = {ix.name: str(ix.dialect_options["sqlite"]["where"]) for ix in Inquiry.__table__.indexes}  # type: ignore[attr-defined]
    for view in (View.UNREAD, View.SENT, View.TAGGED, View.EMAIL):
        assert where[VIEWS[view].index] == where[VIEWS[view].owner_index] == predicate(view, alias="")
    assert where["ix_inquiry_open"] == open_sql(alias="")


# --- the view predicates and their Python membership rule agree ----------------------------------

_STATES = st.tuples(
    st.sampled_from(list(Folder)), st.booleans(), st.booleans(), st.booleans(), st.sampled_from(list(Channel))
)


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE inquiry (folder TEXT, unread INT, tagged INT, replied INT, first_response_at TEXT, due_at TEXT, "
        "channel TEXT)"
    )
    return conn


@given(state=_STATES)
def test_every_views_sql_and_python_agree(
    db: sqlite3.Connection, state: tuple[Folder, bool, bool, bool, Channel]
) -> None:
    folder, unread, tagged, replied, channel = state
    db.execute("DELETE FROM inquiry")
    db.execute(
        "INSERT INTO inquiry VALUES (?, ?, ?, ?, NULL, NULL, ?)", (folder.value, unread, tagged, replied, channel.value)
    )
    for view in VIEWS:
        in_sql = db.execute(f"SELECT count(*) FROM inquiry AS i WHERE {predicate(view)}").fetchone()[0] == 1
        in_python = in_view(view, folder=folder, unread=unread, tagged=tagged, replied=replied, channel=channel)
        assert in_sql == in_python, (view, state)
        assert (
            inbox.in_folder(view, folder_state=folder, unread=unread, tagged=tagged, replied=replied, channel=channel)
            == in_python
        )


# --- one due / overdue rule -------------------------------------------------------------------------

_MOMENTS = st.one_of(st.none(), st.integers(-3 * 24 * 60, 3 * 24 * 60).map(lambda m: NOW + timedelta(minutes=m)))


@given(folder=st.sampled_from(list(Folder)), first=_MOMENTS, due_time=_MOMENTS)
def test_overdue_in_sql_is_the_domain_rule(
    db: sqlite3.Connection, folder: Folder, first: datetime | None, due_time: datetime | None
) -> None:
    db.execute("DELETE FROM inquiry")
    db.execute(
        "INSERT INTO inquiry VALUES (?, 0, 0, 0, ?, ?, 'inquiry')",
        (folder.value, first and db_text(first), due_time and db_text(due_time)),
    )
    sql = f"SELECT {overdue_sql('i')}, {open_sql('i')} FROM inquiry AS i"
    overdue, open_ = db.execute(sql, {"now": db_text(NOW)}).fetchone()
    assert bool(overdue) == due.is_overdue(folder, first, due_time, NOW)
    assert bool(open_) == due.is_open(folder, first)


def test_due_and_overdue() -> None:
    received = datetime(2026, 3, 28, 12, tzinfo=UTC)
    assert due.due_at(received) == received + timedelta(hours=24)
    at = due.due_at(received)
    assert not due.is_overdue(Folder.INBOX, None, at, at - timedelta(microseconds=1))
    assert due.is_overdue(Folder.INBOX, None, at, at)  # at the due time: overdue, everywhere
    assert not due.is_overdue(Folder.INBOX, at, at, at + timedelta(days=1))  # answered
    assert not due.is_overdue(Folder.JUNK, None, at, at + timedelta(days=1))  # not waiting in the inbox
    assert not due.is_overdue(Folder.INBOX, None, None, at + timedelta(days=1))  # no due time (junk arrivals)
    assert due.response_limit(Channel.TM) == timedelta(hours=1) and due.response_limit("email") == timedelta(hours=24)
