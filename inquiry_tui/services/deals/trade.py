"""Orders feed the buyer: a `trade` event on the day an order is placed (the activity level's trade
dimension, docs/domain.md) and the customer stage, recounted from the buyer's orders.

Both are written in the caller's transaction, beside the order change, through SQLAlchemy Core
(portable). A trade event is kept when its order is later cancelled: the buyer did trade that
day; the stage counts only orders that were not cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, case, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from inquiry_tui.domain.deals import OrderKind, OrderStatus, stage_of
from inquiry_tui.domain.vocabulary import ActivityKind
from inquiry_tui.store.core import table_of
from inquiry_tui.store.models import ActivityDaily, ActivityEvent, BuyerTrade, DealOrder

_event = table_of(ActivityEvent)
_daily = table_of(ActivityDaily)
_trade = table_of(BuyerTrade)
_o = table_of(DealOrder)
CHUNK = 500


def _conn(conn: Session | Connection) -> Connection:
    return conn.connection() if isinstance(conn, Session) else conn


def record_trade(conn: Session | Connection, orders: Sequence[tuple[int, datetime, str]]) -> None:
    """One trade event per order (buyer id, placed at, amount text) and the daily counts it adds to."""
    if not orders:
        return
    c = _conn(conn)
    c.execute(
        insert(_event),
        [{"buyer_id": b, "at": at, "kind": str(ActivityKind.TRADE), "detail": amount} for b, at, amount in orders],
    )
    days: dict[tuple[int, str], int] = {}
    for buyer_id, at, _ in orders:
        key = (buyer_id, at.astimezone(UTC).date().isoformat())
        days[key] = days.get(key, 0) + 1
    rows = [{"buyer_id": b, "day": d, "kind": str(ActivityKind.TRADE), "count": n} for (b, d), n in days.items()]
    module = postgresql if c.dialect.name == "postgresql" else sqlite
    statement = module.insert(_daily)
    c.execute(
        statement.on_conflict_do_update(
            index_elements=["buyer_id", "day", "kind"], set_={"count": _daily.c.count + statement.excluded.count}
        ),
        rows,
    )


def refresh_stages(conn: Session | Connection, buyer_ids: Iterable[int]) -> None:
    """Recount the orders of these buyers and write their stage (buyer_trade)."""
    c = _conn(conn)
    ids = sorted(set(buyer_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        regular = func.sum(case((_o.c.kind == OrderKind.REGULAR.value, 1), else_=0))
        counts = {
            r.buyer_id: r
            for r in c.execute(
                select(
                    _o.c.buyer_id,
                    regular.label("orders"),
                    func.count().label("all_orders"),
                    func.min(_o.c.placed_at).label("first"),
                    func.max(_o.c.placed_at).label("last"),
                )
                .where(_o.c.buyer_id.in_(chunk), _o.c.status != OrderStatus.CANCELLED.value)
                .group_by(_o.c.buyer_id)
            )
        }
        c.execute(delete(_trade).where(_trade.c.buyer_id.in_(chunk)))
        rows = []
        for buyer_id in chunk:
            r = counts.get(buyer_id)
            orders = int(r.orders or 0) if r else 0
            samples = int(r.all_orders) - orders if r else 0
            rows.append(
                {
                    "buyer_id": buyer_id,
                    "stage": stage_of(orders, samples).value,
                    "orders": orders,
                    "sample_orders": samples,
                    "first_order_at": r.first if r else None,
                    "last_order_at": r.last if r else None,
                }
            )
        c.execute(insert(_trade), rows)
