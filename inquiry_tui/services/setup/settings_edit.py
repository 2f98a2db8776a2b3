"""Saving one edited settings section from the admin screens: compare-and-save, validated by domain.settings.

A screen edits a copy of a section; saving checks in the same transaction that nobody saved
that section since the screen read it (else StaleWrite: "changed by someone else,
reloaded"), validates every field through the same parsers as `settings set`, then stores
and audits it. Arrivals read the settings per batch, so a save takes effect for the next one.
"""

from __future__ import annotations

import json
from dataclasses import replace

from inquiry_tui.domain.errors import StaleWrite, ValidationError
from inquiry_tui.domain.settings import (
    AllocationSettings,
    CallSettings,
    ContactCard,
    ReceptionSettings,
    Settings,
    parse_faq,
    parse_holidays,
    parse_hours,
    parse_questions,
    parse_timezone,
    parse_windows,
)
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import _store, load_settings  # one transaction: compare, validate, store


def validate_reception(r: ReceptionSettings) -> ReceptionSettings:
    """Every reception field through its `settings set` parser (FAQ at most 5, windows start < end, ...)."""
    if r.mode not in ("off", "all_day", "custom"):
        raise ValidationError(f"reception.mode: {r.mode!r} is not allowed; allowed: off, all_day, custom")
    return replace(
        r,
        timezone=parse_timezone("reception.timezone", r.timezone),
        windows=parse_windows("reception.windows", json.dumps([str(w) for w in r.windows])),
        holidays=parse_holidays("reception.holidays", json.dumps([d.isoformat() for d in r.holidays])),
        faq=parse_faq("reception.faq", json.dumps([{"q": e.q, "a": e.a} for e in r.faq])),
        smart_questions=parse_questions("reception.smart_questions", json.dumps(list(r.smart_questions))),
    )


def validate_calls(c: CallSettings) -> CallSettings:
    return replace(c, windows=parse_windows("calls.windows", json.dumps([str(w) for w in c.windows])))


def validate_allocation(a: AllocationSettings) -> AllocationSettings:
    if a.mode not in ("product", "region"):
        raise ValidationError(f"allocation.mode: {a.mode!r} is not allowed; allowed: product, region")
    if len(set(a.rotation_members)) != len(a.rotation_members):
        raise ValidationError("allocation.rotation_members: a member is listed twice")
    hours = a.reassign_after_hours
    return replace(
        a, reassign_after_hours=parse_hours("allocation.reassign_after_hours", "" if hours is None else str(hours))
    )


def save_allocation(ctx: Ctx, expected: AllocationSettings, new: AllocationSettings) -> Settings:
    """Store NEW allocation settings if the stored ones are still EXPECTED (what the screen showed)."""
    ctx.require_admin("change settings")
    new = validate_allocation(new)
    with ctx.write() as session:
        current = load_settings(session)
        if current.allocation != expected:
            raise StaleWrite("The allocation settings")
        return _store(session, ctx, current, replace(current, allocation=new))


def save_rules(
    ctx: Ctx, expected: tuple[AllocationSettings, ContactCard], new: AllocationSettings, card: ContactCard
) -> Settings:
    """Admin › Rules: the allocation settings and the company contact's card, if both are still EXPECTED."""
    ctx.require_admin("change settings")
    new = validate_allocation(new)
    with ctx.write() as session:
        current = load_settings(session)
        if (current.allocation, current.contact) != expected:
            raise StaleWrite("The allocation settings")
        return _store(session, ctx, current, replace(current, allocation=new, contact=card))


def save_reception(
    ctx: Ctx, expected: tuple[ReceptionSettings, CallSettings], reception: ReceptionSettings, calls: CallSettings
) -> Settings:
    """Store NEW reception and call settings if the stored ones are still EXPECTED."""
    ctx.require_admin("change settings")
    reception, calls = validate_reception(reception), validate_calls(calls)
    with ctx.write() as session:
        current = load_settings(session)
        if (current.reception, current.calls) != expected:
            raise StaleWrite("The reception settings")
        return _store(session, ctx, current, replace(current, reception=reception, calls=calls))
