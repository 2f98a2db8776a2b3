"""Admin on an 80x24 terminal: the sections whose layout folds (form above preview) and the dashboard."""

from __future__ import annotations

import pytest

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.team.accounts import deactivate
from inquiry_tui.tui.app import InquiryApp
from tests.tui.admin.test_admin_snapshots import shot_of

SMALL = (80, 24)


class TestAdminSmallTerminal:
    @pytest.mark.parametrize("section", ["rules", "reception", "team"])
    def test_section(self, snap_compare, store_ctx: Ctx, section: str) -> None:  # type: ignore[no-untyped-def]
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=shot_of(section))

    def test_a_deactivated_account_says_so(self, snap_compare, store_ctx: Ctx) -> None:  # type: ignore[no-untyped-def]
        """At 80 columns the login carries the word: gus deactivated, fay his successor."""
        deactivate(store_ctx, "gus", "fay")
        assert snap_compare(InquiryApp(store_ctx), terminal_size=SMALL, run_before=shot_of("team"))
