"""InquiryApp: the three modes (Inbox `1`, Customers `2`, Admin `0`) over one service context.

No traceback ever reaches the user. Service calls run in thread workers; a worker's error
becomes a notification (a user-facing InquiryError as a warning, a store error or a bug as an
error, the bug's traceback written to a log file). An unexpected error in the UI code itself
ends the app cleanly with one line naming that log file, because Textual stops the message
loop of the widget that raised and carrying on would leave a half-dead screen.
"""

from __future__ import annotations

import gc
import traceback
from pathlib import Path

from platformdirs import user_log_dir
from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import WorkerFailed

from inquiry_tui.config import APP_NAME
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import STORE_ERRORS, Ctx, describe_store_error
from inquiry_tui.tui.commands import GlobalCommands
from inquiry_tui.tui.inbox.screen import InboxScreen


def error_log_path() -> Path:
    return Path(user_log_dir(APP_NAME, appauthor=False)) / "errors.log"


class InquiryApp(App[None]):
    """The seller back office. Receives its service context; never opens a session itself."""

    CSS_PATH = Path(__file__).parent / "app.tcss"  # absolute: subclasses live elsewhere
    TITLE = "inquiry-tui"
    COMMANDS = App.COMMANDS | {GlobalCommands}
    BINDINGS = [
        Binding("1", "switch_mode('inbox')", "Inbox", id="mode-inbox"),
        Binding("2", "switch_mode('customers')", "Customers", id="mode-customers"),
        Binding("0", "open_admin", "Admin", id="mode-admin"),
        Binding("question_mark", "show_keys", "Keys", id="keys-help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx
        self.sub_title = f"{ctx.actor.name} ({ctx.actor.role})"
        self.unexpected_errors: list[BaseException] = []

    def on_mount(self) -> None:
        self.add_mode("inbox", lambda: InboxScreen(self.ctx))
        self.add_mode("customers", self._customers_screen)
        self.add_mode("admin", self._admin_screen)
        self.switch_mode("inbox")
        # The start-up objects (modules, styles, widgets) live as long as the app. Frozen, they
        # are left out of the full collections, which otherwise stall a frame by ~90 ms now
        # and then while the user scrolls.
        self.call_after_refresh(gc.freeze)

    # The other modes are imported when first opened: the inbox comes up faster.
    def _customers_screen(self) -> Screen[None]:
        from inquiry_tui.tui.customers.screen import CustomersScreen

        return CustomersScreen(self.ctx)

    def _admin_screen(self) -> Screen[None]:
        from inquiry_tui.tui.admin.screen import AdminScreen

        return AdminScreen(self.ctx)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Admin is not offered to salespeople (the key still explains why).
        return action != "open_admin" or self.ctx.actor.is_admin

    def action_open_admin(self) -> None:
        if not self.ctx.actor.is_admin:
            self.notify("Only the admin (main account) can open Admin.", severity="warning")
            return
        self.switch_mode("admin")

    def action_show_keys(self) -> None:
        from inquiry_tui.tui.common.keys_help import KeysHelpScreen

        if isinstance(self.screen, KeysHelpScreen):
            self.pop_screen()
            return
        self.push_screen(KeysHelpScreen(self, self.screen))

    # --- errors -------------------------------------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """Show an error as a notification (safe to call from any thread)."""
        if isinstance(error, InquiryError):
            self.notify(str(error), severity="warning", markup=False)
            return
        if isinstance(error, STORE_ERRORS):
            self._log_error(error)
            message = describe_store_error(error)
            self.notify(message[0].upper() + message[1:], severity="error", markup=False, timeout=8)
            return
        self.unexpected_errors.append(error)
        where = self._log_error(error)
        self.notify(
            f"Unexpected error: {type(error).__name__}: {error}. Details in {where}",
            title="Something went wrong",
            severity="error",
            markup=False,
            timeout=10,
        )

    def _log_error(self, error: BaseException) -> str:
        path = error_log_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write("".join(traceback.format_exception(error)) + "\n")
            return str(path)
        except OSError:
            return "(the log could not be written)"

    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, WorkerFailed):
            self.report_error(error.error)
            return
        if isinstance(error, InquiryError):
            self.report_error(error)
            return
        where = self._log_error(error)
        if self._exit:
            return  # quitting already: a straggler (a worker's late result) is only logged
        self.unexpected_errors.append(error)
        # Keep Textual's test hook (run_test re-raises), but never print the traceback.
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self.exit(
            return_code=1,
            message=Text(
                f"inquiry-tui stopped after an unexpected error ({type(error).__name__}: {error}); details in {where}"
            ),
        )


def run_tui(ctx: Ctx) -> None:
    InquiryApp(ctx).run()
