"""The settings and an account's own zone in plain SQL, for the reads that must not load the ORM models (the inbox's
start path: docs/performance.md, "Start, session 8"). services.setup.settings reads and writes them whole."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

_SECTION = text("SELECT value FROM setting WHERE key = :key")
_ACCOUNT_ZONE = text("SELECT timezone FROM account WHERE id = :id")


def section(conn: Connection, key: str) -> dict[str, Any]:
    """One settings section's stored JSON ({} when the store has none yet, as load_settings reads it)."""
    value = conn.execute(_SECTION, {"key": key}).scalar_one_or_none()
    loaded = json.loads(value or "{}")
    return loaded if isinstance(loaded, dict) else {}


def account_zone(conn: Connection, account_id: int | None) -> str | None:
    """The account's own time zone (None: the company's, or no such account)."""
    if account_id is None:
        return None
    zone = conn.execute(_ACCOUNT_ZONE, {"id": account_id}).scalar_one_or_none()
    return str(zone) if zone else None
