"""Accounts: create the company, add salespeople, list, set away (with a return date) and a capacity limit,
deactivate with a successor."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from inquiry_tui.domain.availability import MAX_LIMIT, is_away, is_full
from inquiry_tui.domain.errors import InquiryError, PermissionDenied, ValidationError
from inquiry_tui.domain.vocabulary import ACCOUNT_ROLES, Folder, Role, Rule, allowed
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.services.setup.settings import load_settings
from inquiry_tui.services.team.active import require_active as require_active
from inquiry_tui.store.core import id_of
from inquiry_tui.store.models import (
    Account,
    AllocationRecord,
    Buyer,
    CountryOwner,
    Inquiry,
    Product,
    RotationState,
    Setting,
)
from inquiry_tui.store.queries.routing import moved_at_sql

LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


@dataclass(frozen=True)
class AccountInfo:
    id: int
    login: str
    name: str
    role: str
    active: bool
    away: bool  # away now (domain.availability.is_away: the state is set and the return date has not come)
    open_inquiries: int = 0
    away_until: date | None = None  # the first day back, if given
    limit: int | None = None  # open inquiries at most (capacity); None: no limit

    @property
    def full(self) -> bool:
        return is_full(self.open_inquiries, self.limit)

    @property
    def presence(self) -> str:
        """ "away", "away until 12-10", "full 20/20" or "" (pickers, the dashboard)."""
        if self.away:
            return f"away until {self.away_until:%m-%d}" if self.away_until else "away"
        return f"full {self.open_inquiries}/{self.limit}" if self.full and self.limit is not None else ""


@dataclass(frozen=True)
class DeactivationResult:
    login: str
    successor: str
    inquiries: int  # every unanswered one moved, in any folder
    buyers: int
    products: int
    countries: int
    open_inquiries: int = 0  # of those, the open ones (in the inbox: domain.due.is_open)


def _info(account: Account, open_count: int = 0, today: date | None = None) -> AccountInfo:
    assert account.id is not None
    until = account.away_until
    away = is_away(account.away, until, today) if today is not None else account.away
    return AccountInfo(
        account.id,
        account.login,
        account.name,
        account.role,
        account.active,
        away,
        open_count,
        until if away else None,
        account.capacity,
    )


def company_today(session: Session, now: datetime) -> date:
    """Today in the company's time zone (reception.timezone): away return dates are local days."""
    return now.astimezone(ZoneInfo(load_settings(session).reception.timezone)).date()


def validate_login(login: str) -> str:
    if not LOGIN_RE.match(login):
        raise ValidationError(
            f"login {login!r} is not valid; use lower-case letters, digits, '_', '.', '-' (max 32, like an OS login)"
        )
    return login


def account_name(value: str) -> str:
    """An account's name: one line of at most 200 characters, as every one-line name from outside
    (services.records.rules.line: the same rule as a customer's name in a form or a file)."""
    from inquiry_tui.services.records import rules  # off the TUI's start-up path (test_import_hygiene)

    try:
        name = rules.line(value)
    except rules.RuleError as exc:
        raise ValidationError(f"--name: {exc.message}") from None
    if not name:
        raise ValidationError("--name must not be empty")
    return name


def init_company(ctx: Ctx, admin_login: str, name: str) -> AccountInfo:
    """Create the main account (role admin) of an empty store, with default settings."""
    validate_login(admin_login)
    name = account_name(name)
    with ctx.write() as session:
        if session.exec(select(func.count()).select_from(Account)).one():
            raise InquiryError("this store is already initialised; see `inquiry-tui account list`")
        admin = Account(login=admin_login, name=name, role=Role.ADMIN.value, created_at=ctx.now())
        session.add(admin)
        session.add(RotationState(id=1))
        for key in ("allocation", "reception", "calls"):
            if session.get(Setting, key) is None:
                session.add(Setting(key=key, value="{}"))
        session.flush()
        audit(
            session,
            ctx,
            "init",
            "account",
            admin_login,
            after={"login": admin_login, "name": name, "role": Role.ADMIN.value},
        )
        return _info(admin)


