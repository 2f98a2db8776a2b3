"""What the deal services hand out: frozen dataclasses (never ORM rows). Buyer text in them is untrusted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from inquiry_tui.domain.deals import DealDoc


@dataclass(frozen=True)
class Party:
    """The buyer of a deal (untrusted text: show through safe_text)."""

    buyer_id: int
    email: str
    name: str
    company: str
    country: str | None


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    owner_login: str | None
    updated_at: datetime
    version: int
    doc: DealDoc


@dataclass(frozen=True)
class LoiVersionInfo:
    version: int
    at: datetime
    actor: str
    status: str
    change: str  # created | edited | sent | confirmed | withdrawn
    doc: DealDoc
    text: str = ""  # the document as it read at this version (render_text: made safe)
    changed: tuple[str, ...] = ()  # its lines removed ("- ...") and added ("+ ...") since the version before


@dataclass(frozen=True)
class LoiView:
    id: int
    status: str  # LoiStatus
    buyer: Party
    owner_login: str | None
    inquiry_id: int | None
    template_name: str | None
    doc: DealDoc
    total: Decimal
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    closed_at: datetime | None
    version: int  # pass back to edit_loi / send_loi for the stale-write check
    order_id: int | None
    order_number: str | None
    message_inquiry_id: int | None  # the thread the latest sending went to


@dataclass(frozen=True)
class LoiRow:
    id: int
    status: str
    email: str
    buyer_name: str
    buyer_company: str
    subject: str
    currency: str
    total: Decimal
    updated_at: datetime
    owner_login: str | None
    version: int


@dataclass(frozen=True)
class OrderEventInfo:
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    note: str


@dataclass(frozen=True)
class OrderView:
    id: int
    number: str
    source: str  # OrderSource
    kind: str  # OrderKind
    status: str  # OrderStatus
    buyer: Party
    owner_login: str | None
    doc: DealDoc
    total: Decimal
    placed_at: datetime
    updated_at: datetime
    version: int
    loi_id: int | None
    events: tuple[OrderEventInfo, ...]


@dataclass(frozen=True)
class OrderRow:
    id: int
    number: str
    placed_at: datetime
    status: str
    kind: str
    source: str
    email: str
    buyer_name: str
    buyer_company: str
    currency: str
    total: Decimal
    owner_login: str | None
    version: int


@dataclass(frozen=True)
class OrderKey:
    """Where the next page starts: the last row's placing time and id."""

    placed_at: datetime
    id: int


@dataclass(frozen=True)
class OrderPage:
    rows: tuple[OrderRow, ...]
    next_key: OrderKey | None


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    orders: int  # the orders summed (cancelled ones only when asked for)
    total: Decimal


@dataclass(frozen=True)
class OrderTotals:
    orders: int
    by_currency: tuple[CurrencyTotal, ...]  # by currency code


@dataclass(frozen=True)
class OrderQuery:
    """Filters of the orders list; all optional. `until` is exclusive."""

    status: str | None = None
    customer: str | None = None  # a buyer's e-mail
    owner: str | None = None  # admin only: one salesperson's customers
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class OrdersImport:
    orders: int
    buyers_created: int
    by_status: tuple[tuple[str, int], ...]
