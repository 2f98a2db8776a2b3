"""DealForm: the sections of a deal document as fields (subject, lines, shipping, payment, contacts, terms).

Used by the LOI editor and the template editor. The form only collects text: `data()` gives the
document's JSON shape, which the services check (records.deals) and which names any bad field
(`lines[2].unit_price`); `show_errors` puts that message under the form. The total is
recomputed from the lines as they are typed, with Decimal, never typed in.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static, TextArea

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import DealDoc, Line
from inquiry_tui.domain.errors import ValidationError

MAX_LINES = 50
LINE_FIELDS = (
    ("sku", "SKU", "line-sku"),
    ("description", "Description", "line-desc"),
    ("quantity", "Qty", "line-qty"),
    ("unit", "Unit", "line-unit"),
    ("unit_price", "Unit price", "line-price"),
)


class LineRow(Horizontal):
    """One product line: SKU, description, quantity, unit, unit price."""

    def __init__(self, line: Line | None, code: str) -> None:
        super().__init__(classes="line-row")
        self.line = line
        self.code = code

    def compose(self) -> ComposeResult:
        line = self.line
        values = {
            "sku": line.sku if line else "",
            "description": line.description if line else "",
            "quantity": money.text(line.quantity) if line else "",
            "unit": line.unit if line else "pcs",
            "unit_price": (money.text(line.unit_price, self.code) if line.unit_price else "") if line else "",
        }
        for name, title, css in LINE_FIELDS:
            yield Input(values[name], placeholder=title, classes=f"line-field {css}", compact=True, name=name)

    def values(self) -> dict[str, str]:
        return {str(field.name): field.value.strip() for field in self.query(Input)}


class DealForm(VerticalScroll, can_focus=False):
    """The document's fields; TEMPLATE leaves prices optional (0: to be filled in on the LOI)."""

    BINDINGS = [
        Binding("ctrl+n", "add_line", "Add line", id="deal-add-line"),
        Binding(
            "ctrl+r",
            "remove_line",
            "Remove line",
            id="deal-remove-line",
            tooltip="remove the product line with the cursor",
        ),
    ]

    def __init__(self, *, template: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.template = template
        self._loaded: DealDoc | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label("Subject", classes="form-label")
            yield Input(id="f-subject", compact=True, placeholder="what the deal is about")
        with Horizontal(classes="form-row"):
            yield Label("Currency", classes="form-label")
            yield Input(id="f-currency", compact=True, placeholder="USD", max_length=3)
            yield Static("", id="f-total")
        yield Static(
            Text("Lines: SKU, description, qty, unit, unit price (ctrl+n add, ctrl+r remove)"),
            classes="form-hint",
        )
        yield Vertical(id="f-lines")
        with Horizontal(classes="form-row"):
            yield Label("Shipping", classes="form-label")
            yield Input(id="f-incoterm", compact=True, placeholder="incoterm", classes="short")
            yield Input(id="f-port", compact=True, placeholder="loading port")
            yield Input(id="f-destination", compact=True, placeholder="destination")
            # A filled-in date or number says nothing by itself (the placeholder is gone): these two carry a label.
            yield Label("ship by", classes="inline-label")
            yield Input(id="f-ship-by", compact=True, placeholder="YYYY-MM-DD", classes="short")
        with Horizontal(classes="form-row"):
            yield Label("Payment", classes="form-label")
            yield Input(id="f-method", compact=True, placeholder="method (T/T, L/C)")
            yield Label("deposit %", classes="inline-label")
            yield Input(id="f-deposit", compact=True, placeholder="0-100", classes="short")
        with Horizontal(classes="form-row"):
            yield Label("Contacts", classes="form-label")
            yield Input(id="f-seller", compact=True, placeholder="seller contact")
            yield Input(id="f-buyer", compact=True, placeholder="buyer contact")
        yield Label("Terms", classes="form-label")
        yield TextArea(id="f-terms", soft_wrap=True, show_line_numbers=False)
        yield Static("", id="f-error")

    def on_mount(self) -> None:
        if self._loaded is not None:
            self._fill(self._loaded)

    def load(self, doc: DealDoc) -> AwaitComplete:
        """Show DOC in the fields (before or after mounting); await it for its product lines to be in place
        (they are mounted anew: a field of theirs focused before that is gone a moment later)."""
        self._loaded = doc
        if self.is_mounted:
            return self._fill(doc)
        nothing: AwaitComplete = AwaitComplete.nothing()  # type: ignore[no-untyped-call]  # Textual's, unannotated
        return nothing

    def _fill(self, doc: DealDoc) -> AwaitComplete:
        def put(selector: str, value: str) -> None:
            self.query_one(selector, Input).value = value

        put("#f-subject", doc.subject)
        put("#f-currency", doc.currency)
        put("#f-incoterm", doc.shipping.incoterm)
        put("#f-port", doc.shipping.port)
        put("#f-destination", doc.shipping.destination)
        put("#f-ship-by", doc.shipping.ship_by.isoformat() if doc.shipping.ship_by else "")
        put("#f-method", doc.payment.method)
        put("#f-deposit", money.text(doc.payment.deposit_percent) if doc.payment.deposit_percent is not None else "")
        put("#f-seller", doc.contacts.seller)
        put("#f-buyer", doc.contacts.buyer)
        self.query_one("#f-terms", TextArea).text = doc.terms
        box = self.query_one("#f-lines", Vertical)
        removed = box.remove_children()
        mounted = box.mount_all([LineRow(line, doc.currency) for line in doc.lines] or [LineRow(None, doc.currency)])
        self.call_after_refresh(self._show_total)
        return AwaitComplete(removed, mounted)

    def data(self) -> dict[str, Any]:
        """The fields as a document (docs/cli.md, Deals); blank lines are left out."""

        def val(selector: str) -> str:
            return self.query_one(selector, Input).value.strip()

        lines = [row.values() for row in self.query(LineRow)]
        return {
            "subject": val("#f-subject"),
            "currency": val("#f-currency") or "USD",
            "lines": [v for v in lines if any(v[k] for k in ("sku", "description", "quantity", "unit_price"))],
            "shipping": {
                "incoterm": val("#f-incoterm"),
                "port": val("#f-port"),
                "destination": val("#f-destination"),
                "ship_by": val("#f-ship-by"),
            },
            "payment": {"method": val("#f-method"), "deposit_percent": val("#f-deposit")},
            "contacts": {"seller": val("#f-seller"), "buyer": val("#f-buyer")},
            "terms": self.query_one("#f-terms", TextArea).text,
        }

    def show_error(self, message: str | None) -> None:
        """A refusal from the services (one line naming the field), or None to clear it."""
        error = self.query_one("#f-error", Static)
        error.update(Text(message or "", style="bold red"))
        error.set_class(bool(message), "-shown")

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show_total()

    def _show_total(self) -> None:
        data = self.data()
        total = Text()
        try:
            code = money.currency(data["currency"])
            amounts = []
            for n, line in enumerate(data["lines"], 1):
                qty = money.decimal(line["quantity"] or "1", field=f"line {n} quantity")
                price = money.decimal(line["unit_price"] or "0", field=f"line {n} price")
                amounts.append(money.quantize(qty * price, code))
            total.append("Total ", style="dim")
            total.append(money.shown(money.total(amounts, code) if amounts else Decimal(0), code), style="bold")
            total.append(f"  ({len(amounts)} line{'s' if len(amounts) != 1 else ''})", style="dim")
        except ValidationError as exc:
            total.append(f"Total —  {exc}", style="yellow")
        self.query_one("#f-total", Static).update(total)

    def action_add_line(self) -> None:
        box = self.query_one("#f-lines", Vertical)
        if len(box.children) >= MAX_LINES:
            self.notify(f"At most {MAX_LINES} lines here.", severity="warning")
            return
        row = LineRow(None, self.query_one("#f-currency", Input).value or "USD")
        box.mount(row)
        self.call_after_refresh(lambda: row.query_one(Input).focus())

    def action_remove_line(self) -> None:
        focused = self.screen.focused
        row = next((n for n in (focused.ancestors if focused else []) if isinstance(n, LineRow)), None)
        if row is None:
            self.notify("Move the cursor into the line to remove.", severity="warning")
            return
        row.remove()
        self.call_after_refresh(self._show_total)
