"""Customer management: add (by hand, from an inquiry, from chats), edit tags, transfer.

Same e-mail is the same buyer (emails are stored lower-case): adding an address that already
exists makes that buyer a customer and fills in what was given, never a second row.
Rules: a salesperson adds and edits their own customers (and the buyers of inquiries they own);
only the admin transfers a buyer to another salesperson. Edits carry the version the screen
read; a changed row is refused with StaleWrite. Every change writes an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from inquiry_tui.domain.errors import NotFound, StaleWrite, ValidationError
from inquiry_tui.domain.vocabulary import SYSTEM_LOGIN
from inquiry_tui.services.audit import audit, audit_conn
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.services.customers.input import CustomerInput, FieldErrors, clean_tags
from inquiry_tui.services.customers.listing import CustomerRow, row_for
from inquiry_tui.services.customers.profile import can_see_buyer
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, Buyer, BuyerTag, Inquiry
from inquiry_tui.store.types import utcnow

SOURCE_MANUAL = "manual"
SOURCE_INQUIRY = "inquiry"
SOURCE_CHAT = "chat"


@dataclass(frozen=True)
class CustomerDraft:
    """What the customer form starts from: an existing buyer's fields, or blanks."""

    buyer_id: int | None
    inquiry_id: int | None
    version: int | None
    data: CustomerInput
    is_customer: bool


@dataclass(frozen=True)
class TransferResult:
    buyer_id: int
    email: str
    from_login: str | None
    to_login: str
    version: int


def _visible_buyer(session: Session, ctx: Ctx, buyer_id: int, *, lock: bool = False) -> Buyer:
    buyer = session.get(Buyer, buyer_id, with_for_update=lock)  # lock in writes: PostgreSQL writers take turns
    if buyer is None or not can_see_buyer(session, ctx, buyer_id, buyer.owner_id):
        raise NotFound(f"no buyer {buyer_id}")
    return buyer


def _visible_inquiry(session: Session, ctx: Ctx, inquiry_id: int) -> Inquiry:
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or (not ctx.actor.is_admin and inquiry.owner_id != ctx.actor.id):
        raise NotFound(f"no inquiry {inquiry_id}")
    return inquiry


def _input_of(buyer: Buyer, tags: Iterable[str]) -> CustomerInput:
    return CustomerInput(
        email=buyer.email,
        name=buyer.name,
        company=buyer.company,
        country=buyer.country or "",
        phone=buyer.phone,
        website=buyer.website,
        group=buyer.group_name,
        type=buyer.type,
        source=buyer.source,
        stars=buyer.stars,
        tags=tuple(sorted(tags)),
        notes=buyer.notes,
    )


def _tags_of(session: Session, buyer_id: int) -> list[str]:
    return list(session.execute(select(col(BuyerTag.tag)).where(col(BuyerTag.buyer_id) == buyer_id)).scalars())


def customer_draft(ctx: Ctx, *, inquiry_id: int | None = None, buyer_id: int | None = None) -> CustomerDraft:
    """The form's starting values: the inquiry's buyer, a buyer, or an empty form."""
    with ctx.read() as session:
        if inquiry_id is not None:
            buyer_id = _visible_inquiry(session, ctx, inquiry_id).buyer_id
        if buyer_id is None:
            return CustomerDraft(None, None, None, CustomerInput(email="", source=SOURCE_MANUAL), False)
        buyer = _visible_buyer(session, ctx, buyer_id)
        data = _input_of(buyer, _tags_of(session, buyer_id))
        if not buyer.is_customer and not data.source:
            data = CustomerInput(**{**data.__dict__, "source": SOURCE_INQUIRY if inquiry_id else SOURCE_MANUAL})
        return CustomerDraft(buyer_id, inquiry_id, buyer.version, data, bool(buyer.is_customer))


def save_customer(
    ctx: Ctx,
    data: CustomerInput,
    *,
    inquiry_id: int | None = None,
    buyer_id: int | None = None,
    expected_version: int | None = None,
) -> CustomerRow:
    """Add or update a customer from the form. With INQUIRY_ID or BUYER_ID the e-mail must be that buyer's.

    Editing a known buyer (the form was filled from it) writes every field as given; adding by
    e-mail merges into an existing buyer with that address, changing only the values given.
    """
    clean = data.clean()
    editing = inquiry_id is not None or buyer_id is not None
    with ctx.write() as session:
        if inquiry_id is not None:
            buyer_id = _visible_inquiry(session, ctx, inquiry_id).buyer_id
        buyer: Buyer | None
        if buyer_id is not None:
            buyer = _visible_buyer(session, ctx, buyer_id, lock=True)
            if clean.email != buyer.email:
                raise FieldErrors({"email": f"stays {buyer.email} for an existing buyer (it is who they are)"})
        else:
            buyer = session.execute(select(Buyer).where(col(Buyer.email) == clean.email)).scalar_one_or_none()
            if buyer is not None and not can_see_buyer(session, ctx, id_of(buyer), buyer.owner_id):
                # Creating a second row is not an option: the address names one buyer.
                raise FieldErrors({"email": "belongs to another salesperson's buyer; ask the admin to transfer it"})
        if buyer is not None and expected_version is not None and buyer.version != expected_version:
            raise StaleWrite("This customer")
        default_source = SOURCE_INQUIRY if inquiry_id is not None else SOURCE_MANUAL
        return _upsert(session, ctx, buyer, clean, default_source, overwrite=editing)


