"""Routing's configuration kept per process: accounts, settings, products, country owners, block list.

Every arrival needs all of them, and they change a few times a day. A process keeps what it
read, per store, with the value of `config_stamp` it read first; triggers (migration 0014)
give the stamp a new random value on any insert, update or delete in those tables, by any
process on any host. An arrival reads the stamp alone in its own transaction (one cheap
statement) and reloads only when it moved, so a change made in another session is seen by the
next arrival here. The stamp is read before the tables: on PostgreSQL (READ COMMITTED) a change
committed between the two reads makes the kept rows newer than their stamp, never older, and
the next arrival reloads them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from inquiry_tui.domain.junk import BlockList
from inquiry_tui.domain.settings import Settings, settings_from_dict
from inquiry_tui.domain.vocabulary import BlockKind
from inquiry_tui.store.queries import routing as q_routing


@dataclass(frozen=True)
class Lookups:
    """What routing reads of the store's configuration, as of `stamp`."""

    stamp: int
    accounts: tuple[Any, ...]  # rows of store.queries.routing.ACCOUNTS
    settings: Settings
    products: tuple[tuple[int, str, int | None, str | None], ...]  # (id, sku, owner id, name)
    country_owners: tuple[tuple[str, int], ...]  # (country, account id)
    block: BlockList


_kept: dict[str, Lookups] = {}
_lock = threading.Lock()


@lru_cache(maxsize=8)
def _settings(rows: tuple[tuple[str, str | None], ...]) -> Settings:
    """The settings of these (key, JSON) rows, parsed once per process for the same rows."""
    return settings_from_dict({k: json.loads(v or "{}") for k, v in rows})


def _block_list(rows: Iterable[Any]) -> BlockList:
    blocks: dict[str, set[str]] = {kind: set() for kind in BlockKind}
    for kind, value in rows:
        if kind in blocks:
            blocks[kind].add(
                value.strip().lower()
                if kind == BlockKind.EMAIL
                else value.strip().upper()
                if kind == BlockKind.COUNTRY
                else value.strip()
            )
    return BlockList(
        frozenset(blocks[BlockKind.EMAIL]), frozenset(blocks[BlockKind.MEMBER_ID]), frozenset(blocks[BlockKind.COUNTRY])
    )


def load(conn: Connection, stamp: int) -> Lookups:
    """Read every table now (the stamp was read first, in the same transaction)."""
    return Lookups(
        stamp,
        tuple(q_routing.accounts(conn)),
        _settings(tuple((k, v) for k, v in conn.exec_driver_sql("SELECT key, value FROM setting"))),
        tuple(tuple(r) for r in conn.exec_driver_sql("SELECT id, sku, owner_id, name FROM product")),
        tuple(tuple(r) for r in conn.exec_driver_sql("SELECT country, account_id FROM country_owner")),
        _block_list(conn.exec_driver_sql("SELECT kind, value FROM block_entry").all()),
    )


def lookups(conn: Connection, store: str) -> Lookups:
    """The configuration of STORE (its URL) as CONN's transaction sees it: kept, or read again if it changed."""
    stamp = q_routing.config_stamp(conn)
    with _lock:
        kept = _kept.get(store)
    if kept is not None and kept.stamp == stamp:
        return kept
    made = load(conn, stamp)
    with _lock:
        _kept[store] = made
    return made


def forget(store: str | None = None) -> None:
    """Drop what is kept for STORE (None: every store); only tests need it, the stamp keeps the rest right."""
    with _lock:
        if store is None:
            _kept.clear()
        else:
            _kept.pop(store, None)
