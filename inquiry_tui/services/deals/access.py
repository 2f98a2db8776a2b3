"""Who may see and act on a deal, and the parties' values every deal service needs.

A salesperson sees and edits the deals of their own customers (the buyer's owner); the admin
all of them. A deal a salesperson may not see is "not found", so its existence does not leak;
drafting for a customer of someone else is refused, naming the customer.
"""

from __future__ import annotations

from datetime import UTC

from sqlmodel import Session, select

from inquiry_tui.domain.errors import NotFound, PermissionDenied
from inquiry_tui.services.context import Ctx, main_account
from inquiry_tui.services.deals.views import Party
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import Account, Buyer


def may_see(ctx: Ctx, owner_id: int | None) -> bool:
    return ctx.actor.is_admin or (owner_id is not None and owner_id == ctx.actor.id)


def buyer_by_email(session: Session, email: str) -> Buyer:
    address = (email or "").strip().lower()
    buyer = session.exec(select(Buyer).where(Buyer.email == address)).one_or_none()
    if buyer is None:
        raise NotFound(f"customer: no buyer with e-mail {address!r}; see `inquiry-tui customer list`")
    return buyer


def check_own_customer(session: Session, ctx: Ctx, buyer: Buyer) -> None:
    """A salesperson drafts only for their own customers (or a buyer nobody owns yet, who becomes theirs)."""
    if ctx.actor.is_admin or buyer.owner_id is None or buyer.owner_id == ctx.actor.id:
        return
    owner = session.get(Account, buyer.owner_id)
    raise PermissionDenied(
        f"customer: {buyer.email} is a customer of {owner.login if owner else 'another salesperson'}; "
        "only their owner or the admin can make deals with them"
    )


def party(buyer: Buyer) -> Party:
    return Party(id_of(buyer), buyer.email, buyer.name, buyer.company, buyer.country)


def login_of(session: Session, account_id: int | None) -> str | None:
    if account_id is None:
        return None
    account = session.get(Account, account_id)
    return account.login if account else None


def seller_company(session: Session) -> str:
    """Our company's name on documents: setting deals.company, else the main account's name."""
    name = load_settings(session).deals.company.strip()
    return name or main_account(session).name


def placeholder_values(session: Session, ctx: Ctx, buyer: Buyer) -> dict[str, str]:
    """The values of the placeholders every deal has (the inquiry's are added by the caller)."""
    return {
        "buyer.name": buyer.name or buyer.email,
        "buyer.company": buyer.company or buyer.name or buyer.email,
        "buyer.email": buyer.email,
        "buyer.country": buyer.country or "",
        "seller.company": seller_company(session),
        "seller.name": ctx.actor.name,
        "today": ctx.now().astimezone(UTC).date().isoformat(),
    }
