"""FilterScreen: filter customers by group, type, source, stars, stage and free tags (`f`)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from inquiry_tui.domain.deals import CustomerStage
from inquiry_tui.domain.errors import InquiryError
from inquiry_tui.domain.text import safe_line
from inquiry_tui.services.context import Ctx
from inquiry_tui.services.customers.listing import CustomerQuery, Facets, customer_facets
from inquiry_tui.tui.common.dialog import Dialog
from inquiry_tui.tui.common.errors import WorkerErrors
from inquiry_tui.tui.common.forms import DiscardGuard, KeyLine
from inquiry_tui.tui.customers import CUSTOMERS_CSS


class FilterScreen(DiscardGuard, Dialog[CustomerQuery | None], WorkerErrors):
    """Dismisses with the query carrying the chosen filters (search and sort kept), or None."""

    CSS_PATH = CUSTOMERS_CSS
    BINDINGS = [
        Binding("ctrl+s", "apply_filters", "Apply", id="filters-apply"),
        Binding("ctrl+r", "clear_filters", "Clear", id="filters-clear"),
        Binding("escape", "close_form", "Cancel", id="filters-cancel"),
    ]

    @dataclass
    class FacetsLoaded(Message):
        facets: Facets

    def __init__(self, ctx: Ctx, query: CustomerQuery) -> None:
        super().__init__()
        self.ctx = ctx
        self.query_in = query

    def compose(self) -> ComposeResult:
        q = self.query_in
        with Vertical(id="filter-box"):
            yield Static("Filter customers", id="filter-title")
            for name, label in (("group", "Group"), ("type", "Type"), ("source", "Source")):
                with Horizontal(classes="field"):
                    yield Label(label, classes="field-label")
                    current = getattr(q, name)
                    options = [(safe_line(current), current)] if current else []
                    yield Select(options, id=f"filter-{name}", prompt="any", value=current or Select.NULL)
            with Horizontal(classes="field"):
                yield Label("Stars", classes="field-label")
                yield Select(
                    [(f"{n} ★", n) for n in range(6)],
                    id="filter-stars",
                    prompt="any",
                    value=q.stars if q.stars is not None else Select.NULL,
                )
            with Horizontal(classes="field"):
                yield Label("Stage", classes="field-label")
                yield Select(
                    [(s.title, s.value) for s in CustomerStage],
                    id="filter-stage",
                    prompt="any",
                    value=q.stage or Select.NULL,
                )
            with Horizontal(classes="field"):
                yield Label("Tags", classes="field-label")
                yield Input(
                    ", ".join(safe_line(t) for t in q.tags),
                    placeholder="all of these free tags, comma-separated",
                    id="filter-tags",
                )
            yield KeyLine("ctrl+s apply · ctrl+r clear all · escape cancel", id="filter-help")

    def on_mount(self) -> None:
        self.query_one("#filter-group", Select).focus()
        self._load_facets()

    @work(thread=True, exclusive=True, group="customer-filters", exit_on_error=False)
    def _load_facets(self) -> None:
        try:
            facets = customer_facets(self.ctx)
        except InquiryError:
            return  # the pickers keep their current values; filtering still works
        self.post_message(self.FacetsLoaded(facets))

    @on(FacetsLoaded)
    def _show_facets(self, event: FacetsLoaded) -> None:
        facets = event.facets
        changed = self.form_changed()  # by the user, before the pickers' choices came
        for name, values in (("group", facets.groups), ("type", facets.types), ("source", facets.sources)):
            select = self.query_one(f"#filter-{name}", Select)
            current = select.value
            select.set_options([(safe_line(v), v) for v in values])
            if current is not Select.NULL and current in values:
                select.value = current
        if not changed:
            self.mark_unchanged()

    @on(Input.Submitted, "#filter-tags")
    def _submitted(self) -> None:
        self.action_apply_filters()

    def _value(self, name: str) -> str | None:
        value = self.query_one(f"#filter-{name}", Select).value
        return None if value is Select.NULL else str(value)

    def _stars(self) -> int | None:
        value = self._value("stars")
        return None if value is None else int(value)

    def action_apply_filters(self) -> None:
        tags = tuple(
            sorted({" ".join(t.split()) for t in self.query_one("#filter-tags", Input).value.split(",") if t.strip()})
        )
        q = self.query_in
        self.dismiss(
            CustomerQuery(
                search=q.search,
                group=self._value("group"),
                type=self._value("type"),
                source=self._value("source"),
                stars=self._stars(),
                tags=tags,
                owner=q.owner,
                sort=q.sort,
                stage=self._value("stage"),
            )
        )

    def action_clear_filters(self) -> None:
        q = self.query_in
        self.dismiss(CustomerQuery(search=q.search, owner=q.owner, sort=q.sort))
