"""The audit log's hash chain: each row's hash covers its content and the previous row's hash; the walk that checks it.

Every audit row carries `prev_hash` (the hash of the row before it; `GENESIS` for the first)
and `hash` = sha256 over the row's content and `prev_hash`. The store keeps the chain's head
(the last row's id and hash) beside the log, written in the same transaction as each row.

Anyone who edits the store file directly (`sqlite3`) and changes, inserts or removes a row
breaks the chain at that row, or leaves the head disagreeing with the log's end, and `walk`
names the first such row. Someone who also recomputes every later hash and the head is found
only against a hash kept elsewhere: `walk`'s `anchor` (a row id and the hash `db verify`
printed for it earlier). docs/domain.md ("The audit chain") says what this does and does not
prove.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

GENESIS = "0" * 64
HASH_LEN = 64


def at_text(at: datetime | str) -> str:
    """The canonical text of a row's time in its hash: UTC, microseconds (`2026-11-23T09:30:00.000000Z`).

    A naive time is UTC (the store keeps UTC without a zone); text is parsed as ISO 8601, and
    text that is not a time is kept as it is (its row then fails its hash).
    """
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " " and at[19] == ".":  # SQLite's stored text: the fast way
            return f"{at[:10]}T{at[11:]}Z"
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            return at
    else:
        when = at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainRow:
    """One audit row as the chain sees it (`prev_hash`/`hash` empty when written outside the app)."""

    id: int
    at: str  # `at_text` of the stored time (the stored text itself if it is not a time)
    actor: str
    os_user: str
    action: str
    entity: str
    entity_id: str
    before: str
    after: str
    prev_hash: str = ""
    hash: str = ""

    def content_hash(self, prev_hash: str) -> str:
        return row_hash(
            prev_hash,
            self.id,
            at=self.at,
            actor=self.actor,
            os_user=self.os_user,
            action=self.action,
            entity=self.entity,
            entity_id=self.entity_id,
            before=self.before,
            after=self.after,
        )


def row_hash(
    prev_hash: str,
    row_id: int,
    *,
    at: str,
    actor: str,
    os_user: str,
    action: str,
    entity: str,
    entity_id: str,
    before: str,
    after: str,
) -> str:
    """sha256 (hex) of a row's id, content and the previous row's hash, as canonical JSON (ASCII)."""
    payload = [prev_hash, row_id, at, actor, os_user, action, entity, entity_id, before, after]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The chain's end as the app last wrote it."""

    last_id: int
    last_hash: str


class Tamper(StrEnum):
    """What happened to the first row that does not fit the chain."""

    CHANGED = "changed"
    INSERTED = "inserted"
    REMOVED = "removed"


@dataclass(frozen=True)
class Finding:
    kind: Tamper
    row_id: int  # the first row changed, inserted or removed
    message: str  # one line, naming the row


@dataclass(frozen=True)
class ChainReport:
    rows: int  # rows walked
    last_id: int  # the last row walked (0: none)
    last_hash: str  # its hash (GENESIS: none)
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


def _what(row: ChainRow) -> str:
    return f"{row.action} by {row.actor or '?'} at {row.at[:19].replace('T', ' ')}"


def _removed(first: int, last: int, why: str) -> Finding:
    rows = f"row {first} was" if first == last else f"rows {first}-{last} were"
    return Finding(Tamper.REMOVED, first, f"{rows} removed outside the app ({why})")


def _first_problem(row: ChainRow, prev_id: int, prev_hash: str) -> Finding | None:
    """Whether ROW follows the row before it (PREV_ID, PREV_HASH) and still matches its own hash."""
    if len(row.hash) != HASH_LEN or len(row.prev_hash) != HASH_LEN:
        return Finding(
            Tamper.INSERTED,
            row.id,
            f"row {row.id} ({_what(row)}) was inserted outside the app: it carries no chain hash",
        )
    if row.id <= prev_id:
        return Finding(Tamper.INSERTED, row.id, f"row {row.id} ({_what(row)}) was inserted outside the app")
    intact = row.hash == row.content_hash(row.prev_hash)
    linked = row.prev_hash == prev_hash
    gap = row.id > prev_id + 1
    if linked and intact:
        return None
    if gap and (intact or not linked):
        return _removed(prev_id + 1, row.id - 1, f"row {row.id} no longer follows row {prev_id or 'none'}")
    if linked:
        return Finding(
            Tamper.CHANGED,
            row.id,
            f"row {row.id} (now: {_what(row)}) was changed outside the app: it no longer matches its hash",
        )
    if intact and prev_id:
        return Finding(
            Tamper.CHANGED,
            prev_id,
            f"row {prev_id} was changed outside the app: its hash was recomputed, and row {row.id} no longer follows it",
        )
    return Finding(
        Tamper.INSERTED,
        row.id,
        f"row {row.id} ({_what(row)}) was inserted outside the app: its hash does not fit the chain",
    )


def walk(rows: Iterable[ChainRow], head: Head | None, *, anchor: Head | None = None) -> ChainReport:
    """Check ROWS (in id order) against each other and against HEAD; the first problem found, if any.

    ANCHOR, a row id and hash recorded earlier outside the store, also finds a chain rewritten
    from that row on (every later hash recomputed along with the head).
    """
    prev_id, prev_hash, count = 0, GENESIS, 0
    for row in rows:
        count += 1
        finding = _first_problem(row, prev_id, prev_hash)
        if finding is None and anchor is not None and row.id == anchor.last_id and row.hash != anchor.last_hash:
            finding = Finding(
                Tamper.CHANGED,
                row.id,
                f"row {row.id}'s hash differs from the anchor given: the log up to row {row.id} was rewritten",
            )
        if finding is not None:
            return ChainReport(count, prev_id, prev_hash, finding)
        prev_id, prev_hash = row.id, row.hash
    finding = None
    if anchor is not None and anchor.last_id > prev_id:
        finding = _removed(anchor.last_id, anchor.last_id, f"the anchor's row {anchor.last_id} is gone")
    elif head is None:
        finding = Finding(
            Tamper.REMOVED,
            prev_id + 1,
            "the chain head (table audit_chain) was removed outside the app; the end of the log cannot be checked",
        )
    elif head.last_id > prev_id:
        finding = _removed(prev_id + 1, head.last_id, f"the log should end at row {head.last_id}")
    elif head.last_id < prev_id:
        finding = Finding(
            Tamper.INSERTED,
            head.last_id + 1,
            f"row {head.last_id + 1} was inserted outside the app (the app's chain head ends at row {head.last_id})",
        )
    elif head.last_hash != prev_hash:
        finding = Finding(
            Tamper.CHANGED,
            prev_id,
            f"row {prev_id} was changed outside the app: its hash was recomputed and no longer matches the chain head",
        )
    return ChainReport(count, prev_id, prev_hash, finding)
