"""The routing sweeps' SQL: accounts' availability, open counts up to a limit, escalation candidates, a backlog.

Portable SQL (bound parameters, no SQLite-only syntax); the open rule is store.queries.folders'
(`open_sql`), and the escalation sweep names the predicate of its partial index
(`escalation_sql`, ix_inquiry_escalation), so SQLite walks that index alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, literal, text

from inquiry_tui.domain.vocabulary import ARRIVAL_RULES, SYSTEM_LOGIN, Rule
from inquiry_tui.store import raw
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models.inquiries import Inquiry
from inquiry_tui.store.queries.folders import escalation_sql, open_sql
from inquiry_tui.store.types import UTCDateTime, db_text

ACCOUNTS = text("SELECT id, login, role, active, away, away_until, away_since, capacity FROM account ORDER BY id")
"""Every account with what routing needs (id, login, role, active, away, away_until, away_since, capacity)."""

_OPEN_UP_TO = (
    "SELECT count(*) FROM (SELECT 1 FROM inquiry{hint} WHERE owner_id = {owner} AND "
    + open_sql(alias="")
    + " LIMIT {n}) AS o"
)
# SQLite would walk (owner, folder) through every answered inquiry too; the open partial index holds only open ones.
# It runs on every arrival for each account with a limit: driver SQL through the DBAPI cursor (store.raw).
_OPEN_UP_TO_SQLITE = _OPEN_UP_TO.format(hint=" INDEXED BY ix_inquiry_open", owner="?", n="?")
_OPEN_UP_TO_ANY = text(_OPEN_UP_TO.format(hint="", owner=":owner", n=":n"))

_CANDIDATES = (
    "SELECT i.id, i.channel, i.owner_id, i.buyer_id, i.product_id, b.owner_id, b.country, i.received_at "
    "FROM inquiry i{hint} JOIN buyer b ON b.id = i.buyer_id WHERE " + escalation_sql("i") + " "
    "AND i.received_at >= {oldest} AND i.received_at <= {newest} ORDER BY i.received_at, i.id LIMIT {n}"
)
# SQLite would rather walk (folder, received_at) over the whole window; the partial index holds only what
# is still open and unescalated, so the sweep on every arrival reads next to nothing (through store.raw).
_CANDIDATES_SQLITE = _CANDIDATES.format(hint=" INDEXED BY ix_inquiry_escalation", oldest="?", newest="?", n="?")
_CANDIDATES_ANY = text(_CANDIDATES.format(hint="", oldest=":oldest", newest=":newest", n=":n"))

_RETURNABLE = tuple(r.value for r in ARRIVAL_RULES)  # not what a person chose (manual, handover) nor escalated
_BACKLOG = text(
    "SELECT i.id, i.owner_id, i.received_at FROM inquiry i JOIN buyer b ON b.id = i.buyer_id "
    f"WHERE b.owner_id = :account AND i.owner_id != :account AND {open_sql('i')} "
    f"AND i.rule IN ({', '.join(repr(r) for r in _RETURNABLE)}) "
    "AND EXISTS (SELECT 1 FROM allocation_record ar WHERE ar.inquiry_id = i.id AND ar.actor = :system AND ("
    "ar.reason LIKE :p0 ESCAPE '\\' OR ar.reason LIKE :p1 ESCAPE '\\' OR ar.reason LIKE :p2 ESCAPE '\\' "
    "OR ar.reason LIKE :p3 ESCAPE '\\')) ORDER BY i.received_at, i.id"
)

_ESCALATE = text(
    "UPDATE inquiry SET owner_id = :to, owned_at = :now, rule = :rule, escalated_at = :now, version = version + 1 "
    f"WHERE id = :id AND owner_id = :owner AND {escalation_sql(alias='')}"
)
_STAY = text(
    f"UPDATE inquiry SET escalated_at = :now WHERE id = :id AND owner_id = :owner AND {escalation_sql(alias='')}"
)
_MOVE_OPEN = text(
    "UPDATE inquiry SET owner_id = :to, owned_at = :at, rule = :rule, version = version + 1 "
    f"WHERE id = :id AND owner_id = :owner AND {open_sql(alias='')}"
)


def accounts(conn: Connection) -> list[Any]:
    return list(conn.execute(ACCOUNTS))


def open_up_to(conn: Connection, owner_id: int, limit: int) -> int:
    """OWNER's open inquiries, counted up to LIMIT (a capacity check never needs more): index-only."""
    if conn.dialect.name == "sqlite":
        found = raw.first(conn, _OPEN_UP_TO_SQLITE, (owner_id, max(0, limit)))
        assert found is not None  # count(*) always has its row
        return int(found[0])
    return int(conn.execute(_OPEN_UP_TO_ANY, {"owner": owner_id, "n": max(0, limit)}).scalar_one())