def add_customer(ctx: Ctx, data: CustomerInput) -> CustomerRow:
    """Add a customer by hand (merging into the buyer with that e-mail, if any)."""
    return save_customer(ctx, data)


def add_customer_from_inquiry(ctx: Ctx, inquiry_id: int, data: CustomerInput | None = None) -> CustomerRow:
    """Make the buyer of an inquiry the actor can see a customer (source "inquiry")."""
    if data is None:
        data = customer_draft(ctx, inquiry_id=inquiry_id).data
    return save_customer(ctx, data, inquiry_id=inquiry_id)


def _upsert(
    session: Session, ctx: Ctx, buyer: Buyer | None, data: CustomerInput, default_source: str, *, overwrite: bool
) -> CustomerRow:
    """Write DATA into BUYER (or a new buyer).

    OVERWRITE (the form): every field as given, tags replaced. Otherwise (a file merge): only
    the values given replace the stored ones, and tags are added.
    """
    now = ctx.now()
    before: dict[str, Any] | None = None
    if buyer is None:
        buyer = Buyer(email=data.email, first_seen_at=now, owner_id=ctx.actor.id)
        session.add(buyer)
        action = "customer_add"
    else:
        before = _snapshot(buyer, _tags_of(session, id_of(buyer)))
        action = "customer_update" if buyer.is_customer else "customer_add"
        if buyer.owner_id is None:
            buyer.owner_id = ctx.actor.id
    for name in ("name", "company", "country", "phone", "website", "group", "type", "notes"):
        value = getattr(data, name)
        if overwrite or value:
            # An empty country is NULL (the column holds alpha-2 codes only).
            setattr(buyer, "group_name" if name == "group" else name, value or None if name == "country" else value)
    if overwrite or data.stars:
        buyer.stars = int(data.stars)
    buyer.source = data.source or buyer.source or default_source
    if not buyer.is_customer:
        buyer.is_customer = True
        buyer.customer_since = now
    session.flush()  # a new buyer gets its id; an edited one its version check
    assert buyer.id is not None
    tags = set(_tags_of(session, buyer.id))
    wanted = set(data.tags) if overwrite else tags | set(data.tags)
    _write_tags(session, buyer, tags, wanted)
    audit(session, ctx, action, "buyer", buyer.email, before=before, after=_snapshot(buyer, sorted(wanted)))
    return row_for(session, buyer.id)


def merge_customer(
    session: Session, ctx: Ctx, buyer: Buyer | None, data: CustomerInput, default_source: str
) -> CustomerRow:
    """Merge validated DATA into BUYER (or a new buyer) inside the caller's transaction (imports)."""
    return _upsert(session, ctx, buyer, data, default_source, overwrite=False)


def _write_tags(session: Session, buyer: Buyer, current: set[str], wanted: set[str]) -> None:
    if wanted == current:
        return
    buyer_id = id_of(buyer)
    session.execute(delete(BuyerTag).where(col(BuyerTag.buyer_id) == buyer_id, col(BuyerTag.tag).in_(current - wanted)))
    session.add_all(BuyerTag(buyer_id=buyer_id, tag=t) for t in sorted(wanted - current))
    # Tag rows live in their own table: move the buyer's version with them, checked like any edit.
    session.flush()
    result = session.exec(
        update(Buyer)
        .where(col(Buyer.id) == buyer_id, col(Buyer.version) == buyer.version)
        .values(version=buyer.version + 1)
    )
    if result.rowcount != 1:
        raise StaleWrite("This customer")
    session.refresh(buyer)


def _snapshot(buyer: Buyer, tags: Iterable[str]) -> dict[str, Any]:
    return {
        "email": buyer.email,
        "name": buyer.name,
        "company": buyer.company,
        "country": buyer.country,
        "phone": buyer.phone,
        "website": buyer.website,
        "group": buyer.group_name,
        "type": buyer.type,
        "source": buyer.source,
        "stars": buyer.stars,
        "tags": sorted(tags),
        "owner_id": buyer.owner_id,
        "is_customer": bool(buyer.is_customer),
    }


