"""The audit-log viewer's service: keyset pages newest first, filters, field diffs, admin only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inquiry_tui.domain.errors import PermissionDenied, StaleWrite, ValidationError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.setup.settings import get_settings, set_setting
from inquiry_tui.services.setup.settings_edit import save_allocation, save_reception
from inquiry_tui.services.team.accounts import set_away
from inquiry_tui.services.team.audit_log import AuditFilter, FieldChange, audit_choices, audit_page, diff_fields
from tests.conftest import ctx_as


def every_entry(ctx: Ctx, flt: AuditFilter | None = None, limit: int = 7) -> list[int]:
    flt = flt or AuditFilter()
    seen: list[int] = []
    before = None
    while True:
        page = audit_page(ctx, flt, before_id=before, limit=limit)
        seen.extend(e.id for e in page.entries)
        if page.next_before_id is None:
            return seen
        before = page.next_before_id


def test_pages_are_newest_first_without_gaps_or_repeats(admin_ctx: Ctx) -> None:
    for n in range(20):
        set_away(admin_ctx, "ana", n % 2 == 0)
    ids = every_entry(admin_ctx)
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids))
    first = audit_page(admin_ctx, limit=500)
    assert [e.id for e in first.entries] == ids and first.next_before_id is None


def test_filters_by_action_and_actor(admin_ctx: Ctx) -> None:
    set_away(admin_ctx, "ana", True)
    set_away(ctx_as(admin_ctx, "ben"), "ben", True)
    set_setting(admin_ctx, "allocation.mode", "region")
    away = audit_page(admin_ctx, AuditFilter(action="account_away")).entries
    assert [(e.actor, e.entity_id) for e in away] == [("ben", "ben"), ("boss", "ana")]
    assert [e.entity_id for e in audit_page(admin_ctx, AuditFilter(actor="ben")).entries] == ["ben"]
    actions, actors = audit_choices(admin_ctx)
    assert {"account_add", "account_away", "init", "settings_change"} <= set(actions)
    assert list(actions) == sorted(actions)
    assert actors[0] == "system" and {"boss", "ana", "ben"} <= set(actors)


def test_a_settings_save_shows_who_what_before_after_and_when(admin_ctx: Ctx) -> None:
    current = get_settings(admin_ctx).allocation
    save_allocation(admin_ctx, current, replace(current, mode="region", rotation=True, rotation_members=("ben", "ana")))
    entry = audit_page(admin_ctx, AuditFilter(action="settings_change")).entries[0]
    assert (entry.actor, entry.entity, entry.entity_id) == ("boss", "settings", "allocation")
    assert entry.at == admin_ctx.now()
    assert entry.changes() == (
        FieldChange("mode", "product", "region"),
        FieldChange("rotation", "false", "true"),
        FieldChange("rotation_members", "[]", '["ben", "ana"]'),
    )


def test_saving_from_a_stale_screen_is_refused(admin_ctx: Ctx) -> None:
    shown = get_settings(admin_ctx)
    set_setting(admin_ctx, "allocation.sticky", "false")  # someone else, meanwhile
    with pytest.raises(StaleWrite, match="changed by someone else"):
        save_allocation(admin_ctx, shown.allocation, replace(shown.allocation, mode="region"))
    set_setting(admin_ctx, "reception.welcome", "Hello")
    with pytest.raises(StaleWrite):
        save_reception(admin_ctx, (shown.reception, shown.calls), shown.reception, shown.calls)
    assert get_settings(admin_ctx).allocation.mode == "product"


def test_reception_saves_validate_like_settings_set(admin_ctx: Ctx) -> None:
    from inquiry_tui.domain.settings import FaqEntry

    s = get_settings(admin_ctx)
    six = tuple(FaqEntry(f"q{n}", f"a{n}") for n in range(6))
    with pytest.raises(ValidationError, match="at most 5"):
        save_reception(admin_ctx, (s.reception, s.calls), replace(s.reception, faq=six), s.calls)
    with pytest.raises(ValidationError, match="time zone"):
        save_reception(admin_ctx, (s.reception, s.calls), replace(s.reception, timezone="Mars/Olympus"), s.calls)
    with pytest.raises(ValidationError, match="not an active account"):
        save_allocation(admin_ctx, s.allocation, replace(s.allocation, rotation_members=("nobody",)))


def test_diff_fields() -> None:
    assert diff_fields('{"a": 1, "b": 2}', '{"a": 1, "b": 3, "c": 4}') == (
        FieldChange("b", "2", "3"),
        FieldChange("c", "—", "4"),
    )
    assert diff_fields("", '{"login": "dan"}') == (FieldChange("login", "—", "dan"),)
    assert diff_fields('"x"', '"y"') == (FieldChange("", "x", "y"),)
    assert diff_fields("", "") == ()


def test_only_the_admin_reads_the_log(admin_ctx: Ctx) -> None:
    with pytest.raises(PermissionDenied):
        audit_page(ctx_as(admin_ctx, "ana"))
    with pytest.raises(PermissionDenied):
        audit_choices(ctx_as(admin_ctx, "ana"))
    with pytest.raises(ValidationError):
        audit_page(admin_ctx, limit=0)
