"""`import calls FILE`: the marketplace's call and appointment log into the store (all or nothing, idempotent).

Choices where the contract is silent (docs/domain.md, Calls):
- A call belongs to the buyer's owner (if active), else to whom allocation would give an
  inquiry of the buyer (product, region, company contact), rotation aside: a call log does
  not take rotation turns from inquiries. An unknown buyer is added (not as a customer).
- A record without `external_id` is known by `kind:email:requested_at`; a record whose id is
  in the store already is skipped and counted, so importing a file twice adds nothing.
- `outside_window` is judged at import against the call windows then set.
- Each new appointment request (`pending`) tells its owner (a notice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from inquiry_tui.domain.allocation import RoutingFacts, route
from inquiry_tui.domain.calls import Outcome, in_call_windows
from inquiry_tui.domain.errors import NotFound
from inquiry_tui.domain.notices import NoticeKind
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import Channel, Role
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.notices.feed import notify
from inquiry_tui.services.records.channels import CallRecord
from inquiry_tui.services.records.errors import FileFormatError
from inquiry_tui.services.records.reader import iter_records
from inquiry_tui.services.records.validate import check_record
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.store.core import run_dml, table_of
from inquiry_tui.store.models import Account, Buyer, CallLog, CountryOwner, Product

_c = table_of(CallLog)
_b = table_of(Buyer)
_a = table_of(Account)
_p = table_of(Product)
_co = table_of(CountryOwner)


@dataclass(frozen=True)
class CallImportReport:
    added: int
    already_imported: int
    appointments: int  # pending requests among the added
    outside_windows: int
    buyers_added: int


def _key(r: CallRecord) -> str:
    return r.external_id or f"{r.kind}:{r.buyer.email}:{r.requested_at.isoformat()}"


def import_calls(ctx: Ctx, path: Path) -> CallImportReport:
    """Check every record, then add the new ones in one transaction (a bad line leaves the store unchanged)."""
    ctx.require_admin("import calls")
    records = [(r.line, check_record(CallRecord, path, r)) for r in iter_records(path)]
    return receive_calls(ctx, records, path=path)


def receive_calls(
    ctx: Ctx, records: Sequence[tuple[int, CallRecord]], *, path: Path | str = "calls"
) -> CallImportReport:
    ctx.require_admin("import calls")
    now = ctx.now()
    with ctx.write() as session:
        settings = load_settings(session)
        accounts = session.execute(select(_a.c.id, _a.c.login, _a.c.role, _a.c.active)).all()
        login_of = {a.id: a.login for a in accounts}
        id_of = {a.login: a.id for a in accounts}
        active = frozenset(a.login for a in accounts if a.active)
        main = next((a.login for a in accounts if a.role == Role.ADMIN), None)
        if main is None:
            raise NotFound("this store has no main account yet; run `inquiry-tui init`")
        products = {sku: (pid, owner) for pid, sku, owner in session.execute(select(_p.c.id, _p.c.sku, _p.c.owner_id))}
        country_owner = {cc: login_of[aid] for cc, aid in session.execute(select(_co.c.country, _co.c.account_id))}
        alloc = replace(settings.allocation, rotation=False)
        contact = alloc.company_contact or main
        keys = [_key(r) for _, r in records]
        known = _existing(session, keys)
        seen_in_file: dict[str, int] = {}
        added = appointments = outside = buyers_added = 0
        for (line, r), key in zip(records, keys):
            if key in known or key in seen_in_file:
                continue
            seen_in_file[key] = line
            product = None
            if r.product is not None:
                product = products.get(r.product)
                if product is None:
                    raise FileFormatError(
                        path, line, "product", f"unknown SKU {r.product!r}; see `inquiry-tui product list`"
                    )
            buyer_id, owner_id, new = _buyer(session, r, now)
            buyers_added += new
            owner = login_of.get(owner_id) if owner_id is not None else None
            if owner not in active:
                product_owner = login_of.get(product[1]) if product and product[1] is not None else None
                facts = RoutingFacts(
                    Channel.INQUIRY.value,
                    main,
                    contact,
                    active,
                    None,
                    product_owner,
                    country_owner.get(r.buyer.country or "") if r.buyer.country else None,
                    None,
                )
                owner = route(alloc, facts).owner
                if owner_id is None or login_of.get(owner_id) not in active:
                    # As an arrival would: a buyer with no (active) owner gets the call's owner.
                    session.execute(_b.update().where(_b.c.id == buyer_id).values(owner_id=id_of[owner]))
            is_outside = not in_call_windows(settings.calls, settings.reception, r.requested_at)
            new_id = run_dml(
                session,
                insert(_c).values(
                    external_id=key,
                    kind=r.kind,
                    scenario=r.scenario,
                    buyer_id=buyer_id,
                    product_id=product[0] if product else None,
                    owner_id=id_of[owner],
                    requested_at=r.requested_at,
                    appointment_at=r.appointment_at,
                    outcome=r.outcome,
                    outside_window=is_outside,
                    decided_at=None,
                    decided_by="",
                    note=r.note,
                    imported_at=now,
                ),
            ).inserted_primary_key
            assert new_id is not None
            added += 1
            outside += is_outside
            if r.outcome == Outcome.PENDING:
                appointments += 1
                when = (r.appointment_at or r.requested_at).strftime("%Y-%m-%d %H:%M UTC")
                who = truncate(safe_line(r.buyer.name or r.buyer.email), 60)
                notify(
                    session,
                    id_of[owner],
                    NoticeKind.APPOINTMENT,
                    f"{who} asks for a {r.kind} call at {when}; confirm or decline it in Calls (7)",
                    at=now,
                    ref_kind="call",
                    ref_id=int(new_id[0]),
                )
        report = CallImportReport(added, len(records) - added, appointments, outside, buyers_added)
        audit(
            session,
            ctx,
            "calls_import",
            "call",
            Path(path).name,
            after={
                "added": added,
                "already_imported": report.already_imported,
                "appointments": appointments,
                "outside_windows": outside,
                "buyers_added": buyers_added,
            },
        )
        return report


def _existing(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            session.execute(select(_c.c.external_id).where(_c.c.external_id.in_(keys[start : start + 500]))).scalars()
        )
    return found


def _buyer(session: Session, r: CallRecord, now: datetime) -> tuple[int, int | None, bool]:
    """(buyer id, owner id, whether added) of the record's buyer; blank fields of a known buyer are filled."""
    b = r.buyer
    row: Any = session.execute(
        select(_b.c.id, _b.c.owner_id, _b.c.name, _b.c.company, _b.c.country).where(_b.c.email == b.email)
    ).first()
    if row is not None:
        fills = {
            k: v
            for k, v in (("name", b.name), ("company", b.company), ("country", b.country))
            if v and not getattr(row, k)
        }
        if fills:
            session.execute(_b.update().where(_b.c.id == row.id).values(**fills))
        return int(row.id), row.owner_id, False
    new_id = run_dml(
        session,
        insert(_b).values(
            email=b.email,
            member_id=b.member_id,
            name=b.name,
            company=b.company,
            country=b.country,
            verified=bool(b.verified),
            tier=b.tier,
            first_seen_at=now,
            version=1,
            phone="",
            website="",
            address="",
            business_type="",
            employees="",
            is_customer=False,
            group_name="",
            type="",
            source="",
            stars=0,
            notes="",
        ),
    ).inserted_primary_key
    assert new_id is not None
    return int(new_id[0]), None, True