def set_customer_tags(
    ctx: Ctx,
    buyer_id: int,
    expected_version: int,
    *,
    group: str,
    type: str,
    source: str,
    stars: int | str,
    tags: tuple[str, ...] | str,
) -> CustomerRow:
    """Edit the tags in place (group, type, source, stars, free tags); other fields stay."""
    group, type_, source, stars_n, free = clean_tags(group, type, source, stars, tags)
    with ctx.write() as session:
        buyer = _visible_buyer(session, ctx, buyer_id, lock=True)
        if buyer.version != expected_version:
            raise StaleWrite("This customer")
        current = _tags_of(session, buyer_id)
        before = _snapshot(buyer, current)
        buyer.group_name, buyer.type, buyer.source, buyer.stars = group, type_, source, stars_n
        if not buyer.is_customer:
            buyer.is_customer, buyer.customer_since = True, ctx.now()
        session.flush()
        _write_tags(session, buyer, set(current), set(free))
        audit(session, ctx, "customer_tags", "buyer", buyer.email, before=before, after=_snapshot(buyer, free))
        return row_for(session, buyer_id)


def transfer_customer(ctx: Ctx, buyer_id: int, login: str) -> TransferResult:
    """Give a buyer to another active account (admin only); recorded in the audit log."""
    ctx.require_admin("transfer customers")
    with ctx.write() as session:
        buyer = session.get(Buyer, buyer_id, with_for_update=True)
        if buyer is None:
            raise NotFound(f"no buyer {buyer_id}")
        target = account_by_login(session, login, active_only=True)
        current = session.get(Account, buyer.owner_id) if buyer.owner_id is not None else None
        if current is not None and current.id == target.id:
            raise ValidationError(f"{buyer.email} already belongs to {login}")
        buyer.owner_id = target.id
        session.flush()
        audit(
            session,
            ctx,
            "buyer_transfer",
            "buyer",
            buyer.email,
            before={"owner": current.login if current else None},
            after={"owner": target.login, "rule": "transfer", "actor": ctx.actor.login},
        )
        return TransferResult(buyer_id, buyer.email, current.login if current else None, target.login, buyer.version)


def buyer_id_by_email(ctx: Ctx, email: str) -> int:
    """The id of the buyer with this e-mail that the actor may see (NotFound otherwise)."""
    address = (email or "").strip().lower()
    with ctx.read() as session:
        buyer = session.execute(select(Buyer).where(col(Buyer.email) == address)).scalar_one_or_none()
        if buyer is None or not can_see_buyer(session, ctx, id_of(buyer), buyer.owner_id):
            raise NotFound(f"no customer {address!r}")
        return id_of(buyer)


def add_customers_from_chats(
    session_or_ctx: Session | Ctx, buyer_ids: Iterable[int], *, actor: str = SYSTEM_LOGIN, now: datetime | None = None
) -> int:
    """Make the buyers of imported chats customers with source "chat" (for `import chats`).

    Pass the import's own Session to join its transaction (all or nothing; ACTOR and NOW then
    name who and when for the audit row), or a Ctx to run in a transaction of its own. Buyers
    that already are customers keep their tags and source; owners stay as the allocation made
    them. Returns how many buyers became customers.
    """
    ids = sorted(set(buyer_ids))
    if isinstance(session_or_ctx, Ctx):
        ctx = session_or_ctx
        with ctx.write() as session:
            return _chats(session, ids, now or ctx.now(), ctx.actor.login, ctx.os_user)
    return _chats(session_or_ctx, ids, now or utcnow(), actor)


def _chats(session: Session, ids: list[int], now: datetime, actor: str, os_user: str | None = None) -> int:
    if not ids:
        return 0
    added = 0
    for start in range(0, len(ids), 500):  # bounded IN lists
        result = session.exec(
            update(Buyer)
            .where(col(Buyer.id).in_(ids[start : start + 500]), col(Buyer.is_customer).is_(False))
            .values(is_customer=True, customer_since=now, source=SOURCE_CHAT, version=Buyer.version + 1)
            .execution_options(synchronize_session=False)
        )
        added += result.rowcount
    audit_conn(
        session.connection(),
        at=now,
        actor=actor,
        os_user=os_user,
        action="customers_from_chats",
        entity="buyer",
        entity_id=f"{len(ids)} buyers",
        after={"added": added, "buyer_ids": ids[:100]},
    )
    return added
