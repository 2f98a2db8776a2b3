"""ReplyScreen (`r`): write a reply in a TextArea, with a template picker that also saves, edits and deletes.

Placeholders in a template ({buyer_name}, {product}, {my_name}, ...) are filled for this
inquiry when the template is inserted. Sending is one service call (an outgoing message);
if the inquiry changed meanwhile the text stays and the user sends again.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from inquiry_tui.domain.errors import InquiryError, StaleWrite
from inquiry_tui.domain.text import safe_line, truncate
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.inbox import templates, triage
from inquiry_tui.services.inbox.listing import InquiryRow
from inquiry_tui.services.inbox.templates import Template
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.files.attach import AttachScreen, Chosen, chosen_text
from inquiry_tui.tui.inbox import INBOX_CSS
from inquiry_tui.tui.inbox.template_edit import PLACEHOLDER_HELP, TemplateEditScreen
from inquiry_tui.tui.notices.background import OutboxQueued


class ReplyScreen(Dialog[bool], WorkerErrors):
    """Dismisses with True once the reply is sent, False when closed without sending."""

    CSS_PATH = INBOX_CSS
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", id="reply-send"),
        Binding("ctrl+t", "focus_templates", "Templates", id="reply-templates"),
        Binding("ctrl+o", "attach", "Attach", id="reply-attach", tooltip="files from the cloud disk or a local path"),
        Binding("n", "new_template", "New template", id="reply-template-new"),
        Binding("e", "edit_template", "Edit template", id="reply-template-edit"),
        Binding("x,delete", "delete_template", "Delete template", id="reply-template-delete"),
        Binding("escape", "close", "Close", id="reply-close"),
    ]

    def __init__(self, ctx: Ctx, row: InquiryRow) -> None:
        super().__init__()
        self.ctx = ctx
        self.row = row
        self.version = row.version
        self.values: dict[str, str] = {}
        self.templates: list[Template] = []
        self.attached: tuple[Chosen, ...] = ()
        self._sending = False

    @dataclass
    class TemplatesLoaded(Message):
        values: dict[str, str]  # placeholder values for this inquiry ({} when unchanged)
        templates: list[Template]
        select_id: int | None = None

    @dataclass
    class TemplateDeleted(Message):
        name: str

    @dataclass
    class Sent(Message):
        pass

    @dataclass
    class SendRefused(Message):
        message: str
        version: int | None  # the inquiry's new version when it was changed by someone else

    def compose(self) -> ComposeResult:
        to = Text("To ", style="dim")
        to.append(truncate(safe_line(self.row.buyer_name) or "(no name)", 40), style="bold")
        if self.row.buyer_company:
            to.append(" · " + truncate(safe_line(self.row.buyer_company), 40))
        to.append("\nRe ", style="dim")
        to.append(truncate(safe_line(self.row.subject), 90))
        with Vertical(classes="dialog wide-dialog", id="reply-dialog"):
            yield Label(Content(f"Reply to inquiry #{self.row.id}"), classes="dialog-title")
            yield Static(to, id="reply-to")
            with Horizontal(id="reply-main"):
                yield TextArea("", soft_wrap=True, tab_behavior="focus", id="reply-body")
                with Vertical(id="reply-side"):
                    yield Label("Templates (ctrl+t)", classes="pane-title")
                    yield OptionList(id="reply-template-list")
                    yield Static(Text("enter insert · n new · e edit · x delete", style="dim"))
            yield Static(chosen_text(()), id="reply-attached")
            yield Static(Text(PLACEHOLDER_HELP, style="dim"))
            yield Static(Text("ctrl+s sends · ctrl+o attaches · escape closes", style="dim"), id="reply-keys")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self._load()

    @work(thread=True, exclusive=True, group="reply-load", exit_on_error=False)
    def _load(self) -> None:
        values = templates.placeholder_values(self.ctx, self.row.id)
        self.post_message(self.TemplatesLoaded(values, templates.list_templates(self.ctx)))

    @on(TemplatesLoaded)
    def _loaded(self, event: TemplatesLoaded) -> None:
        values, found, select_id = event.values, event.templates, event.select_id
        if values:
            self.values = values
        self.templates = found
        options = self.query_one("#reply-template-list", OptionList)
        options.clear_options()
        for t in found:
            label = Text(truncate(t.name, 30))
            label.append("  team" if t.shared else "  mine", style="dim")
            options.add_option(Option(label, id=str(t.id)))
        if found:
            index = next((i for i, t in enumerate(found) if t.id == select_id), 0)
            options.highlighted = index

    @work(thread=True, exclusive=True, group="reply-load", exit_on_error=False)
    def _reload_templates(self, select_id: int | None = None) -> None:
        self.post_message(self.TemplatesLoaded({}, templates.list_templates(self.ctx), select_id))

    def _highlighted_template(self) -> Template | None:
        options = self.query_one("#reply-template-list", OptionList)
        if options.highlighted is None or options.highlighted >= len(self.templates):
            return None
        return self.templates[options.highlighted]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_template", "edit_template", "delete_template"):
            # letters type into the editor; they act on templates only from the template list
            return isinstance(self.focused, OptionList)
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        template = self._highlighted_template()
        if template is None:
            return
        text, at = templates.reply_point(templates.fill(template.body, self.values))
        editor = self.query_one(TextArea)
        if not editor.text.strip():
            editor.text = ""
        row, column = editor.cursor_location
        editor.insert(text)
        # Typing goes on at the template's reply point ({cursor}, else its end), not before its greeting.
        before = text[:at]
        lines = before.count("\n")
        last = len(before) - (before.rfind("\n") + 1)
        editor.move_cursor((row + lines, column + last if lines == 0 else last))
        editor.focus()

    def action_focus_templates(self) -> None:
        self.query_one("#reply-template-list", OptionList).focus()

    def action_new_template(self) -> None:
        body = self.query_one(TextArea).text
        self.app.push_screen(TemplateEditScreen(self.ctx, None, body), self._template_saved)

    def action_edit_template(self) -> None:
        template = self._highlighted_template()
        if template is None:
            return
        if not template.editable:
            self.notify("Shared templates are edited by the admin; save a copy with n.", severity="warning")
            return
        self.app.push_screen(TemplateEditScreen(self.ctx, template), self._template_saved)

    def _template_saved(self, saved: Template | None) -> None:
        if saved is not None:
            self.notify(f"Template {saved.name!r} saved.", markup=False)
            self._reload_templates(saved.id)

    def action_delete_template(self) -> None:
        template = self._highlighted_template()
        if template is None:
            return
        if not template.editable:
            self.notify("Shared templates are deleted by the admin.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(template)

        self.app.push_screen(
            ConfirmScreen("Delete template", f"Delete the template {template.name!r}?", yes="Delete", danger=True),
            answered,
        )

    @work(thread=True, exclusive=True, group="reply-template-delete", exit_on_error=False)
    def _delete(self, template: Template) -> None:
        templates.delete_template(self.ctx, template.id, template.version)
        self.post_message(self.TemplateDeleted(template.name))

    @on(TemplateDeleted)
    def _template_deleted(self, event: TemplateDeleted) -> None:
        self.notify(f"Template {event.name!r} deleted.", markup=False)
        self._reload_templates(None)

    def action_attach(self) -> None:
        def chosen(files: tuple[Chosen, ...] | None) -> None:
            if files is not None:
                self.attached = files
                self.query_one("#reply-attached", Static).update(chosen_text(files))
            self.query_one(TextArea).focus()

        self.app.push_screen(AttachScreen(self.ctx, self.attached), chosen)

    def action_send(self) -> None:
        if self._sending:
            return
        text = self.query_one(TextArea).text
        if not text.strip() and not self.attached:
            self.notify("Write something first (or insert a template: ctrl+t).", severity="warning")
            return
        self._sending = True
        self._send(text, self.attached)

    @work(thread=True, exclusive=True, group="reply-send", exit_on_error=False)
    def _send(self, text: str, files: tuple[Chosen, ...] = ()) -> None:
        try:
            triage.reply(self.ctx, self.row.id, text, self.version, [f.source for f in files])
        except StaleWrite:
            state = triage.get_state(self.ctx, self.row.id)
            self.post_message(
                self.SendRefused(
                    f"Inquiry {self.row.id} was changed by someone else meanwhile (reloaded); your text is kept, "
                    "check the thread and press ctrl+s again to send.",
                    state.version,
                )
            )
            return
        except InquiryError as error:
            self.post_message(self.SendRefused(str(error), None))
            return
        except BaseException:
            self.post_message(self.SendRefused("", None))  # the app reports the error itself
            raise
        self.post_message(self.Sent())

    @on(Sent)
    def _sent(self) -> None:
        if self.row.channel == "email":
            self.app.post_message(OutboxQueued())  # saved with the reply: send it now (tui/notices/background.py)
        self.dismiss(True)

    @on(SendRefused)
    def _send_refused(self, event: SendRefused) -> None:
        self._sending = False
        if event.version is not None:
            self.version = event.version
        if event.message:
            self.notify(
                event.message, severity="warning", markup=False, timeout=8 if event.version is not None else None
            )

    def action_close(self) -> None:
        if not self.query_one(TextArea).text.strip():
            self.dismiss(False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(False)

        self.app.push_screen(
            ConfirmScreen("Discard reply", "Close without sending? The text is lost.", yes="Discard"), answered
        )
