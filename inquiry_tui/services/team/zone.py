"""Whose clock: the time zone each person reads times in (their own, else the company's).

The TUI shows every time in the acting account's zone and names it in the header; the CLI
prints UTC (docs/keys.md, Times). A date made from "now" or put on a document (a new order's
number, the date of an LOI or order) is the acting account's day too (`clock_in`), on either. `account.timezone` is only how times are shown: reception
hours, routing and the reports' days keep the company's zone (`reception.timezone`).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, available_timezones

from inquiry_tui.domain.errors import PermissionDenied
from inquiry_tui.domain.settings import parse_timezone, settings_from_dict
from inquiry_tui.services.context import Ctx, account_by_login
from inquiry_tui.store.plain_sql import Reader
from inquiry_tui.store.queries import settings as q_settings

if TYPE_CHECKING:
    from sqlmodel import Session

# The TUI reads the zone before the inbox's first page: in plain SQL (store.queries.settings), so that opening the
# inbox loads neither the ORM models nor the settings service (docs/performance.md, "Start, session 8"), and on
# SQLite on a plain sqlite3 connection, without SQLAlchemy ("Start without SQLAlchemy, session 10").

COMPANY = "company"  # the word that gives an account back the company's zone


def shown_zone(ctx: Ctx) -> str:
    """The IANA zone the acting account reads times in: its own if set, else the company's."""
    with ctx.read_plain() as conn:
        return zone_name_in(conn, ctx.actor.id)


def zone_name_in(conn: Reader, account_id: int | None) -> str:
    """ACCOUNT's zone (its own, else the company's) read in an open transaction (a service's own)."""
    own = q_settings.account_zone(conn, account_id)
    return own or settings_from_dict({"reception": q_settings.section(conn, "reception")}).reception.timezone


def clock_in(session: Session, ctx: Ctx) -> tzinfo:
    """The acting account's clock, in an open transaction: the day a date made from "now" or put on a document
    is (a new order's number, an LOI's or order's date), as the TUI shows that person's days. UTC if unknown."""
    try:
        return ZoneInfo(zone_name_in(session, ctx.actor.id))
    except (ValueError, KeyError):
        return UTC


def on_clock(moment: datetime, zone: tzinfo) -> datetime:
    """MOMENT (UTC in the store) on ZONE's clock."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def account_zone(ctx: Ctx, login: str) -> tuple[str | None, str]:
    """(LOGIN's own zone or None, the company's zone)."""
    from inquiry_tui.services.setup.settings import load_settings

    with ctx.read() as session:
        return account_by_login(session, login).timezone, load_settings(session).reception.timezone


def set_zone(ctx: Ctx, login: str, zone: str) -> str:
    """LOGIN reads times in ZONE (an IANA name such as Europe/Berlin, or "company"); returns the zone now in force.

    A salesperson sets only their own; the admin sets anyone's. Recorded in the audit log.
    """
    from inquiry_tui.services.audit import audit
    from inquiry_tui.services.setup.settings import load_settings

    if not ctx.actor.is_admin and ctx.actor.login != login:
        raise PermissionDenied("a salesperson can set only their own time zone")
    wanted = zone.strip()
    # Any case: "europe/berlin" is Europe/Berlin (the names differ by more than case nowhere).
    wanted = next((name for name in available_timezones() if name.lower() == wanted.lower()), wanted)
    value = None if wanted.lower() in ("", COMPANY) else parse_timezone("zone", wanted)
    with ctx.write() as session:
        account = account_by_login(session, login, active_only=True)
        before = account.timezone
        account.timezone = value
        session.add(account)
        audit(session, ctx, "account_zone", "account", login, before={"timezone": before}, after={"timezone": value})
        return value or load_settings(session).reception.timezone
