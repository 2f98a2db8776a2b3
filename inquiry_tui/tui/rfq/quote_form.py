"""QuoteFormScreen (`enter` on an open RFQ): price, currency, MOQ, lead time, incoterm and a message.

The company's monthly quota is shown before sending (loaded in a worker); a field that is wrong
shows its error beneath it and nothing is sent. Editing our quote (its one edit) starts from
its terms and says that an edit does not count against the quota. Dismisses with the
QuoteResult, or None when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.rfq.market import Quota
from inquiry_tui.domain.rfq.quotes import money
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.domain.vocabulary import Incoterm
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.records.errors import RecordError
from inquiry_tui.services.rfq.quotes import QuoteResult, QuoteRow, edit_quote, quota, send_quote
from inquiry_tui.services.rfq.rows import RfqRow
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.rfq import RFQ_CSS
from inquiry_tui.tui.rfq.columns import quantity

# (field, label, placeholder); incoterm and message have widgets of their own
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("price", "Price", "per unit, e.g. 6.45"),
    ("currency", "Currency", "ISO 4217, e.g. USD"),
    ("moq", "MOQ", "minimum order quantity"),
    ("lead_days", "Lead days", "days to ship"),
)
ERROR_FIELDS = (*(f for f, _, _ in FIELDS), "incoterm", "message")


class QuoteFormScreen(DiscardGuard, Dialog[QuoteResult | None], WorkerErrors):
    """A new quote on ROW, or the one edit of QUOTE."""

    CSS_PATH = RFQ_CSS
    BINDINGS = [
        Binding("ctrl+s", "send_quote", "Send", id="quote-send"),
        Binding("escape", "close_form", "Cancel", id="quote-cancel"),
    ]

    @dataclass
    class QuotaLoaded(Message):
        quota: Quota

    @dataclass
    class Sent(Message):
        result: QuoteResult

    @dataclass
    class Refused(Message):
        errors: dict[str, str]
        message: str = ""

    def __init__(self, ctx: Ctx, row: RfqRow, quote: QuoteRow | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.row = row
        self.quote = quote

    def compose(self) -> ComposeResult:
        title = Text("Change your quote on " if self.quote else "Quote RFQ ", style="bold")
        title.append(f"{self.row.id}: ")
        title.append(truncate(safe_line(self.row.title), 60))
        with VerticalScroll(id="quote-box"):
            yield Static(title, id="quote-title")
            ask = f"{quantity(self.row)} to {self.row.destination or '-'}, {self.row.time_left} left"
            if self.row.target_price:
                ask += f", target {safe_line(self.row.target_price)} {self.row.currency or ''}"
            yield Static(Text(ask, style="dim"), id="quote-ask")
            yield Static("", id="quote-quota")
            for name, label, placeholder in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-body"):
                        yield Input(
                            placeholder=placeholder, id=f"q-{name}", compact=True, max_length=40, select_on_focus=False
                        )
                        yield Static("", id=f"qe-{name}", classes="field-error")
            with Horizontal(classes="field"):
                yield Label("Incoterm", classes="field-label")
                with Vertical(classes="field-body"):
                    yield Select([(str(i), str(i)) for i in Incoterm], id="q-incoterm", prompt="none", compact=True)
                    yield Static("", id="qe-incoterm", classes="field-error")
            with Horizontal(classes="field"):
                yield Label("Message", classes="field-label")
                with Vertical(classes="field-body"):
                    yield TextArea(id="q-message")
                    yield Static("", id="qe-message", classes="field-error")
            yield Static("", id="quote-error")
            with Horizontal(id="quote-buttons"):
                yield Button("Cancel", id="quote-cancel-button")
                yield Button("Send  ctrl+s", id="quote-send-button", variant="primary")
            yield KeyLine("ctrl+s send · tab next field · escape cancel (asks if changed)")

    def on_mount(self) -> None:
        q = self.quote
        values = {
            "price": money(q.price) if q else "",  # the buyer's target is shown above, never taken for ours
            "currency": q.currency if q else self.row.currency or "USD",
            "moq": str(q.moq) if q else "",
            "lead_days": str(q.lead_days) if q else "",
        }
        for name, value in values.items():
            self.query_one(f"#q-{name}", Input).value = safe_line(value)
        if q is not None:
            if q.incoterm:
                self.query_one("#q-incoterm", Select).value = q.incoterm
            self.query_one("#q-message", TextArea).text = q.message
        self.query_one("#q-price", Input).focus()
        self.mark_unchanged()  # the quote as it was (or the defaults) is not a change
        self._load_quota()

    @work(thread=True, exclusive=True, group="quote-quota", exit_on_error=False)
    def _load_quota(self) -> None:
        self.post_message(self.QuotaLoaded(quota(self.ctx)))

    @on(QuotaLoaded)
    def _show_quota(self, event: QuotaLoaded) -> None:
        q = event.quota
        text = Text()
        if self.quote is not None:
            text.append("Your one edit of this quote; edits do not count against the quota ", style="italic")
            text.append(f"({q.used} of {q.limit} used in {q.month}).", style="dim")
        else:
            text.append("Quota: ", style="bold")
            text.append(f"{q.used} of {q.limit} used in {q.month}; ")
            if q.left:
                text.append(f"{q.left} left", style="bold green")
                text.append(f" ({q.left - 1} after this quote)", style="dim")
            else:
                text.append("none left", style="bold red")
                text.append(": a quote would be refused", style="dim")
        self.query_one("#quote-quota", Static).update(text)

    def _values(self) -> dict[str, str | None]:
        values: dict[str, str | None] = {name: self.query_one(f"#q-{name}", Input).value for name, _, _ in FIELDS}
        incoterm = self.query_one("#q-incoterm", Select).value
        values["incoterm"] = None if incoterm is Select.NULL else str(incoterm)
        values["message"] = self.query_one("#q-message", TextArea).text
        return values

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_send_quote()

    @on(Button.Pressed, "#quote-send-button")
    def _send_pressed(self) -> None:
        self.action_send_quote()

    @on(Button.Pressed, "#quote-cancel-button")
    def _cancel_pressed(self) -> None:
        self.close_form()

    def action_send_quote(self) -> None:
        self._send(self._values())

    @work(thread=True, exclusive=True, group="quote-send", exit_on_error=False)
    def _send(self, values: dict[str, str | None]) -> None:
        try:
            if self.quote is not None:
                result = edit_quote(self.ctx, self.row.id, values)
            else:
                result = send_quote(self.ctx, self.row.id, values)
        except RecordError as exc:
            self.post_message(self.Refused(exc.errors))
            return
        except InquiryError as exc:
            self.post_message(self.Refused({}, str(exc)))
            return
        self.post_message(self.Sent(result))

    @on(Sent)
    def _sent(self, event: Sent) -> None:
        self.dismiss(event.result)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        for name in ERROR_FIELDS:
            label = self.query_one(f"#qe-{name}", Static)
            message = event.errors.get(name, "")
            label.update(Text(safe_line(message)))  # messages quote what was typed: literal
            label.set_class(bool(message), "-shown")
        summary = event.message or ("Nothing was sent: fix the fields marked above." if event.errors else "")
        self.query_one("#quote-error", Static).update(Text(safe_line(summary)))
        first = next((n for n in ERROR_FIELDS if n in event.errors), None)
        if first is not None:
            self.query_one(f"#q-{first}").focus()