def escalation_candidates(conn: Connection, oldest: datetime, newest: datetime, limit: int) -> list[Any]:
    """The oldest LIMIT open, not yet escalated inquiries received in [OLDEST, NEWEST]:
    (id, channel, owner id, buyer id, product id, buyer's owner id, buyer's country, received_at)."""
    if conn.dialect.name == "sqlite":
        return raw.rows(conn, _CANDIDATES_SQLITE, (db_text(oldest), db_text(newest), limit))
    return list(conn.execute(_CANDIDATES_ANY, {"oldest": db_text(oldest), "newest": db_text(newest), "n": limit}))


def escalate(conn: Connection, inquiry_id: int, owner_id: int, to_id: int, now: datetime) -> bool:
    """Move an inquiry OWNER still holds, open and not escalated, to TO; False if someone was quicker.

    TO's reply-rate clock starts NOW (`owned_at`; a candidate arrived hours before it)."""
    params = {"id": inquiry_id, "owner": owner_id, "to": to_id, "rule": Rule.ESCALATION.value, "now": db_text(now)}
    return (conn.execute(_ESCALATE, params).rowcount or 0) == 1


def stay(conn: Connection, inquiry_id: int, owner_id: int, now: datetime) -> bool:
    """Mark an inquiry escalated where it is (the rules found no one else); False if someone was quicker."""
    return (conn.execute(_STAY, {"id": inquiry_id, "owner": owner_id, "now": db_text(now)}).rowcount or 0) == 1


def backlog(conn: Connection, account_id: int, patterns: tuple[str, ...]) -> list[Any]:
    """(id, owner id, received_at) of the open inquiries of ACCOUNT's buyers that others got on arrival because ACCOUNT was
    away (their allocation reason matches one of the four LIKE PATTERNS, domain.availability), oldest first."""
    params = {"account": account_id, "system": SYSTEM_LOGIN, **{f"p{n}": p for n, p in enumerate(patterns)}}
    return list(conn.execute(_BACKLOG, params))


def moved_at_sql(now: datetime) -> ColumnElement[datetime]:
    """`owned_at` for a bulk move at NOW: NOW, or the arrival for one received later (domain.metrics.moved_at)."""
    received = table_of(Inquiry).c.received_at
    return case((received > literal(now, UTCDateTime()), received), else_=literal(now, UTCDateTime()))


def move_open(conn: Connection, inquiry_id: int, owner_id: int, to_id: int, rule: str, at: datetime) -> bool:
    """Move an inquiry OWNER still holds and nobody answered to TO by RULE, TO's since AT (`owned_at`, not
    before its arrival: domain.metrics.moved_at); False if it changed meanwhile."""
    params = {"id": inquiry_id, "owner": owner_id, "to": to_id, "rule": rule, "at": db_text(at)}
    return (conn.execute(_MOVE_OPEN, params).rowcount or 0) == 1


def as_date(value: Any) -> date | None:
    """A DATE column's value: a date (PostgreSQL) or its ISO text (SQLite)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


_STAMP = text("SELECT n FROM config_stamp WHERE id = 1")


def config_stamp(conn: Connection) -> int:
    """The configuration's change stamp (migration 0014): a new value after any change of accounts,
    settings, products, country owners or the block list."""
    return int(conn.execute(_STAMP).scalar_one())
