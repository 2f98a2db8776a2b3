"""Worker failures shown as notifications, through Textual's public worker API; bugs logged, never a traceback.

Every screen or widget that runs service workers mixes in `WorkerErrors` and starts them with
`exit_on_error=False`: a failed worker then changes state to ERROR (`Worker.StateChanged`, which
does not bubble), and the mixin sends its error up as `WorkFailed` to the app, which shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual import on
from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, WorkerState

from inquiry_tui.config import error_log_path as error_log_path  # re-exported: the TUI's error log
from inquiry_tui.config import log_error
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import describe_store_error, store_errors


@dataclass
class WorkFailed(Message):
    """A worker of the sending node raised ERROR; it bubbles up to the app."""

    error: BaseException


class WorkerErrors(DOMNode):
    """Mixed into every node that runs workers (`exit_on_error=False`): their errors go up as `WorkFailed`.

    Listed after the widget class (`class X(Screen[None], WorkerErrors)`): Textual takes a
    node's CSS type names and inherited keys from its first base.
    """

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            self.post_message(WorkFailed(error))


Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class ErrorNotice:
    """How an error is told to the user: one literal line (never markup), a severity, and whether it is a bug."""

    message: str
    severity: Severity
    bug: bool = False
    title: str = ""
    timeout: float = 5


def notice_for(error: BaseException) -> ErrorNotice:
    """A refusal (InquiryError) is a warning; a store problem or a bug an error (the bug's traceback logged)."""
    if isinstance(error, InquiryError):
        return ErrorNotice(safe_line(str(error)), "warning")
    if isinstance(error, store_errors()):
        log_error(error)
        message = describe_store_error(error)
        return ErrorNotice(safe_line(message[0].upper() + message[1:]), "error", timeout=8)
    where = log_error(error)
    return ErrorNotice(
        safe_line(f"Unexpected error: {type(error).__name__}: {error}. Details in {where}"),
        "error",
        bug=True,
        title="Something went wrong",
        timeout=10,
    )
