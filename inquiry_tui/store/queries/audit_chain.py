"""The audit chain's reads: its head, every row in id order (streamed), and the append-only guards.

The chain is written by `services.audit` alone. Portable Core SQL apart from the trigger
check, which is SQLite's (`sqlite_master`).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, String, select, type_coerce

from inquiry_tui.domain.audit_chain import ChainRow, Head, at_text
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import AuditChain, AuditLog

_log = table_of(AuditLog)
_chain = table_of(AuditChain)
HEAD_ID = 1
# The append-only triggers of migration 0001 (SQLite): gone means someone dropped them.
APPEND_ONLY_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
HEAD = select(_chain.c.last_id, _chain.c.last_hash).where(_chain.c.id == HEAD_ID)


def head(conn: Connection) -> Head | None:
    row = conn.execute(HEAD).one_or_none()
    return Head(row.last_id, row.last_hash) if row is not None else None


def rows(conn: Connection, batch: int = 5_000) -> Iterator[ChainRow]:
    """Every audit row in id order, streamed. Times as stored (text on SQLite), so a mangled one shows as a change."""
    sqlite = conn.dialect.name == "sqlite"
    at = type_coerce(_log.c.at, String) if sqlite else _log.c.at
    query = select(
        _log.c.id,
        at.label("at"),
        _log.c.actor,
        _log.c.os_user,
        _log.c.action,
        _log.c.entity,
        _log.c.entity_id,
        _log.c.before,
        _log.c.after,
        _log.c.prev_hash,
        _log.c.hash,
    ).order_by(_log.c.id)
    for r in conn.execution_options(yield_per=batch).execute(query):
        yield ChainRow(
            r.id,
            at_text(r.at) if r.at is not None else "",
            r.actor or "",
            r.os_user or "",
            r.action or "",
            r.entity or "",
            r.entity_id or "",
            r.before or "",
            r.after or "",
            r.prev_hash or "",
            r.hash or "",
        )


def missing_guards(conn: Connection) -> tuple[str, ...]:
    """The append-only triggers that are gone (SQLite; other databases keep their own guards)."""
    if conn.dialect.name != "sqlite":
        return ()
    names = ", ".join(f"'{name}'" for name in APPEND_ONLY_TRIGGERS)
    present = {
        r[0]
        for r in conn.exec_driver_sql(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN ({names})")
    }
    return tuple(name for name in APPEND_ONLY_TRIGGERS if name not in present)
