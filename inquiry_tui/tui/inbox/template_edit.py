"""TemplateEditScreen: a reply template's name and text, new or edited (ctrl+s saves)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Static, TextArea

from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import templates
from inquiry_tui.services.inbox.templates import Template
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.inbox import INBOX_CSS

PLACEHOLDER_HELP = "Placeholders: " + "  ".join("{" + name + "}" for name, _ in templates.PLACEHOLDERS)


class TemplateEditScreen(DiscardGuard, Dialog[Template | None], WorkerErrors):
    """Dismisses with the saved template, or None; escape asks first when the name or text changed."""

    CSS_PATH = INBOX_CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="template-save"),
        Binding("escape", "close_form", "Cancel", id="template-cancel"),
    ]

    def __init__(self, ctx: Ctx, template: Template | None = None, body: str = "") -> None:
        super().__init__()
        self.ctx = ctx
        self.template = template
        self.initial_body = template.body if template else body

    @dataclass
    class Saved(Message):
        template: Template

    def compose(self) -> ComposeResult:
        if self.template is None:
            title = "New shared template" if self.ctx.actor.is_admin else "New personal template"
        else:
            title = f"Edit template {self.template.name!r}"
        with Vertical(classes="dialog wide-dialog", id="template-dialog"):
            yield Label(Content(title), classes="dialog-title")
            yield Input(self.template.name if self.template else "", placeholder="Template name", id="template-name")
            yield TextArea(self.initial_body, soft_wrap=True, tab_behavior="focus", id="template-body")
            yield Static(Text(PLACEHOLDER_HELP, style="dim"))
            yield KeyLine("ctrl+s save · escape cancel")

    def on_mount(self) -> None:
        self.query_one("#template-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        name = self.query_one("#template-name", Input).value
        body = self.query_one(TextArea).text
        self._save(name, body)

    @work(thread=True, exclusive=True, group="template-save", exit_on_error=False)
    def _save(self, name: str, body: str) -> None:
        # A refusal (a bad name, changed by someone else) is an InquiryError: the app shows it.
        if self.template is None:
            saved = templates.create_template(self.ctx, name, body)
        else:
            saved = templates.update_template(self.ctx, self.template.id, name, body, self.template.version)
        self.post_message(self.Saved(saved))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.dismiss(event.template)
