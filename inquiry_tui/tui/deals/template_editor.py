"""TemplateEditorScreen: a contract template's name and sections, with placeholders such as {buyer.company}.

ctrl+s saves (a new template, or the edit of one: refused if someone saved it meanwhile); the
services name any bad field, or an unknown placeholder with the list of known ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from inquiry_tui.domain.deals import DealDoc
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.placeholders import PLACEHOLDERS
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import templates
from inquiry_tui.services.deals.views import TemplateInfo
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.forms import DiscardGuard
from inquiry_tui.tui.deals import DEALS_CSS
from inquiry_tui.tui.deals.deal_form import DealForm


class TemplateEditorScreen(DiscardGuard, Screen[bool], WorkerErrors):
    """Dismisses with True when saved."""

    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="template-save"),
        Binding("escape", "leave", "Close", id="template-close", tooltip="close (asks first when something changed)"),
    ]

    @dataclass
    class Loaded(Message):
        info: TemplateInfo

    @dataclass
    class Saved(Message):
        info: TemplateInfo

    @dataclass
    class Refused(Message):
        message: str

    def __init__(self, ctx: Ctx, template_id: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.template_id = template_id
        self.version: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="form-row", id="template-name-row"):
            yield Label("Name", classes="form-label")
            yield Input(id="template-name", compact=True, placeholder="e.g. FOB Ningbo, 30% deposit")
        yield Static(
            Text("Placeholders: " + " ".join("{" + name + "}" for name in PLACEHOLDERS), style="dim"),
            id="template-help",
        )
        yield DealForm(template=True, id="template-form")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = "Contract template" if self.template_id else "New contract template"
        if self.template_id is not None:
            self._load(self.template_id)
        else:
            self.query_one(DealForm).load(DealDoc())
            self.query_one("#template-name", Input).focus()
            self.call_after_refresh(self.mark_unchanged)

    @work(thread=True, exclusive=True, group="template-load", exit_on_error=False)
    def _load(self, template_id: int) -> None:
        self.post_message(self.Loaded(templates.get_template(self.ctx, template_id)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.version = event.info.version
        self.query_one("#template-name", Input).value = event.info.name
        self.query_one(DealForm).load(event.info.doc)
        self.query_one("#template-name", Input).focus()
        self.call_after_refresh(self.mark_unchanged)

    def action_save(self) -> None:
        self._save(self.query_one("#template-name", Input).value, self.query_one(DealForm).data())

    @work(thread=True, exclusive=True, group="template-save", exit_on_error=False)
    def _save(self, name: str, data: dict[str, object]) -> None:
        try:
            if self.template_id is None:
                info = templates.add_template(self.ctx, name, data)
            else:
                info = templates.save_template(self.ctx, self.template_id, name, data, expected_version=self.version)
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Saved(info))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.notify(f"Template {event.info.name} saved.", markup=False)
        self.dismiss(True)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one(DealForm).show_error(event.message)
        self.notify(event.message, severity="warning", markup=False)

    def action_leave(self) -> None:
        self.close_form(False)

    def form_state(self) -> tuple[tuple[str, object], ...]:
        # The document the fields make (its line rows are mounted, and composed, after the screen).
        try:
            name = self.query_one("#template-name", Input).value
            return (("name", name), ("doc", repr(self.query_one(DealForm).data())))
        except (NoMatches, KeyError):
            return ()
