"""LoiEditorScreen: draft a letter of intent (pre-filled from an inquiry or a customer, and a template) or edit one.

A new LOI opens pre-filled and unsaved; ctrl+s saves it as a draft (or an edit as a new version)
and the screen closes with the LOI's id. The services check every field and say which one is
wrong; the message stays under the form and nothing is saved. An edit carries the version the
screen read, so a save over someone else's newer one is refused ("changed by someone else").
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
from textual.widgets import Header, Label, Select, Static

from inquiry_tui.domain.errors import InquiryError, StaleWrite
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois, templates
from inquiry_tui.services.deals.lois import LoiDraft
from inquiry_tui.services.deals.views import LoiView, Party, TemplateInfo
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.common.forms import DiscardGuard
from inquiry_tui.tui.deals import DEALS_CSS
from inquiry_tui.tui.deals.deal_form import DealForm, LineRow


def party_text(buyer: Party, extra: str = "") -> Text:
    text = Text()
    text.append(safe_line(buyer.name) or safe_line(buyer.email), style="bold")
    if buyer.company:
        text.append(" · " + safe_line(buyer.company))
    text.append(f" <{safe_line(buyer.email)}> · {buyer.country or '??'}", style="dim")
    if extra:
        text.append("  " + extra, style="italic")
    return text


class LoiEditorScreen(DiscardGuard, Screen[int | None], WorkerErrors):
    """Dismisses with the saved LOI's id, or None when left without saving."""

    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="loi-save", tooltip="save the draft (an edit: a new version)"),
        Binding("escape", "leave", "Close", id="loi-close", tooltip="close (asks first when something changed)"),
    ]

    @dataclass
    class Prefilled(Message):
        draft: LoiDraft
        templates: list[TemplateInfo]

    @dataclass
    class Loaded(Message):
        view: LoiView

    @dataclass
    class Saved(Message):
        view: LoiView

    @dataclass
    class Refused(Message):
        message: str
        stale: bool

    def __init__(
        self, ctx: Ctx, *, loi_id: int | None = None, inquiry_id: int | None = None, buyer_id: int | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.loi_id = loi_id
        self.inquiry_id = inquiry_id
        self.buyer_id = buyer_id
        self.version: int | None = None
        self.template: str | None = None
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="loi-party")
        with Horizontal(id="loi-template-row", classes="form-row"):
            yield Label("Template", classes="form-label")
            yield Select[str]([], prompt="none", id="loi-template", compact=True)
        yield DealForm(id="loi-form")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = f"LOI {self.loi_id}" if self.loi_id else "New letter of intent"
        if self.loi_id is not None:
            self.query_one("#loi-template-row").display = False
            self._load(self.loi_id)
        else:
            self._prefill(None)

    @work(thread=True, exclusive=True, group="loi-load", exit_on_error=False)
    def _load(self, loi_id: int) -> None:
        self.post_message(self.Loaded(lois.loi_detail(self.ctx, loi_id)))

    @on(Loaded)
    async def _loaded(self, event: Loaded) -> None:
        v = event.view
        self.version = v.version
        self.query_one("#loi-party", Static).update(party_text(v.buyer, f"{v.status} · version {v.version}"))
        await self.query_one(DealForm).load(v.doc)
        self.ready = True
        self.call_after_refresh(self.mark_unchanged)
        # a field has the focus at once: typed digits must not reach the app's mode keys (the lines are
        # in place: a field of the rows they replaced would be gone, and the focus with it)
        self.call_after_refresh(self._focus_first_price)

    @work(thread=True, exclusive=True, group="loi-load", exit_on_error=False)
    def _prefill(self, template: str | None) -> None:
        draft = lois.prefill_loi(self.ctx, buyer_id=self.buyer_id, inquiry_id=self.inquiry_id, template=template)
        self.post_message(self.Prefilled(draft, templates.list_templates(self.ctx)))

    @on(Prefilled)
    async def _prefilled(self, event: Prefilled) -> None:
        draft = event.draft
        source = f"from inquiry #{draft.inquiry_id}" if draft.inquiry_id else "new"
        self.query_one("#loi-party", Static).update(party_text(draft.buyer, source))
        select = self.query_one("#loi-template", Select)
        with self.prevent(Select.Changed):
            select.set_options([(safe_line(t.name), t.name) for t in event.templates])
            if draft.template_name:
                select.value = draft.template_name
        await self.query_one(DealForm).load(draft.doc)
        self.ready = True
        self.call_after_refresh(self.mark_unchanged)
        self.call_after_refresh(self._focus_first_price)

    def _focus_first_price(self) -> None:
        """The first line's price (what is left to fill in), its SKU when the line is blank, else the subject."""
        rows = self.query(LineRow)
        if not rows:
            self.query_one("#f-subject").focus()
            return
        first = rows.first()
        blank = not any(first.values()[name] for name in ("sku", "description"))
        first.query_one(".line-sku" if blank else ".line-price").focus()

    @on(Select.Changed, "#loi-template")
    def _template_chosen(self, event: Select.Changed) -> None:
        if not self.ready or self.loi_id is not None:
            return
        self.template = None if event.value is Select.NULL else str(event.value)
        self._prefill(self.template)

    def action_save(self) -> None:
        if not self.ready:
            return
        self._save(self.query_one(DealForm).data())

    @work(thread=True, exclusive=True, group="loi-save", exit_on_error=False)
    def _save(self, data: dict[str, object]) -> None:
        try:
            if self.loi_id is None:
                view = lois.draft_loi(
                    self.ctx, buyer_id=self.buyer_id, inquiry_id=self.inquiry_id, template=self.template, data=data
                )
                if self.buyer_id is None:
                    self.buyer_id = view.buyer.buyer_id
            else:
                view = lois.edit_loi(self.ctx, self.loi_id, data, expected_version=self.version)
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc), isinstance(exc, StaleWrite)))
            return
        self.post_message(self.Saved(view))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.notify(f"LOI {event.view.id} saved (version {event.view.version}).")
        self.dismiss(event.view.id)

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self.query_one(DealForm).show_error(event.message)
        self.notify(event.message, severity="warning", markup=False)
        if event.stale and self.loi_id is not None:
            self._load(self.loi_id)  # reloaded: the newer version is shown

    def action_leave(self) -> None:
        self.close_form(None)

    def form_state(self) -> tuple[tuple[str, object], ...]:
        # The document the fields make (its line rows are mounted, and composed, after the screen).
        try:
            return (("doc", repr(self.query_one(DealForm).data())),)
        except (NoMatches, KeyError):
            return ()
