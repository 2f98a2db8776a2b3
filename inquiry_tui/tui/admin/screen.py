"""AdminScreen (`0`): the main account runs the team from here, one section per tab.

Sections: Rules (allocation settings + preview), Products and Countries (owners), Reception
(auto-reply and calls), Accounts, Record (allocation record), Team (dashboard), Blocks (block list), Audit.
Each section is built the first time its tab is shown, then loads its data in workers.
`[` and `]` move between sections; each section's own keys show in the footer when it has
focus. A salesperson who somehow reaches this screen sees a refusal and no admin data: the
sections are never composed, and every service they call checks the role again.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.admin import ADMIN_CSS
from inquiry_tui.tui.admin.accounts import AccountsPanel
from inquiry_tui.tui.admin.audit import AuditPanel
from inquiry_tui.tui.admin.blocklist import BlockListPanel
from inquiry_tui.tui.admin.owners import CountryOwnersPanel, ProductOwnersPanel
from inquiry_tui.tui.admin.panel import AdminPanel
from inquiry_tui.tui.admin.reception import ReceptionPanel
from inquiry_tui.tui.admin.record import AllocationRecordPanel
from inquiry_tui.tui.admin.rules import AllocationRulesPanel
from inquiry_tui.tui.admin.team import DashboardPanel
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.footer import KeysFooter

# (tab id, title, panel class): the order of the tabs and of `[` / `]`.
SECTIONS: tuple[tuple[str, str, type[AdminPanel]], ...] = (
    ("rules", "Rules", AllocationRulesPanel),
    ("products", "Products", ProductOwnersPanel),
    ("countries", "Countries", CountryOwnersPanel),
    ("reception", "Reception", ReceptionPanel),
    ("accounts", "Accounts", AccountsPanel),
    ("record", "Record", AllocationRecordPanel),
    ("team", "Team", DashboardPanel),
    ("blocks", "Blocks", BlockListPanel),
    ("audit", "Audit", AuditPanel),
)
REFUSAL = "Admin is for the main account only.\n\nPress 1 for your inbox or 2 for your customers."


class SectionTabs(TabbedContent):
    """The sections' tabs. A widget focused inside a pane brings its tab forward (TabbedContent's rule),
    but only while the focus is still there."""

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        # The pane's notice is a message, passed on from node to node: on a loaded machine `]` can move
        # the focus away and switch tabs before it arrives, and the tab would switch back to that pane.
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors:
            event.prevent_default()  # not TabbedContent's own handler
            event.stop()


class AdminScreen(Screen[None]):
    CSS_PATH = ADMIN_CSS
    BINDINGS = [
        Binding("right_square_bracket", "next_section(1)", "Next section", key_display="]", id="admin-next-section"),
        Binding(
            "left_square_bracket", "next_section(-1)", "Previous section", key_display="[", id="admin-previous-section"
        ),
        Binding("escape", "focus_section", "Leave field", show=False, id="admin-leave-field"),
    ]

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        if not self.ctx.actor.is_admin:
            with Middle(), Center():
                yield Static(Text(REFUSAL, justify="center"), id="admin-refused")
        else:
            with SectionTabs(id="admin-tabs"):
                for tab_id, title, _ in SECTIONS:
                    yield TabPane(title, id=f"tab-{tab_id}")  # its section is built when first shown
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in ("next_section", "focus_section") and not self.ctx.actor.is_admin)

    async def on_mount(self) -> None:
        if self.ctx.actor.is_admin:
            await self._activate("rules")

    @on(TabbedContent.TabActivated)
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        await self._activate((event.pane.id or "").removeprefix("tab-"))

    async def _activate(self, section: str) -> None:
        pane = self.query_one(f"#tab-{section}", TabPane)
        if not pane.children:
            # Built on first sight: Admin opens with one section's widgets, not nine.
            panel = next(panel for tab_id, _, panel in SECTIONS if tab_id == section)
            await pane.mount(panel(self.ctx, id=f"admin-{section}"))
        self.query_one(f"#admin-{section}", AdminPanel).activate()
        # The section's main widget takes the focus, so that its keys are live at once.
        self.call_after_refresh(self._focus_section, section)

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        for panel in self.query(AdminPanel):
            panel.zone_changed()

    def _focus_section(self, section: str) -> None:
        # Only if it is still the active section: focusing a widget in another tab makes
        # TabbedContent switch back to that tab (two quick `]` would then flip-flop forever).
        if self.query_one(TabbedContent).active == f"tab-{section}":
            self.query_one(f"#admin-{section}", AdminPanel).focus_main()

    def _panel(self) -> AdminPanel:
        active = self.query_one(TabbedContent).active
        return self.query_one(f"#admin-{active.removeprefix('tab-')}", AdminPanel)

    def action_next_section(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [f"tab-{tab_id}" for tab_id, _, _ in SECTIONS]
        current = ids.index(tabs.active) if tabs.active in ids else 0
        # Let go of the focus first: TabbedContent brings back the pane that holds the focus.
        self.set_focus(None)
        tabs.active = ids[(current + step) % len(ids)]

    def action_focus_section(self) -> None:
        """escape: out of a text field, back to the section's main widget (where [ and ] work)."""
        if self.ctx.actor.is_admin:
            self._panel().focus_main()
