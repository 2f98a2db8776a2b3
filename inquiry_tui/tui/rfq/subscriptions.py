"""SubscriptionsScreen (`s`): the keywords you follow in the RFQ market; new RFQs with all their words notify you."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.rfq.subscriptions import Subscription, subscribe, subscriptions, unsubscribe
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import KeyLine
from inquiry_tui.tui.rfq import RFQ_CSS


class SubscriptionsScreen(Dialog[None], WorkerErrors):
    CSS_PATH = RFQ_CSS
    BINDINGS = [
        Binding("delete", "remove_word", "Unfollow", id="keywords-remove"),
        Binding("escape", "close_keywords", "Close", id="keywords-close"),
    ]

    @dataclass
    class Loaded(Message):
        words: list[Subscription]
        note: str = ""

    @dataclass
    class Refused(Message):
        message: str

    def __init__(self, ctx: Ctx) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        with Vertical(id="keywords-box"):
            yield Static("Keywords you follow", id="keywords-title")
            yield Static(
                Text(
                    "A new RFQ whose title or description holds all the words of one of them notifies you.", style="dim"
                )
            )
            yield OptionList(id="keywords-list")
            yield Input(placeholder="add a keyword and press enter", id="keywords-new", max_length=100)
            yield Static("", id="keywords-note")
            yield KeyLine("enter add · delete unfollow the highlighted one · escape close", id="keywords-help")

    def on_mount(self) -> None:
        self.query_one("#keywords-new", Input).focus()
        self._run(None, None)

    @work(thread=True, exclusive=True, group="keywords", exit_on_error=False)
    def _run(self, add: str | None, remove: str | None) -> None:
        note = ""
        try:
            if add is not None:
                note = f"Following {subscribe(self.ctx, add).word!r}"
            if remove is not None:
                note = f"No longer following {unsubscribe(self.ctx, remove)!r}"
        except InquiryError as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Loaded(subscriptions(self.ctx), note))

    @on(Loaded)
    def _show(self, event: Loaded) -> None:
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options([Option(Text(safe_line(s.word)), id=s.word) for s in event.words])
        self._note(event.note or f"{len(event.words)} keyword{'s' if len(event.words) != 1 else ''}")

    @on(Refused)
    def _refused(self, event: Refused) -> None:
        self._note(event.message, error=True)

    def _note(self, text: str, *, error: bool = False) -> None:
        self.query_one("#keywords-note", Static).update(Text(safe_line(text), style="bold red" if error else "dim"))

    @on(Input.Submitted, "#keywords-new")
    def _add(self, event: Input.Submitted) -> None:
        self._run(event.value, None)
        event.input.value = ""

    def action_remove_word(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None:
            self._note("Highlight a keyword in the list first (tab to it).", error=True)
            return
        word = listing.get_option_at_index(listing.highlighted).id
        if word is not None:
            self._run(None, word)

    def action_close_keywords(self) -> None:
        self.dismiss(None)