def add_account(ctx: Ctx, login: str, name: str, role: str = Role.SALES) -> AccountInfo:
    ctx.require_admin("add accounts")
    validate_login(login)
    if role not in ACCOUNT_ROLES:
        raise ValidationError(f"role {role!r} is not allowed; allowed: {allowed(ACCOUNT_ROLES)}")
    role = Role(role).value
    name = account_name(name)
    with ctx.write() as session:
        if session.exec(select(Account).where(Account.login == login)).one_or_none():
            raise ValidationError(f"account {login!r} already exists")
        if role == Role.ADMIN and session.exec(select(Account).where(Account.role == Role.ADMIN)).first():
            raise ValidationError("there is exactly one main account (admin); add salespeople with --role sales")
        account = Account(login=login, name=name, role=role, created_at=ctx.now())
        session.add(account)
        session.flush()
        audit(session, ctx, "account_add", "account", login, after={"login": login, "name": name, "role": role})
        return _info(account)


def list_accounts(ctx: Ctx) -> list[AccountInfo]:
    """Every account with its open (inbox, unanswered) inquiry count; salespeople see names only."""
    with ctx.read() as session:
        counts = dict(
            session.exec(
                select(Inquiry.owner_id, func.count())
                .where(Inquiry.folder == Folder.INBOX, col(Inquiry.first_response_at).is_(None))
                .group_by(col(Inquiry.owner_id))
            ).all()
        )
        accounts = session.exec(select(Account).order_by(Account.role, Account.login)).all()
        today = company_today(session, ctx.now())
        show_counts = ctx.actor.is_admin
        # Capacity needs the counts: a salesperson sees "full" on a picker, not the numbers.
        return [
            _info(a, counts.get(id_of(a), 0) if show_counts or a.capacity is not None else 0, today) for a in accounts
        ]


def set_away(ctx: Ctx, login: str, away: bool, until: date | None = None) -> AccountInfo:
    """Mark LOGIN away (optionally until UNTIL, the first day back) or back.

    Away, it gets nothing new (domain.availability). Back, the open inquiries of its buyers that
    the rules gave to others while it was away come back to it (sticky on; recorded).
    """
    if not ctx.actor.is_admin and ctx.actor.login != login:
        raise PermissionDenied("a salesperson can set only their own away status")
    with ctx.write() as session:
        account = account_by_login(session, login, active_only=True)
        now = ctx.now()
        today = company_today(session, now)
        if away and until is not None and until <= today:
            raise ValidationError(f"the return date {until.isoformat()} is not after today ({today.isoformat()})")
        before = {"away": account.away, "away_until": account.away_until, "away_since": account.away_since}
        was_away = account.away
        account.away = away
        account.away_until = until if away else None
        if away and not was_away:
            account.away_since = now
        elif not away:
            account.away_since = None
        session.add(account)
        audit(
            session,
            ctx,
            "account_away",
            "account",
            login,
            before=before,
            after={"away": away, "away_until": account.away_until},
        )
        session.flush()
        if not away and was_away and load_settings(session).allocation.sticky:
            from inquiry_tui.services.allocation.supervision import return_backlog  # allocation builds on team

            logins = dict(session.exec(select(Account.id, Account.login)).all())
            return_backlog(
                session.connection(),
                account_id=id_of(account),
                login=login,
                logins={k: v for k, v in logins.items() if k is not None},
                now=now,
                actor=ctx.actor.login,
            )
        return _info(account, 0, today)


def set_limit(ctx: Ctx, login: str, limit: int | None) -> AccountInfo:
    """LOGIN takes at most LIMIT open inquiries (None: no limit); at the limit, arrivals go on by the next rule."""
    ctx.require_admin("set capacity limits")
    if limit is not None and not 0 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit {limit} is outside 0-{MAX_LIMIT:,}; or --off")
    with ctx.write() as session:
        account = account_by_login(session, login, active_only=True)
        before = account.capacity
        account.capacity = limit
        session.add(account)
        audit(session, ctx, "account_limit", "account", login, before={"limit": before}, after={"limit": limit})
        return _info(account, 0, company_today(session, ctx.now()))


