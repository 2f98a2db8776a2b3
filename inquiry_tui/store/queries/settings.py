"""The settings and an account's own zone in plain SQL, for the reads that must not load the ORM models (the inbox's
start path: docs/performance.md, "Start, session 8"), on a plain sqlite3 connection or a Core one (store/plain_sql.py). services.setup.settings reads and writes them whole."""

from __future__ import annotations

import json
from typing import Any

from inquiry_tui.store import plain_sql
from inquiry_tui.store.plain_sql import Reader

_SECTION = "SELECT value FROM setting WHERE key = :key"
_ACCOUNT_ZONE = "SELECT timezone FROM account WHERE id = :id"


def section(conn: Reader, key: str) -> dict[str, Any]:
    """One settings section's stored JSON ({} when the store has none yet, as load_settings reads it)."""
    value = plain_sql.scalar(conn, _SECTION, {"key": key})
    loaded = json.loads(value or "{}")
    return loaded if isinstance(loaded, dict) else {}


def account_zone(conn: Reader, account_id: int | None) -> str | None:
    """The account's own time zone (None: the company's, or no such account)."""
    if account_id is None:
        return None
    zone = plain_sql.scalar(conn, _ACCOUNT_ZONE, {"id": account_id})
    return str(zone) if zone else None
