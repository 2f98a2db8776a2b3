""" "Open" means one thing everywhere: the accounts table, the deactivate dialog's count and the CLI's line agree."""

from __future__ import annotations

from inquiry_tui.services.allocation.ownership import holdings
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import deactivate, list_accounts


def test_the_deactivate_count_is_the_tables_open_and_names_the_rest(sample_ctx: Ctx) -> None:
    table = {a.login: a for a in list_accounts(sample_ctx) if a.active and a.role == "sales"}
    held = {login: holdings(sample_ctx, login) for login in table}
    assert all(held[login].open_inquiries == info.open_inquiries for login, info in table.items())
    login = max(held, key=lambda name: held[name].unanswered_elsewhere)
    assert held[login].unanswered_elsewhere > 0  # the sample has unanswered junk: the case that disagreed
    successor = next(name for name in table if name != login)
    result = deactivate(sample_ctx, login, successor)
    assert result.open_inquiries == table[login].open_inquiries
    assert result.inquiries == held[login].open_inquiries + held[login].unanswered_elsewhere