def deactivate(ctx: Ctx, login: str, successor_login: str) -> DeactivationResult:
    """Deactivate LOGIN; its successor takes over open inquiries, buyers, products and countries."""
    ctx.require_admin("deactivate accounts")
    if login == successor_login:
        raise ValidationError("the successor must be another account")
    with ctx.write() as session:
        account = account_by_login(session, login)
        successor = account_by_login(session, successor_login, active_only=True)
        if account.role == Role.ADMIN:
            raise ValidationError("the main account cannot be deactivated")
        if not account.active:
            raise ValidationError(f"account {login!r} is already deactivated")
        return _move_everything(session, ctx, account, successor)


def _move_everything(session: Session, ctx: Ctx, account: Account, successor: Account) -> DeactivationResult:
    now = ctx.now()
    # Open = not answered yet, in any folder: a restore from Deleted must never land with an inactive account.
    unanswered = session.exec(
        select(Inquiry.id, Inquiry.folder).where(
            Inquiry.owner_id == account.id, col(Inquiry.first_response_at).is_(None)
        )
    ).all()
    open_ids = [i for i, _folder in unanswered]
    in_inbox = sum(1 for _i, folder in unanswered if folder == Folder.INBOX)
    if open_ids:
        session.execute(
            update(Inquiry)
            .where(col(Inquiry.id).in_(open_ids))
            .values(
                owner_id=successor.id,
                owned_at=moved_at_sql(now),  # the successor's reply-rate clock starts at the hand-over
                rule=Rule.SUCCESSOR.value,
                version=Inquiry.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        session.add_all(
            AllocationRecord(
                at=now,
                inquiry_id=i,  # type: ignore[arg-type]  # SQLModel types a selected id as int | None; ids are never null
                from_id=account.id,
                to_id=id_of(successor),
                rule=Rule.SUCCESSOR.value,
                actor=ctx.actor.login,
                reason=f"{account.login} deactivated; successor {successor.login}",
            )
            for i in open_ids
        )
    buyers = session.exec(
        update(Buyer).where(col(Buyer.owner_id) == account.id).values(owner_id=successor.id, version=Buyer.version + 1)
    ).rowcount
    products = session.exec(
        update(Product).where(col(Product.owner_id) == account.id).values(owner_id=successor.id)
    ).rowcount
    countries = session.exec(
        update(CountryOwner).where(col(CountryOwner.account_id) == account.id).values(account_id=successor.id)
    ).rowcount
    _drop_from_settings(session, ctx, account.login, successor.login)
    account.active = False
    account.successor_id = successor.id
    result = DeactivationResult(account.login, successor.login, len(open_ids), buyers, products, countries, in_inbox)
    audit(
        session,
        ctx,
        "account_deactivate",
        "account",
        account.login,
        before={"active": True},
        after={"active": False, "successor": successor.login, "moved": result.__dict__},
    )
    return result


def _drop_from_settings(session: Session, ctx: Ctx, login: str, successor: str) -> None:
    """The successor becomes company contact in LOGIN's place; LOGIN leaves the rotation (audited).

    Otherwise the settings would name an inactive account and every later `settings set` would be
    refused until the admin cleaned them up by hand.
    """
    row = session.get(Setting, "allocation")
    if row is None:
        return
    before = json.loads(row.value or "{}")
    after = dict(before)
    if after.get("company_contact") == login:
        after["company_contact"] = successor
    if login in after.get("rotation_members", []):
        after["rotation_members"] = [m for m in after["rotation_members"] if m != login]
    if after != before:
        row.value = json.dumps(after, sort_keys=True)
        session.add(row)
        audit(session, ctx, "settings_change", "settings", "allocation", before=before, after=after)
