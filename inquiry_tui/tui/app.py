"""InquiryApp: the three modes (Inbox `1`, Customers `2`, Admin `0`) over one service context."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from inquiry_tui.services.context import Ctx
from inquiry_tui.tui.screens.admin import AdminScreen
from inquiry_tui.tui.screens.customers import CustomersScreen
from inquiry_tui.tui.screens.inbox import InboxScreen


class InquiryApp(App[None]):
    """The seller back office. Receives its service context; never opens a session itself."""

    CSS_PATH = "app.tcss"
    TITLE = "inquiry-tui"
    BINDINGS = [
        Binding("1", "switch_mode('inbox')", "Inbox", id="mode-inbox"),
        Binding("2", "switch_mode('customers')", "Customers", id="mode-customers"),
        Binding("0", "open_admin", "Admin", id="mode-admin"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.sub_title = f"{ctx.actor.name} ({ctx.actor.role})"

    def on_mount(self) -> None:
        self.add_mode("inbox", lambda: InboxScreen(self.ctx))
        self.add_mode("customers", lambda: CustomersScreen(self.ctx))
        self.add_mode("admin", lambda: AdminScreen(self.ctx))
        self.switch_mode("inbox")

    def action_open_admin(self) -> None:
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) can open Admin.", severity="warning")
            return
        self.switch_mode("admin")


def run_tui(ctx: Ctx) -> None:
    InquiryApp(ctx).run()
