"""TagEditScreen: edit a customer's group, type, source, stars and free tags in place (`t`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.input import FieldErrors, clean_tags
from inquiry_tui.services.customers.listing import CustomerRow
from inquiry_tui.services.customers.manage import set_customer_tags
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.customers import CUSTOMERS_CSS

TAG_FIELDS = (("group", "Group"), ("type", "Type"), ("source", "Source"), ("stars", "Stars 0-5"), ("tags", "Free tags"))


class TagEditScreen(DiscardGuard, Dialog[CustomerRow | None], WorkerErrors):
    """Tags of one customer; dismisses with the saved row or None."""

    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [
        Binding("ctrl+s", "save_tags", "Save", id="tags-save"),
        Binding("escape", "close_form", "Cancel", id="tags-cancel"),
    ]

    @dataclass
    class Saved(Message):
        row: CustomerRow

    @dataclass
    class Refused(Message):
        """The service refused: per-field ERRORS, or one MESSAGE."""

        errors: dict[str, str]
        message: str = ""

    def __init__(self, ctx: Ctx, row: CustomerRow) -> None:
        super().__init__()
        self.ctx = ctx
        self.row = row

    def compose(self) -> ComposeResult:
        values = {
            "group": self.row.group,
            "type": self.row.type,
            "source": self.row.source,
            "stars": str(self.row.stars),
            "tags": ", ".join(self.row.tags),
        }
        with Vertical(id="tags-box"):
            title = Text("Tags of ")
            title.append(truncate(safe_line(self.row.name or self.row.email), 40), style="bold")
            yield Static(title, id="tags-title")
            for name, label in TAG_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    with Vertical(classes="field-body"):
                        yield Input(
                            safe_line(values[name]), id=f"t-{name}", compact=True, max_length=200, select_on_focus=False
                        )
                        yield Static("", id=f"te-{name}", classes="field-error")
            yield Static("", id="tags-error")
            yield KeyLine("enter or ctrl+s save · escape cancel", id="tags-help")

    def on_mount(self) -> None:
        self.query_one("#t-group", Input).focus()

    def _values(self) -> dict[str, str]:
        return {name: self.query_one(f"#t-{name}", Input).value for name, _ in TAG_FIELDS}

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save_tags()

    def action_save_tags(self) -> None:
        v = self._values()
        try:
            clean_tags(v["group"], v["type"], v["source"], v["stars"], v["tags"])
        except FieldErrors as exc:
            self._show_errors(exc.errors)
            return
        self._show_errors({})
        self._save(v)

    @work(thread=True, exclusive=True, group="customer-tags", exit_on_error=False)
    def _save(self, v: dict[str, str]) -> None:
        try:
            row = set_customer_tags(
                self.ctx,
                self.row.buyer_id,
                self.row.version,
                group=v["group"],
                type=v["type"],
                source=v["source"],
                stars=v["stars"],
                tags=v["tags"],
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
            self.query_one("#tags-error", Static).update(Text(safe_line(event.message)))
        else:
            self._show_errors(event.errors)

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name, _ in TAG_FIELDS:
            label = self.query_one(f"#te-{name}", Static)
            label.update(Text(safe_line(errors.get(name, ""))))
            label.set_class(name in errors, "-shown")
        self.query_one("#tags-error", Static).update(Text("Nothing was saved." if errors else ""))
