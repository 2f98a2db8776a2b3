"""CustomerFormScreen: add a customer by hand, or from an inquiry's buyer (`c` in the inbox).

A modal form; each field shows its own error beneath it and nothing is saved while any field
is wrong. Dismisses with the saved CustomerRow, or None when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from inquiry_tui.domain.countries import country_name, to_country_code
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.input import CustomerInput, FieldErrors
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.services.customers.manage import CustomerDraft, customer_draft, save_customer
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.customers import CUSTOMERS_CSS

# (field, label, placeholder)
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("email", "E-mail", "name@company.com"),
    ("name", "Name", "contact person"),
    ("company", "Company", ""),
    ("country", "Country", "code or name, e.g. DE or Germany"),
    ("phone", "Phone", "+49 30 1234567"),
    ("website", "Website", "https://…"),
    ("group", "Group", "e.g. Key accounts"),
    ("type", "Type", "distributor, retailer, trading company…"),
    ("source", "Source", "manual, inquiry, chat, trade show…"),
    ("stars", "Stars", "0-5"),
    ("tags", "Tags", "comma-separated free tags"),
)


class CustomerFormScreen(DiscardGuard, Dialog[CustomerRow | None], WorkerErrors):
    """Add or edit one customer; the e-mail of an existing buyer stays fixed."""

    CSS_PATH = CUSTOMERS_CSS

    BINDINGS = [
        Binding("ctrl+s", "save_customer", "Save", id="customer-form-save"),
        Binding("escape", "close_form", "Cancel", id="customer-form-cancel"),
    ]

    @dataclass
    class DraftLoaded(Message):
        draft: CustomerDraft

    @dataclass
    class Saved(Message):
        row: CustomerRow

    @dataclass
    class Refused(Message):
        """The service refused: per-field ERRORS, or one MESSAGE for the whole form."""

        errors: dict[str, str]
        message: str = ""

    def __init__(self, ctx: Ctx, inquiry_id: int | None = None, buyer_id: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.inquiry_id = inquiry_id
        self.buyer_id = buyer_id
        self.draft: CustomerDraft | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form-box"):
            yield Static(self._title(), id="form-title")
            for name, label, placeholder in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-body"):
                        # A pre-filled value is edited, not replaced by the first key typed.
                        yield Input(
                            placeholder=placeholder,
                            id=f"f-{name}",
                            compact=True,
                            max_length=200,
                            select_on_focus=False,
                        )
                        if name == "country":
                            yield Static("", id="country-hint", classes="field-hint")
                        yield Static("", id=f"e-{name}", classes="field-error")
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel", id="form-cancel")
                yield Button("Save  ctrl+s", id="form-save", variant="primary")
            yield KeyLine("ctrl+s or enter save · tab next field · escape cancel (asks if changed)")

    def _title(self) -> str:
        if self.inquiry_id is not None:
            return "Add the buyer of this inquiry as a customer"
        return "Edit customer" if self.buyer_id is not None else "Add a customer by hand"

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#f-{name}", Input).value for name, _, _ in FIELDS}

    def on_mount(self) -> None:
        self.query_one("#f-email", Input).focus()
        if self.inquiry_id is not None or self.buyer_id is not None:
            self.query_one("#form-box").loading = True
            self._load_draft()

    @work(thread=True, exclusive=True, group="customer-form", exit_on_error=False)
    def _load_draft(self) -> None:
        try:
            draft = customer_draft(self.ctx, inquiry_id=self.inquiry_id, buyer_id=self.buyer_id)
        except InquiryError as exc:
            self.post_message(self.Refused({}, str(exc)))
            return
        self.post_message(self.DraftLoaded(draft))

    @on(DraftLoaded)
    def _fill(self, event: DraftLoaded) -> None:
        draft = event.draft
        self.draft = draft
        self.query_one("#form-box").loading = False
        data = draft.data
        for name, _, _ in FIELDS:
            value = getattr(data, name)
            if name == "tags":
                text = ", ".join(value)
            else:
                text = str(value) if value is not None else ""
            # Buyer text goes into an Input as plain characters; made safe for display first.
            self.query_one(f"#f-{name}", Input).value = safe_line(text)
        self.mark_unchanged()
        email = self.query_one("#f-email", Input)
        if draft.buyer_id is not None:
            email.disabled = True  # an existing buyer's address is who they are
            self.query_one("#f-name", Input).focus()
        if draft.is_customer:
            self.query_one("#form-title", Static).update("Edit customer (already a customer)")

    @on(Input.Changed, "#f-country")
    def _country_changed(self, event: Input.Changed) -> None:
        # A code or a name (the rule imports use too); the hint names the country it means.
        code = to_country_code(event.value)
        name = country_name(code) if code is not None else None
        hint = self.query_one("#country-hint", Static)
        hint.update(Text(name or ""))
        hint.set_class(bool(name), "-shown")

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save_customer()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.close_form()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save_customer()

    def _input(self) -> CustomerInput:
        values = {name: self.query_one(f"#f-{name}", Input).value for name, _, _ in FIELDS}
        tags = tuple(values.pop("tags").split(","))
        notes = self.draft.data.notes if self.draft is not None else ""  # not edited here, kept
        return CustomerInput(**values, tags=tags, notes=notes)

    def action_save_customer(self) -> None:
        data = self._input()
        try:
            data.clean()  # field errors show at once, before any worker or write
        except FieldErrors as exc:
            self._show_errors(exc.errors)
            return
        self._show_errors({})
        self._save(data)

    @work(thread=True, exclusive=True, group="customer-form", exit_on_error=False)
    def _save(self, data: CustomerInput) -> None:
        draft = self.draft
        try:
            row = save_customer(
                self.ctx,
                data,
                inquiry_id=self.inquiry_id,
                buyer_id=draft.buyer_id if draft is not None else self.buyer_id,
                expected_version=draft.version if draft is not None else None,
            )
        except FieldErrors as exc:
            self.post_message(self.Refused(exc.errors))
            return
        except InquiryError as exc:
            self.post_message(self.Refused({}, str(exc)))
            return
        self.post_message(self.Saved(row))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.dismiss(event.row)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        if event.message:
            self._show_form_error(event.message)
        else:
            self._show_errors(event.errors)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, _, _ in FIELDS:
            label = self.query_one(f"#e-{name}", Static)
            message = errors.get(name, "")
            # Messages quote what was typed: literal Text, never markup.
            label.update(Text(safe_line(message)))
            label.set_class(bool(message), "-shown")
        self.query_one("#form-error", Static).update(
            Text("Nothing was saved: fix the fields marked above." if errors else "")
        )
        if errors:
            first = next(n for n, _, _ in FIELDS if n in errors)
            field = self.query_one(f"#f-{first}", Input)
            if not field.disabled:
                field.focus()

    def _show_form_error(self, message: str) -> None:
        self.query_one("#form-box").loading = False
        self.query_one("#form-error", Static).update(Text(safe_line(message)))
