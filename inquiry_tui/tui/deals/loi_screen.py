"""LoiScreen: one letter of intent as its buyer will read it, with its actions.

e edit, s send (an outgoing message on the thread, the PDF attached), c confirm (the buyer
agreed; frozen from then on), w withdraw, o make the order, v versions, x save as PDF. Every
action carries the version shown, so acting on an LOI someone else changed is refused and the
screen reloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain import money
from inquiry_tui.domain.deals import LoiStatus
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.deals import lois, orders
from inquiry_tui.services.deals.views import LoiVersionInfo, LoiView, OrderView
from inquiry_tui.tui.common import clock
from inquiry_tui.tui.common.confirm import ConfirmScreen
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.footer import KeysFooter
from inquiry_tui.tui.deals import DEALS_CSS
from inquiry_tui.tui.deals.dialogs import SavePdfScreen
from inquiry_tui.tui.deals.loi_editor import LoiEditorScreen, party_text
from inquiry_tui.tui.deals.order_screen import OrderScreen

ACTIONS = {"send": lois.send_loi, "confirm": lois.confirm_loi, "withdraw": lois.withdraw_loi}


class LoiScreen(Screen[None], WorkerErrors):
    CSS_PATH = DEALS_CSS
    BINDINGS = [
        Binding("e", "edit", "Edit", id="loi-edit"),
        Binding("s", "act('send')", "Send", id="loi-send", tooltip="send to the buyer on the thread, PDF attached"),
        Binding("c", "act('confirm')", "Confirm", id="loi-confirm", tooltip="the buyer agreed (frozen from then on)"),
        Binding("w", "act('withdraw')", "Withdraw", id="loi-withdraw"),
        Binding("o", "make_order", "Make order", id="loi-order", tooltip="the order of this confirmed LOI"),
        Binding("v", "versions", "Versions", id="loi-versions", tooltip="every saved version"),
        Binding("x", "export_pdf", "PDF", id="loi-pdf", tooltip="save as a PDF file"),
        Binding("escape", "app.pop_screen", "Back", id="loi-back"),
    ]

    @dataclass
    class Loaded(Message):
        view: LoiView
        text: str

    @dataclass
    class Acted(Message):
        action: str
        view: LoiView

    @dataclass
    class OrderMade(Message):
        order: OrderView

    @dataclass
    class PdfSaved(Message):
        path: Path
        size: int

    def __init__(self, ctx: Ctx, loi_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.loi_id = loi_id
        self.view: LoiView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading…", id="loi-head")
        with VerticalScroll(id="loi-body"):
            yield Static("", id="loi-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = clock.titled(f"Letter of intent {self.loi_id}")
        self.reload()

    def reload(self) -> None:
        self._load()

    @on(clock.ZoneChanged)
    def _zone_changed(self) -> None:
        """The reader chose another zone (`Z`): the times again."""
        self.sub_title = clock.titled(f"Letter of intent {self.loi_id}")
        self.reload()

    @work(thread=True, exclusive=True, group="loi-view", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(lois.loi_detail(self.ctx, self.loi_id), lois.loi_text(self.ctx, self.loi_id)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        v = self.view = event.view
        head = party_text(v.buyer)
        head.append(f"\nLOI {v.id} · {v.status.upper()} · version {v.version} · total ", style="bold")
        head.append(money.shown(v.total, v.doc.currency), style="bold green")
        if v.order_number:
            head.append(f" · order {v.order_number}", style="bold cyan")
        if v.message_inquiry_id:
            head.append(f" · sent on inquiry #{v.message_inquiry_id}", style="dim")
        self.query_one("#loi-head", Static).update(head)
        self.query_one("#loi-text", Static).update(Text(event.text))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        v = self.view
        if v is None or action not in ("edit", "act", "make_order"):
            return True
        status = LoiStatus(v.status)
        allowed = {
            "edit": status in (LoiStatus.DRAFT, LoiStatus.SENT),
            "make_order": status is LoiStatus.CONFIRMED and v.order_id is None,
        }
        if action == "act":
            name = str(parameters[0])
            return {
                "send": status in (LoiStatus.DRAFT, LoiStatus.SENT),
                "confirm": status is LoiStatus.SENT,
                "withdraw": status in (LoiStatus.DRAFT, LoiStatus.SENT),
            }[name] or None
        return allowed[action] or None

    def action_edit(self) -> None:
        def done(saved: int | None) -> None:
            self.reload()

        self.app.push_screen(LoiEditorScreen(self.ctx, loi_id=self.loi_id), done)

    def action_act(self, name: str) -> None:
        if self.view is None:
            return
        if name == "withdraw":

            def answered(yes: bool | None) -> None:
                if yes:
                    self._act(name, self.view.version if self.view else None)

            self.app.push_screen(
                ConfirmScreen("Withdraw this LOI?", "It can no longer be sent or confirmed.", danger=True), answered
            )
            return
        self._act(name, self.view.version)

    @work(thread=True, exclusive=True, group="loi-act", exit_on_error=False)
    def _act(self, name: str, version: int | None) -> None:
        try:
            view = ACTIONS[name](self.ctx, self.loi_id, expected_version=version)
        except InquiryError:
            self.post_message(self.Loaded(lois.loi_detail(self.ctx, self.loi_id), lois.loi_text(self.ctx, self.loi_id)))
            raise
        self.post_message(self.Acted(name, view))

    @on(Acted)
    def _acted(self, event: Acted) -> None:
        done = {
            "send": f"sent on inquiry #{event.view.message_inquiry_id}",
            "confirm": "confirmed",
            "withdraw": "withdrawn",
        }
        self.notify(f"LOI {event.view.id} {done[event.action]}.")
        self.reload()

    def action_make_order(self) -> None:
        self._make_order()

    @work(thread=True, exclusive=True, group="loi-act", exit_on_error=False)
    def _make_order(self) -> None:
        self.post_message(self.OrderMade(orders.order_from_loi(self.ctx, self.loi_id)))

    @on(OrderMade)
    def _order_made(self, event: OrderMade) -> None:
        self.notify(f"Order {event.order.number} made.")
        self.reload()
        self.app.push_screen(OrderScreen(self.ctx, event.order.id))

    def action_versions(self) -> None:
        self.app.push_screen(VersionsScreen(self.ctx, self.loi_id))

    def action_export_pdf(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self._pdf(path)

        self.app.push_screen(SavePdfScreen(f"LOI {self.loi_id}", f"LOI-{self.loi_id}.pdf"), chosen)

    @work(thread=True, exclusive=True, group="loi-pdf", exit_on_error=False)
    def _pdf(self, path: Path) -> None:
        data = lois.loi_pdf(self.ctx, self.loi_id)
        path.write_bytes(data)
        self.post_message(self.PdfSaved(path, len(data)))

    @on(PdfSaved)
    def _pdf_saved(self, event: PdfSaved) -> None:
        self.notify(f"Saved {event.path} ({event.size:,} bytes).", markup=False)


class VersionsScreen(Screen[None], WorkerErrors):
    """Every saved version of an LOI; the highlighted one shown beside the list."""

    CSS_PATH = DEALS_CSS
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="versions-back")]

    @dataclass
    class Loaded(Message):
        versions: list[LoiVersionInfo]

    def __init__(self, ctx: Ctx, loi_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.loi_id = loi_id
        self.versions: list[LoiVersionInfo] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="versions-list")
        with VerticalScroll(id="versions-body"):
            yield Static("", id="versions-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.sub_title = clock.titled(f"Versions of LOI {self.loi_id}")
        self._load()

    @work(thread=True, exclusive=True, group="loi-versions", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(lois.loi_versions(self.ctx, self.loi_id)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.versions = event.versions
        options = self.query_one(OptionList)
        options.add_options(
            [
                Option(
                    Text(
                        f"v{v.version}  {clock.stamp(v.at)}  {v.change:<9} {v.actor}  {money.shown(v.doc.total(), v.doc.currency)}"
                    )
                )
                for v in event.versions
            ]
        )
        options.highlighted = len(event.versions) - 1 if event.versions else None
        options.focus()

    @on(OptionList.OptionHighlighted, "#versions-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#versions-text", Static).update(version_text(self.versions[event.option_index]))


def version_text(v: LoiVersionInfo) -> Text:
    """One version as the document read then, after what changed since the version before (the lines come from
    render_text, already made safe; they are appended as plain text, never as markup)."""
    out = Text()
    out.append(f"Version {v.version} · {v.change} by {v.actor} · {clock.stamp(v.at)}\n", style="bold")
    if v.version > 1:
        if v.changed:
            out.append(f"Changed since version {v.version - 1}:\n", style="bold")
            for line in v.changed:
                out.append(line + "\n", style="red" if line.startswith("-") else "green")
        else:
            out.append(f"The document is as in version {v.version - 1} (only its status changed).\n", style="dim")
    out.append("\n")
    out.append(v.text)
    return out
