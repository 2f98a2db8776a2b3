"""Read and change the company settings (validated, versioned, audited)."""

from __future__ import annotations

import json
from dataclasses import replace

from sqlmodel import Session, select

from inquiry_tui.domain.errors import ValidationError
from inquiry_tui.domain.settings import Settings, apply_setting, settings_from_dict, settings_to_dict
from inquiry_tui.services.audit import audit
from inquiry_tui.services.context import Ctx
from inquiry_tui.store.models import Account, Setting

SECTIONS = ("allocation", "reception", "calls", "deals", "rfq", "files", "mail", "contact")


def load_settings(session: Session) -> Settings:
    rows = {row.key: json.loads(row.value or "{}") for row in session.exec(select(Setting)).all()}
    return settings_from_dict({key: rows.get(key, {}) for key in SECTIONS})


def get_settings(ctx: Ctx) -> Settings:
    with ctx.read() as session:
        return load_settings(session)


def _check_logins(session: Session, settings: Settings) -> None:
    a = settings.allocation
    active = dict(session.exec(select(Account.login, Account.role).where(Account.active)).all())
    if a.company_contact is not None and a.company_contact not in active:
        raise ValidationError(f"allocation.company_contact: {a.company_contact!r} is not an active account")
    for member in a.rotation_members:
        if member not in active:
            raise ValidationError(f"allocation.rotation_members: {member!r} is not an active account")


def save_settings(ctx: Ctx, new: Settings) -> Settings:
    """Replace the settings as a whole (the admin screens edit a copy, then save)."""
    ctx.require_admin("change settings")
    with ctx.write() as session:
        return _store(session, ctx, load_settings(session), new)


def set_setting(ctx: Ctx, key: str, value: str) -> Settings:
    """`settings set KEY VALUE`: parse, validate logins, store and audit in one transaction."""
    ctx.require_admin("change settings")
    with ctx.write() as session:
        old = load_settings(session)
        return _store(session, ctx, old, apply_setting(old, key, value))


def _store(session: Session, ctx: Ctx, old: Settings, new: Settings) -> Settings:
    _check_logins(session, new)
    if new.mail.from_address != old.mail.from_address and new.mail.from_address:
        # The sender's address by the rule every e-mail address from outside passes (rules.email),
        # as contact.email below: the shape (`Name <address>`) was checked by the domain.
        from email.utils import parseaddr

        from inquiry_tui.services.records import rules

        try:
            rules.email(parseaddr(new.mail.from_address)[1])
        except rules.RuleError as exc:
            raise ValidationError(f"mail.from: {exc.message}") from None
    if new.contact != old.contact:
        from inquiry_tui.services.records.notes import contact_card  # pydantic only when the card changes

        new = replace(new, contact=contact_card(new.contact))
    old_d, new_d = settings_to_dict(old), settings_to_dict(new)
    for section in SECTIONS:
        if old_d[section] == new_d[section]:
            continue
        row = session.get(Setting, section) or Setting(key=section)
        row.value = json.dumps(new_d[section], sort_keys=True)
        session.add(row)
        audit(session, ctx, "settings_change", "settings", section, before=old_d[section], after=new_d[section])
    return new
