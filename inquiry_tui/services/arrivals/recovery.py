"""Undoing an unfinished big import: after a failure, or, on the next open, after its process died.

Kept apart from the import itself (services/arrivals/publishing.py) so that opening a store
imports only this and the journal (store/journal.py), not the arrival pipeline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine

from inquiry_tui.services.audit import audit_conn
from inquiry_tui.store import journal


def undo(conn: Connection, run_id: int, source: str, *, actor: str, os_user: str, at: datetime, why: str) -> int:
    """Remove what run RUN_ID published (in CONN's transaction); the audit row says why. How many inquiries.

    A run that published all its rows (`journal.completed`) is not undone: its indexes still set aside go
    back, and nothing is removed."""
    if journal.completed(conn, run_id):
        journal.finish_put_back(conn, run_id)
        return 0
    removed = journal.undo_run(conn, run_id)
    audit_conn(
        conn,
        at=at,
        actor=actor,
        os_user=os_user,
        action="inquiries_import_undone",
        entity="inquiry",
        entity_id=source[:200],
        after={"source": source, "inquiries_removed": removed, "why": why},
    )
    return removed


def recover(engine: Engine, *, actor: str, os_user: str, at: datetime) -> int:
    """Undo every import whose process died before it completed (kill -9, a power cut); how many.

    One plain read of an empty table when there is nothing to do (no write lock taken). A run
    still going (its process alive, or on PostgreSQL its lock held) is left alone."""
    raw = engine.raw_connection()  # outside a transaction: a plain read, as store.migrate reads the revision
    try:
        cursor = raw.cursor()
        cursor.execute(journal.RUNS)
        found = [journal.Run(int(r[0]), r[1], r[2], r[3], int(r[4])) for r in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    undone = 0
    for run in found:
        with engine.connect() as conn:
            if not journal.is_dead(conn, run):  # PostgreSQL: takes the run's lock when it is free
                conn.rollback()
                continue
            conn.commit()
            try:
                left = 0
                with conn.begin():
                    if any(r.id == run.id for r in journal.runs(conn)):  # not undone by another process meanwhile
                        if journal.completed(conn, run.id):  # it died putting its indexes back: its rows stay
                            left = 1
                        else:
                            undo(conn, run.id, run.source, actor=actor, os_user=os_user, at=at, why="its process died")
                            undone += 1
                while left:  # one index per transaction, as the import itself puts them back (a build at 1M: seconds)
                    with conn.begin():
                        left = journal.put_back_one(conn, run.id)
            finally:
                journal.release(conn, run.id)
                conn.commit()
    return undone
